#requires -Version 7.4
<#
.SYNOPSIS
    Benchmarks AsyncWeb against the tools users would otherwise pick, side by side in one run,
    and writes bench/results.md.
.DESCRIPTION
    Installs or checks its peers from Debian packages (nginx-light, curl, wrk, python3-aiohttp, time),
    generates the data it serves under bench/work/www, starts nginx on 127.0.0.1 with its own config
    and pid file under bench/work/nginx, runs each scenario for AsyncWeb and its peers -Repeat times
    (tools interleaved within each repeat), and reports medians and AsyncWeb's ratios against the
    targets of issue 6 (scenario 7: issue 5's rate-limit requirement). nginx and the delay server are
    stopped by pid at the end, also on failure.

    The module is copied to bench/work/module first and imported from there, so a rebuild of out/
    during the run changes nothing. Every AsyncWeb and PowerShell figure comes from a fresh pwsh
    process (dotnet pwsh.dll under `dotnet pwsh`), timed in-process around the command itself;
    /usr/bin/time -v records each process's peak RSS.

    Scenarios are the files bench/scenarios/NN-Name.ps1, one each, selected by number or name; each
    opens with a line on what it measures and holds its title, counts, needs, run and table rows.
    Only the servers and peers the selected scenarios need are started or checked.
.PARAMETER ModulePath
    The laid-out module (out/AsyncWeb); build.ps1 Bench passes it.
.PARAMETER Quick
    Smaller counts, scenario 7 at 50 requests/s only, and one repeat (unless -Repeat is given): a smoke
    run of about a minute.
.PARAMETER Scenario
    Which scenarios to run, by name or number (default: all).
.PARAMETER Repeat
    Runs of each scenario; the table reports medians. Default 3 (1 with -Quick).
.PARAMETER MeasuredRounds
    Measured rounds of the in-process comparison (scenario 1, scenario 8 (b) and (c): Invoke-BenchChild.ps1
    -InProcessPeer) in each process, after the settling rounds; each side's figure is the median of its rounds.
    Default 3, -Quick included: a round of scenario 1's quick run (3 × 20k requests) takes 2–5 s.
.PARAMETER KeepData
    Keep the generated files (1 GiB + 1,000 MiB) in bench/work/www for the next run.
.PARAMETER NoInstall
    Only check the peers; fail instead of running apt-get.
.PARAMETER DelayServer
    Scenario 2's endpoint: TestServer (the project's Kestrel server, /delay/100; default) or
    Aiohttp (bench/delay_server.py).
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh bench/Invoke-Benchmark.ps1 -ModulePath out/AsyncWeb -Quick -Scenario 1, 3
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [switch] $Quick,

    # Default: every file in bench/scenarios/.
    [string[]] $Scenario,

    [ValidateRange(1, 25)]
    [int] $Repeat = 3,

    [ValidateRange(1, 25)]
    [int] $MeasuredRounds = 3,

    [switch] $KeepData,

    [switch] $NoInstall,

    [ValidateSet('TestServer', 'Aiohttp')]
    [string] $DelayServer = 'TestServer',

    # The built test server (default: TestServer beside the module's folder, i.e. out/TestServer).
    [string] $TestServerPath,

    [ValidateRange(1, 4096)]
    [int] $ThrottleLimit = 64,

    [string] $ResultsPath = (Join-Path $PSScriptRoot 'results.md')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
. (Join-Path $PSScriptRoot 'BenchScenario.ps1')
. (Join-Path $PSScriptRoot 'BenchResults.ps1')

# ---- scenarios: bench/scenarios/NN-Name.ps1, each returning its definition ----
# Needs: servers (Nginx, TlsNginx, TestServer, FlowServer: a second test server, DelayServer: scenario 2's
# endpoint), data (BigFile: Counts.BigBytes, Files: Counts.Files) and peers (curl, wrk, aiohttp).
$knownKeys = 'Title', 'Needs', 'Counts', 'TableNote', 'CountsNote', 'Notes', 'Run', 'Rows'
$all = @(foreach ($file in Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'scenarios') -Filter '*.ps1' | Sort-Object Name) {
        if ($file.BaseName -notmatch '^(\d+)-(\w+)$') { throw "Scenario file '$($file.Name)' is not named NN-Name.ps1" }
        $number, $name = [int]$Matches[1], $Matches[2]
        $definition = & $file.FullName
        $unknown = @($definition.Keys | Where-Object { $_ -notin $knownKeys })
        if ($unknown -or -not ($definition['Title'] -and $definition['Counts'] -and $definition['Run'] -and $definition['Rows'])) {
            throw "Scenario file '$($file.Name)' needs Title, Counts (Full, Quick), Run and Rows$(if ($unknown) { "; unknown: $($unknown -join ', ')" })"
        }
        [pscustomobject]@{
            Number = $number; Name = $name; Title = "$number. $($definition.Title)"; Needs = @($definition['Needs'])
            Counts = if ($Quick) { $definition.Counts.Quick } else { $definition.Counts.Full }
            TableNote = $definition['TableNote']; CountsNote = $definition['CountsNote']; Notes = $definition['Notes']
            Run = $definition.Run; Rows = $definition.Rows
        }
    })
$duplicate = $all | Group-Object Number | Where-Object Count -GT 1 | Select-Object -First 1
if ($duplicate) { throw "Two scenario files numbered $($duplicate.Name): $(($duplicate.Group | ForEach-Object Name) -join ', ')" }

if (-not $Scenario) { $Scenario = $all | ForEach-Object Name }
$wanted = foreach ($name in ($Scenario -split ',' | ForEach-Object Trim | Where-Object { $_ })) {
    $match = $all | Where-Object { $name -eq $_.Name -or ($name -match '^\d+$' -and [int]$name -eq $_.Number) }
    if (-not $match) { throw "Unknown scenario '$name'; use $(($all | ForEach-Object { "$($_.Number)/$($_.Name)" }) -join ', ')" }
    $match.Number
}
$selected = @($all | Where-Object Number -In $wanted)
if ($Quick -and -not $PSBoundParameters.ContainsKey('Repeat')) { $Repeat = 1 }
$needs = @($selected | ForEach-Object Needs | Select-Object -Unique)
$needTestServer = 'TestServer' -in $needs -or ('DelayServer' -in $needs -and $DelayServer -eq 'TestServer')
$bigBytes = [long](($selected | Where-Object Needs -Contains 'BigFile' | ForEach-Object { $_.Counts.BigBytes } | Measure-Object -Maximum).Maximum)
$fileCount = [int](($selected | Where-Object Needs -Contains 'Files' | ForEach-Object { $_.Counts.Files } | Measure-Object -Maximum).Maximum)

# What a scenario's blocks see besides $spec (its definition: Number, Name, Title, Counts, ...) and $counts
# (its Full or Quick counts), the parameters above and the functions of BenchScenario.ps1.
$benchRoot = $PSScriptRoot
$work = Join-Path $PSScriptRoot 'work'
$www = Join-Path $work 'www'
$downloads = Join-Path $work 'downloads'
$pwshCommand = Get-PwshCommand
$child = Join-Path $PSScriptRoot 'Invoke-BenchChild.ps1'
$aiohttpPeer = Join-Path $PSScriptRoot 'aiohttp_peer.py'
$runStarted = Get-Date
$loadBefore = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '

function Start-TestServerCopy([string] $Folder) {
    # A private copy, so a rebuild of out/ during the run changes nothing.
    if (-not (Test-Path -LiteralPath (Join-Path $TestServerPath 'AsyncWeb.TestServer.dll'))) { throw "No test server at '$TestServerPath'; build it (or use -DelayServer Aiohttp for scenario 2)" }
    $copy = Join-Path $work $Folder
    if (Test-Path -LiteralPath $copy) { Remove-Item -LiteralPath $copy -Recurse -Force }
    Copy-Item -LiteralPath $TestServerPath -Destination $copy -Recurse
    $started = Start-DelayServer -Kind TestServer -TestServerDll (Join-Path $copy 'AsyncWeb.TestServer.dll')
    $started | Add-Member -NotePropertyName Base -NotePropertyValue ($started.Url -replace '/delay/100$', '') -PassThru
}

# ---- main ----
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath 'AsyncWeb.psd1'))) { throw "No module at '$ModulePath' (expected AsyncWeb.psd1 there); run ./build.ps1 Build" }
if (-not $TestServerPath) { $TestServerPath = Join-Path (Split-Path -Parent (Resolve-Path -LiteralPath $ModulePath)) 'TestServer' }

$peers = @('time') + @($needs | Where-Object { $_ -in 'curl', 'wrk', 'aiohttp' })
if ('Nginx' -in $needs -or 'TlsNginx' -in $needs) { $peers += 'nginx' }
if ('DelayServer' -in $needs -and $DelayServer -eq 'Aiohttp') { $peers += 'aiohttp' }
Install-BenchPeer -Peer $peers -NoInstall:$NoInstall
New-Item -ItemType Directory -Force -Path $work | Out-Null

# Others rebuild out/ while this runs: measure a private copy.
$moduleCopy = Join-Path $work 'module/AsyncWeb'
if (Test-Path -LiteralPath $moduleCopy) { Remove-Item -LiteralPath $moduleCopy -Recurse -Force }
New-Item -ItemType Directory -Force -Path $moduleCopy | Out-Null
Copy-Item -Path (Join-Path $ModulePath '*') -Destination $moduleCopy -Recurse -Force
$moduleManifest = Join-Path $moduleCopy 'AsyncWeb.psd1'

$needBytes = 2 * $bigBytes + 2 * $fileCount * 1MB + 1GB
$free = ([System.IO.DriveInfo]::new($work)).AvailableFreeSpace
Write-Host ('== Disk: {0:N1} GiB free under {1}, this run needs about {2:N1} GiB' -f ($free / 1GB), $work, ($needBytes / 1GB)) -ForegroundColor Cyan
& df -h $work | Out-Host
if ($free -lt $needBytes) { throw ('Not enough disk space under {0}: {1:N1} GiB free, {2:N1} GiB needed' -f $work, ($free / 1GB), ($needBytes / 1GB)) }

$nginx = $null
$tlsNginx = $null
$delay = $null
$testServer = $null
$flowServer = $null
$failed = [System.Collections.Generic.List[string]]::new()
try {
    Write-Host '== Generating data' -ForegroundColor Cyan
    New-BenchData -Root $www -BigBytes $bigBytes -FileCount $fileCount
    Sync-Disk

    if ('Nginx' -in $needs) {
        $nginx = Start-BenchNginx -Template (Join-Path $PSScriptRoot 'nginx.conf.template') -WorkDir $work -Root $www
        Write-Host "== nginx pid $($nginx.Pid) on $($nginx.Base)" -ForegroundColor Cyan
    }
    if ($needTestServer) {
        $testServer = Start-TestServerCopy 'testserver'
        Write-Host "== test server pid $($testServer.Pid): $($testServer.Base)" -ForegroundColor Cyan
    }
    if ('DelayServer' -in $needs) {
        $delay = if ($DelayServer -eq 'TestServer') { $testServer } else { Start-DelayServer -Kind Aiohttp -PythonServer (Join-Path $PSScriptRoot 'delay_server.py') }
        Write-Host "== delay server ($($delay.Kind)) pid $($delay.Pid): $($delay.Url)" -ForegroundColor Cyan
    }
    if ('FlowServer' -in $needs) {
        # Its own test server, so the per-host refusals it counts are the scenario's alone.
        $flowServer = Start-TestServerCopy 'testserver-flow'
        Write-Host "== second test server pid $($flowServer.Pid): $($flowServer.Base)" -ForegroundColor Cyan
    }
    if ('TlsNginx' -in $needs) {
        $tls = New-BenchCertificate -Directory (Join-Path $work 'tls')
        $closePort = Get-FreePort
        $tlsNginx = Start-BenchNginx -Template (Join-Path $PSScriptRoot 'nginx-tls.conf.template') -WorkDir $work -Root $www -Name 'nginx-tls' -Replace @{ CERT = $tls.Chain; KEY = $tls.Key; CLOSEPORT = $closePort }
        $tlsNginx | Add-Member -NotePropertyName ClosePort -NotePropertyValue $closePort
        Write-Host "== nginx (https, 1 worker) pid $($tlsNginx.Pid) on ports $($tlsNginx.Port) (keep-alive, h2) and $closePort (closes each connection)" -ForegroundColor Cyan
        $dotnetPeer = Join-Path $work 'dotnet-peer/DotnetPeer.dll'
        & (Get-DotnetHost) build (Join-Path $PSScriptRoot 'dotnet-peer/DotnetPeer.csproj') -c Release -o (Split-Path $dotnetPeer) --nologo -v quiet '-clp:ErrorsOnly' | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'building bench/dotnet-peer failed' }
    }

    foreach ($spec in $selected) {
        $counts = $spec.Counts
        try {
            & $spec.Run
        }
        catch {
            Write-Warning "Scenario $($spec.Name) failed: $_"
            $failed.Add("$($spec.Name)`: $($_.Exception.Message -replace '\s+', ' ')")
        }
    }
}
finally {
    if ($delay -and $delay -ne $testServer) { Stop-BenchProcess -Id $delay.Pid }
    if ($testServer) { Stop-BenchProcess -Id $testServer.Pid }
    if ($flowServer) { Stop-BenchProcess -Id $flowServer.Pid }
    if ($nginx) { Stop-BenchProcess -Id $nginx.Pid }
    if ($tlsNginx) { Stop-BenchProcess -Id $tlsNginx.Pid }
    if (-not $KeepData) {
        foreach ($path in $www, $downloads) {
            if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Recurse -Force -ErrorAction SilentlyContinue }
        }
    }
    elseif (Test-Path -LiteralPath $downloads) { Remove-Item -LiteralPath $downloads -Recurse -Force -ErrorAction SilentlyContinue }
}

$rows = @(foreach ($spec in $selected) {
        if (-not ($figures | Where-Object Scenario -EQ $spec.Title)) { continue }
        $counts = $spec.Counts
        & $spec.Rows
    })
Write-Results -Rows $rows -Failed $failed
ConvertTo-ResultTable $rows | Out-Host
if ($failed.Count -gt 0) { throw "Scenario(s) failed: $($failed -join '; ')" }

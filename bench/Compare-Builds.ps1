#requires -Version 7.4
<#
.SYNOPSIS
    Compares the plain-GET throughput of module builds in one run, so a change can show it cost nothing.
.DESCRIPTION
    Starts one server, then for each repeat runs every build in turn, each in a fresh pwsh
    (Invoke-BenchChild.ps1 -Mode Gets -Warm): Count GETs at -ThrottleLimit, the first call (JIT included)
    and the same call again in that process. It reports requests per second, the client process's CPU
    time per request (which a loaded, shared machine disturbs far less than wall time) and the bytes it
    allocates per request in the second call (which load does not move at all). The order of the builds
    reverses every other repeat (A B, B A, ...), so drifting machine load falls on them alike; the table
    shows the medians and each build's ratio to the first. Lay out a build to compare with, e.g. main's:
    git archive main | tar -x -C /tmp/main; then build.ps1 Build there, and pass /tmp/main/out/AsyncWeb
    and ./out/AsyncWeb.
.PARAMETER Server
    TestServer (the project's Kestrel server, /json; default) or Nginx (scenario 1's nginx and its
    1 KB small.json, the benchmark's own server).
.PARAMETER ResultsPath
    Also write the medians and every run as Markdown tables to this file.
.EXAMPLE
    dotnet pwsh -NoProfile bench/Compare-Builds.ps1 -ModulePath /tmp/main/out/AsyncWeb,./out/AsyncWeb -Count 20000 -Repeat 5
.EXAMPLE
    dotnet pwsh -NoProfile bench/Compare-Builds.ps1 -ModulePath /tmp/off/out/AsyncWeb,./out/AsyncWeb -Server Nginx -Count 100000 -Repeat 9
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string[]] $ModulePath,
    [int] $Count = 20000,
    [int] $Repeat = 3,
    [int] $ThrottleLimit = 64,
    [ValidateSet('TestServer', 'Nginx')]
    [string] $Server = 'TestServer',
    [string] $ResultsPath
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/TestHelpers.psm1') -Force
# From bash (pwsh -File), a comma list arrives as one string.
$paths = @($ModulePath -split ',' | Where-Object { $_ } | ForEach-Object { (Resolve-Path $_).ProviderPath })
$pwsh = @(Get-PwshCommand)
$loadBefore = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '
$work = Join-Path $PSScriptRoot 'work'
$nginx = $null
$testServer = $null
try {
    if ($Server -eq 'Nginx') {
        $www = Join-Path $work 'compare-www'
        New-BenchData -Root $www -BigBytes 0 -FileCount 0
        $nginx = Start-BenchNginx -Template (Join-Path $PSScriptRoot 'nginx.conf.template') -WorkDir $work -Root $www
        $uri = "$($nginx.Base)/small.json"
    }
    else {
        $testServer = Start-TestServer
        $uri = "$($testServer.Http)/json"
    }

    $runs = foreach ($round in 1..$Repeat) {
        $order = if ($round % 2) { $paths } else { $paths[($paths.Count - 1)..0] }
        foreach ($path in $order) {
            $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $PSScriptRoot 'Invoke-BenchChild.ps1'),
                '-Mode', 'Gets', '-ModulePath', $path, '-Uri', $uri, '-Count', $Count, '-ThrottleLimit', $ThrottleLimit, '-Warm')
            $line = & $pwsh[0] @arguments | Where-Object { $_ -like 'BENCH-RESULT *' } | Select-Object -Last 1
            $result = $line.Substring('BENCH-RESULT '.Length) | ConvertFrom-Json
            if ($result.errors -or $result.warmErrors) { throw "$path had $($result.errors + $result.warmErrors) failed requests" }
            [pscustomobject]@{
                Build = $path; Round = $round
                First = $Count / $result.seconds; Warm = $Count / $result.warmSeconds
                FirstCpu = 1e6 * $result.cpuSeconds / $Count; WarmCpu = 1e6 * $result.warmCpuSeconds / $Count
                WarmBytes = $result.warmAllocatedBytes / $Count
            }
        }
    }
}
finally {
    if ($nginx) { Stop-BenchProcess -Id $nginx.Pid }
    if ($testServer) { Stop-TestServer }
}

$runs | Format-Table Round, Build, @{ n = 'First req/s'; e = { '{0:N0}' -f $_.First } }, @{ n = 'Warm req/s'; e = { '{0:N0}' -f $_.Warm } },
    @{ n = 'First CPU µs/req'; e = { '{0:N1}' -f $_.FirstCpu } }, @{ n = 'Warm CPU µs/req'; e = { '{0:N1}' -f $_.WarmCpu } },
    @{ n = 'Warm bytes/req'; e = { '{0:N0}' -f $_.WarmBytes } } | Out-Host

# Ratios to the first build: above 1 is better (faster, or cheaper in CPU and bytes).
$first = $null
$summary = foreach ($path in $paths) {
    $mine = $runs | Where-Object Build -EQ $path
    $row = [pscustomobject]@{
        Build              = $path
        'First req/s'      = [int](Get-Median $mine.First)
        'Warm req/s'       = [int](Get-Median $mine.Warm)
        'First CPU µs/req' = [math]::Round((Get-Median $mine.FirstCpu), 1)
        'Warm CPU µs/req'  = [math]::Round((Get-Median $mine.WarmCpu), 1)
        'Warm bytes/req'   = [math]::Round((Get-Median $mine.WarmBytes))
        'Warm req/s ×'     = 1.0
        'Warm CPU ×'       = 1.0
    }
    if ($first) {
        $row.'Warm req/s ×' = [math]::Round($row.'Warm req/s' / $first.'Warm req/s', 3)
        $row.'Warm CPU ×' = [math]::Round($first.'Warm CPU µs/req' / $row.'Warm CPU µs/req', 3)
    }
    else { $first = $row }
    $row
}
$summary | Format-Table -AutoSize | Out-Host
$loadAfter = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '
Write-Host "load average: $loadBefore at start, $loadAfter at end"

if ($ResultsPath) {
    $lines = @("# $Count GETs ($Server), concurrency $ThrottleLimit, $Repeat alternating repeats ($(Get-Date -Format 'yyyy-MM-dd HH:mm')); load average $loadBefore at start, $loadAfter at end", '',
        '| Build | First req/s | Warm req/s | First CPU µs/req | Warm CPU µs/req | Warm bytes/req | Warm req/s × | Warm CPU × |', '|---|---|---|---|---|---|---|---|')
    $lines += $summary | ForEach-Object { '| {0} | {1:N0} | {2:N0} | {3:N1} | {4:N1} | {5:N0} | {6:N3} | {7:N3} |' -f $_.Build, $_.'First req/s', $_.'Warm req/s', $_.'First CPU µs/req', $_.'Warm CPU µs/req', $_.'Warm bytes/req', $_.'Warm req/s ×', $_.'Warm CPU ×' }
    $lines += '', '| Round | Build | First req/s | First CPU µs/req | Warm req/s | Warm CPU µs/req | Warm bytes/req |', '|---|---|---|---|---|---|---|'
    $lines += $runs | ForEach-Object { '| {0} | {1} | {2:N0} | {3:N1} | {4:N0} | {5:N1} | {6:N0} |' -f $_.Round, $_.Build, $_.First, $_.FirstCpu, $_.Warm, $_.WarmCpu, $_.WarmBytes }
    Set-Content -LiteralPath $ResultsPath -Value $lines
    Write-Host "Written to $ResultsPath"
}

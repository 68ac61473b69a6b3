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

    Scenarios (names or numbers):
      1 SmallGets      100k GETs of a 1 KB JSON file, concurrency 64
      2 Latency        1,000 GETs of an endpoint answering after 100 ms, concurrency 64
      3 LargeDownload  one 1 GiB file to disk: throughput and peak RSS
      4 ManyDownloads  1,000 x 1 MiB files into a directory
      5 Memory         peak RSS at 1,000,000 lazily generated pipeline inputs vs at 10,000
      6 Import         Import-Module time
      7 RateLimit      -RequestsPerSecond 5, 50, 500: the achieved start rate over a 10 s window
      8 Tls            HTTPS against a second nginx (1 worker, a certificate from a CA the bench makes):
                       (a) 20,000 GETs keep-alive, (b) 2,000 GETs with a handshake each (the server
                       closes every connection), (c) (a) over HTTP/2; each with -SkipCertificateCheck vs
                       curl -k and verifying against the CA vs curl --cacert; aiohttp and a bare .NET
                       HttpClient loop (bench/dotnet-peer) alongside
      9 Remoting       1 vs 2 workers over PowerShell remoting (SSH to loopback), one shard each, against
                       nginx with a per-connection bandwidth limit
     10 PerHost        a host that serves 8 requests at once and refuses more with 429 (the test server's
                       /limited endpoint, 20 ms each): -ThrottleLimit 64 alone, -ThrottleLimitPerHost 8 (the
                       limit known in advance), -AdaptiveThrottle (found at run time); curl --parallel-max 8
     11 Pages          every page of a paginated API (the test server's /pages/link, 50 ms a page) for 16 items of
                       20 pages: -FollowRelLink page by page, -FollowRelLink -PageParameter page (rel="last": the
                       rest at once), and ForEach-Object -Parallel { Invoke-RestMethod -FollowRelLink }
     12 Mirror         1,000 files of 64 KiB from the test server's /files/: -OutDirectory -IfChanged, a first run
                       and a second run with nothing changed (time, 304s, body bytes the server sent), and curl
                       --parallel fetching them all again
.PARAMETER ModulePath
    The laid-out module (out/AsyncWeb); build.ps1 Bench passes it.
.PARAMETER Quick
    Smaller counts, scenario 7 at 50 requests/s only, and one repeat (unless -Repeat is given): a smoke
    run of about a minute.
.PARAMETER Scenario
    Which scenarios to run, by name or number (default: all).
.PARAMETER Repeat
    Runs of each scenario; the table reports medians. Default 3 (1 with -Quick).
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

    [string[]] $Scenario = @('SmallGets', 'Latency', 'LargeDownload', 'ManyDownloads', 'Memory', 'Import', 'RateLimit', 'Tls', 'Remoting', 'PerHost', 'Pages', 'Mirror'),

    [ValidateRange(1, 25)]
    [int] $Repeat = 3,

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

$allScenarios = 'SmallGets', 'Latency', 'LargeDownload', 'ManyDownloads', 'Memory', 'Import', 'RateLimit', 'Tls', 'Remoting', 'PerHost', 'Pages', 'Mirror'
$selected = foreach ($name in ($Scenario -split ',' | ForEach-Object Trim | Where-Object { $_ })) {
    $match = if ($name -match '^\d+$' -and [int]$name -ge 1 -and [int]$name -le $allScenarios.Count) { $allScenarios[[int]$name - 1] }
             else { $allScenarios | Where-Object { $_ -eq $name } }
    if (-not $match) { throw "Unknown scenario '$name'; use 1-$($allScenarios.Count) or $($allScenarios -join ', ')" }
    $match
}
$selected = @($allScenarios | Where-Object { $_ -in $selected })
if ($Quick -and -not $PSBoundParameters.ContainsKey('Repeat')) { $Repeat = 1 }

$counts = if ($Quick) {
    @{ Gets = 20000; Parallel = 2000; Sequential = 1000; WrkSec = 2; Latency = 1000; BigBytes = 256MB; Files = 200; StreamBig = 100000; StreamSmall = 10000; Starts = 3; Rates = @(50); TlsKeepAlive = 5000; TlsClose = 500; Remote = 64; PageItems = 8; Pages = 20; MirrorFiles = 200; PerHost = 500 }
}
else {
    @{ Gets = 100000; Parallel = 10000; Sequential = 10000; WrkSec = 5; Latency = 1000; BigBytes = 1GB; Files = 1000; StreamBig = 1000000; StreamSmall = 10000; Starts = 5; Rates = @(5, 50, 500); TlsKeepAlive = 20000; TlsClose = 2000; Remote = 128; PageItems = 16; Pages = 20; MirrorFiles = 1000; PerHost = 2000 }
}

$work = Join-Path $PSScriptRoot 'work'
$www = Join-Path $work 'www'
$downloads = Join-Path $work 'downloads'
$pwshCommand = Get-PwshCommand
$child = Join-Path $PSScriptRoot 'Invoke-BenchChild.ps1'
$aiohttpPeer = Join-Path $PSScriptRoot 'aiohttp_peer.py'
$runStarted = Get-Date
$loadBefore = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '

# ---- measurements: one record per tool per repeat ----
$figures = [System.Collections.Generic.List[object]]::new()
$notes = [System.Collections.Generic.List[string]]::new()

function Add-Figure([string] $Scenario, [string] $Tool, [double] $Value, [string] $Unit) {
    $figures.Add([pscustomobject]@{ Scenario = $Scenario; Tool = $Tool; Value = $Value; Unit = $Unit })
    Write-Host ('   {0,-46} {1,12} {2}' -f $Tool, (Format-Figure $Value), $Unit)
}

function Format-Count([long] $Value) { [string]::Format([System.Globalization.CultureInfo]::InvariantCulture, '{0:N0}', $Value) }

function Get-Figure([string] $Scenario, [string] $Tool) {
    $values = @($figures | Where-Object { $_.Scenario -eq $Scenario -and $_.Tool -eq $Tool } | ForEach-Object Value)
    if ($values.Count -eq 0) { return [double]::NaN }
    return Get-Median $values
}

function Confirm-Clean([string] $Label, $Measured, [long] $Expected) {
    $json = $Measured.Json
    if ($null -eq $json) { throw "$Label printed no result" }
    if ($json.errors -gt 0) { $notes.Add("$Label reported $($json.errors) failed request(s)$(if ($json.PSObject.Properties['error']) { ': ' + $json.error })") }
    if ($Expected -gt 0 -and $json.count -ne $Expected) { $notes.Add("$Label counted $($json.count) results, expected $Expected") }
}

function Invoke-Child {
    param([string] $Label, [hashtable] $Arguments, [double] $TimeoutSec = 900, [hashtable] $Environment = @{})
    $command = @($pwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $child)
    foreach ($entry in $Arguments.GetEnumerator()) {
        if ($entry.Value -is [switch] -or $entry.Value -is [bool]) {
            if ($entry.Value) { $command += "-$($entry.Key)" }
        }
        else { $command += "-$($entry.Key)", [string]$entry.Value }
    }
    Invoke-Measured -Command $command -TimeoutSec $TimeoutSec -Label $Label -Environment $Environment
}

function Write-CurlConfig([string] $Path, [string[]] $Urls, [string[]] $Outputs) {
    $lines = [System.Collections.Generic.List[string]]::new()
    for ($i = 0; $i -lt $Urls.Count; $i++) {
        $lines.Add("url = `"$($Urls[$i])`"")
        if ($Outputs) { $lines.Add("output = `"$($Outputs[$i])`"") }
    }
    [System.IO.File]::WriteAllLines($Path, $lines)
}

function Reset-Directory([string] $Path) {
    if (Test-Path -LiteralPath $Path) { Remove-Item -LiteralPath $Path -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $Path | Out-Null
    Sync-Disk
}

function Sync-Disk {
    # Untimed: the previous tool's dirty pages are written back now, not during the next tool's run.
    & sync
}

# ---- scenarios ----
function Invoke-SmallGets {
    $s = '1. 100k small GETs'
    $url = "$($nginx.Base)/small.json"
    $n = $counts.Gets
    $cfg = Join-Path $work 'curl-small.cfg'
    Write-CurlConfig $cfg ([string[]]::new($n).ForEach({ $url }))
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($n requests, concurrency $ThrottleLimit)" -ForegroundColor Cyan
        $m = Invoke-Child 'AsyncWeb Gets' @{ Mode = 'Gets'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit; Warm = $true }
        Confirm-Clean 'AsyncWeb (scenario 1)' $m $n
        Add-Figure $s 'AsyncWeb (fresh pwsh, first call)' ($n / $m.Json.seconds) 'req/s'
        Add-Figure $s 'AsyncWeb (same session, second call)' ($n / $m.Json.warmSeconds) 'req/s'

        $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $cfg -StdoutToNull -Label 'curl --parallel'
        Add-Figure $s 'curl --parallel' ($n / $m.Wall) 'req/s'

        $m = Invoke-Measured -Command '/usr/bin/python3', $aiohttpPeer, 'get', $url, $n, $ThrottleLimit -Label 'aiohttp'
        Confirm-Clean 'aiohttp (scenario 1)' $m $n
        Add-Figure $s 'aiohttp' ($n / $m.Json.seconds) 'req/s'

        $p = $counts.Parallel
        $m = Invoke-Child 'ForEach-Object -Parallel' @{ Mode = 'Parallel'; Uri = $url; Count = $p; ThrottleLimit = $ThrottleLimit }
        Confirm-Clean 'ForEach-Object -Parallel (scenario 1)' $m $p
        Add-Figure $s "ForEach-Object -Parallel + Invoke-RestMethod ($(Format-Figure $p) req)" ($p / $m.Json.seconds) 'req/s'

        $q = $counts.Sequential
        $m = Invoke-Child 'sequential Invoke-RestMethod' @{ Mode = 'Sequential'; Uri = $url; Count = $q }
        Confirm-Clean 'sequential Invoke-RestMethod (scenario 1)' $m $q
        Add-Figure $s "sequential Invoke-RestMethod ($(Format-Figure $q) req)" ($q / $m.Json.seconds) 'req/s'

        $m = Invoke-Measured -Command '/usr/bin/wrk', "-c$ThrottleLimit", '-t2', "-d$($counts.WrkSec)s", $url -Label 'wrk'
        if ($m.Stdout -notmatch 'Requests/sec:\s+([\d.]+)') { throw "wrk printed no Requests/sec:`n$($m.Stdout)" }
        Add-Figure $s 'wrk (ceiling of this nginx)' ([double]$Matches[1]) 'req/s'
    }
}

function Invoke-Latency {
    $s = '2. 1,000 GETs answered after 100 ms'
    $url = $delay.Url
    $n = $counts.Latency
    $cfg = Join-Path $work 'curl-delay.cfg'
    Write-CurlConfig $cfg ([string[]]::new($n).ForEach({ $url }))
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($($delay.Kind) server)" -ForegroundColor Cyan
        $m = Invoke-Child 'AsyncWeb latency' @{ Mode = 'Gets'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit; Warm = $true }
        Confirm-Clean 'AsyncWeb (scenario 2)' $m $n
        Add-Figure $s 'AsyncWeb (fresh pwsh, first call)' $m.Json.seconds 's'
        Add-Figure $s 'AsyncWeb (same session, second call)' $m.Json.warmSeconds 's'

        $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $cfg -StdoutToNull -Label 'curl --parallel (delay)'
        Add-Figure $s 'curl --parallel' $m.Wall 's'

        $m = Invoke-Measured -Command '/usr/bin/python3', $aiohttpPeer, 'get', $url, $n, $ThrottleLimit -Label 'aiohttp (delay)'
        Confirm-Clean 'aiohttp (scenario 2)' $m $n
        Add-Figure $s 'aiohttp' $m.Json.seconds 's'
    }
}

function Invoke-LargeDownload {
    $s = '3. one large download to disk'
    $url = "$($nginx.Base)/big.bin"
    $size = $counts.BigBytes
    $target = Join-Path $downloads 'big.bin'
    New-Item -ItemType Directory -Force -Path $downloads | Out-Null
    Sync-Disk
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($(Format-Figure ($size / 1MB)) MiB)" -ForegroundColor Cyan
        $m = Invoke-Child 'AsyncWeb -OutFile' @{ Mode = 'Download'; ModulePath = $moduleManifest; Uri = $url; OutFile = $target }
        Confirm-Clean 'AsyncWeb -OutFile (scenario 3)' $m 1
        if ($m.Json.bytes -ne $size) { $notes.Add("AsyncWeb -OutFile wrote $($m.Json.bytes) bytes, expected $size") }
        Add-Figure $s 'AsyncWeb -OutFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
        Add-Figure $s 'AsyncWeb -OutFile, peak RSS' $m.RssMB 'MB'
        Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
        Sync-Disk

        # Info: the same download hashed (-ComputeSha256), the price of a Sha256 in the result.
        $m = Invoke-Child 'AsyncWeb -OutFile -ComputeSha256' @{ Mode = 'Download'; ModulePath = $moduleManifest; Uri = $url; OutFile = $target; ComputeSha256 = $true }
        Confirm-Clean 'AsyncWeb -OutFile -ComputeSha256 (scenario 3)' $m 1
        if (-not $m.Json.PSObject.Properties['sha256']) { $notes.Add('AsyncWeb -OutFile -ComputeSha256 returned no Sha256') }
        Add-Figure $s 'AsyncWeb -OutFile -ComputeSha256' ($size / 1MB / $m.Json.seconds) 'MiB/s'
        Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
        Sync-Disk

        $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '-o', $target, $url -Label 'curl -o'
        if ((Get-Item -LiteralPath $target).Length -ne $size) { $notes.Add('curl -o wrote a file of the wrong size') }
        Add-Figure $s 'curl -o' ($size / 1MB / $m.Wall) 'MiB/s'
        Add-Figure $s 'curl -o, peak RSS' $m.RssMB 'MB'
        Remove-Item -LiteralPath $target -Force
        Sync-Disk

        $m = Invoke-Child 'Invoke-WebRequest -OutFile' @{ Mode = 'WebRequestFile'; Uri = $url; OutFile = $target }
        Confirm-Clean 'Invoke-WebRequest -OutFile (scenario 3)' $m 1
        Add-Figure $s 'Invoke-WebRequest -OutFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
        Add-Figure $s 'Invoke-WebRequest -OutFile, peak RSS' $m.RssMB 'MB'
        Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
        Sync-Disk

        $m = Invoke-Measured -Command '/usr/bin/python3', $aiohttpPeer, 'download', $url, $target, (128 * 1024) -Label 'aiohttp download'
        Confirm-Clean 'aiohttp chunked (scenario 3)' $m 1
        Add-Figure $s 'aiohttp (128 KiB chunks)' ($size / 1MB / $m.Json.seconds) 'MiB/s'
        Add-Figure $s 'aiohttp, peak RSS' $m.RssMB 'MB'
        Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
        Sync-Disk

        $m = Invoke-Child 'idle pwsh' @{ Mode = 'Import'; ModulePath = $moduleManifest }
        Add-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS' $m.RssMB 'MB'
    }
}

function Invoke-ManyDownloads {
    $s = '4. 1,000 x 1 MiB into a directory'
    $n = $counts.Files
    $names = 0..($n - 1) | ForEach-Object { 'f{0:d4}.bin' -f $_ }
    $urls = [string[]]($names | ForEach-Object { "$($nginx.Base)/files/$_" })
    $list = Join-Path $work 'files.txt'
    [System.IO.File]::WriteAllLines($list, $urls)
    $target = Join-Path $downloads 'many'
    $cfg = Join-Path $work 'curl-files.cfg'
    Write-CurlConfig $cfg $urls ([string[]]($names | ForEach-Object { Join-Path $target $_ }))
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($n files, concurrency $ThrottleLimit)" -ForegroundColor Cyan
        Reset-Directory $target
        $m = Invoke-Child 'AsyncWeb -OutDirectory' @{ Mode = 'Directory'; ModulePath = $moduleManifest; ListFile = $list; OutDirectory = $target; ThrottleLimit = $ThrottleLimit }
        Confirm-Clean 'AsyncWeb -OutDirectory (scenario 4)' $m $n
        Add-Figure $s 'AsyncWeb -OutDirectory' ($n / $m.Json.seconds) 'files/s'

        Reset-Directory $target
        $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $cfg -Label 'curl --parallel (files)'
        $written = @(Get-ChildItem -LiteralPath $target -File).Count
        if ($written -ne $n) { $notes.Add("curl --parallel wrote $written of $n files") }
        Add-Figure $s 'curl --parallel' ($n / $m.Wall) 'files/s'

        Reset-Directory $target
        $m = Invoke-Measured -Command '/usr/bin/python3', $aiohttpPeer, 'download-many', $list, $target, $ThrottleLimit -Label 'aiohttp (files)'
        Confirm-Clean 'aiohttp (scenario 4)' $m $n
        Add-Figure $s 'aiohttp' ($n / $m.Json.seconds) 'files/s'
    }
    Reset-Directory $target
}

function Invoke-Memory {
    $s = '5. memory at many pipeline inputs'
    $url = "$($nginx.Base)/tiny"
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat" -ForegroundColor Cyan
        foreach ($n in $counts.StreamSmall, $counts.StreamBig) {
            $m = Invoke-Child "AsyncWeb stream $n" @{ Mode = 'Stream'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit } -TimeoutSec 1200
            Confirm-Clean "AsyncWeb $n inputs (scenario 5)" $m $n
            Add-Figure $s "AsyncWeb peak RSS, $(Format-Figure $n) inputs" $m.RssMB 'MB'
            Add-Figure $s "AsyncWeb rate, $(Format-Figure $n) inputs (info)" ($n / $m.Json.seconds) 'req/s'
        }
    }
}

function Invoke-Import {
    $s = '6. Import-Module'
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($($counts.Starts) starts each)" -ForegroundColor Cyan
        for ($i = 0; $i -lt $counts.Starts; $i++) {
            $bare = Invoke-Child 'bare pwsh' @{ Mode = 'Bare' }
            $import = Invoke-Child 'pwsh + Import-Module' @{ Mode = 'Import'; ModulePath = $moduleManifest }
            $figures.Add([pscustomobject]@{ Scenario = $s; Tool = 'bare pwsh start'; Value = $bare.Wall * 1000; Unit = 'ms' })
            $figures.Add([pscustomobject]@{ Scenario = $s; Tool = 'pwsh start + Import-Module'; Value = $import.Wall * 1000; Unit = 'ms' })
            $figures.Add([pscustomobject]@{ Scenario = $s; Tool = 'Import-Module, timed inside pwsh (info)'; Value = $import.Json.importMs; Unit = 'ms' })
        }
        Write-Host ('   bare {0} ms, with import {1} ms, in-process {2} ms (medians so far)' -f (Format-Figure (Get-Figure $s 'bare pwsh start')),
            (Format-Figure (Get-Figure $s 'pwsh start + Import-Module')), (Format-Figure (Get-Figure $s 'Import-Module, timed inside pwsh (info)')))
    }
}

function Invoke-RateLimit {
    # Issue 5: "-RequestsPerSecond: the start rate holds within 10% over a 10 s window". The limiter's
    # first token is immediate, so 10·R + 1 starts span 10 s; each run's requests carry their own
    # ?rate=<tag>, which nginx logs with its $msec (the only requests it logs).
    $s = '7. -RequestsPerSecond start rate'
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat (rates $($counts.Rates -join ', ') per s, 10 s each, concurrency $ThrottleLimit)" -ForegroundColor Cyan
        foreach ($rate in $counts.Rates) {
            $n = 10 * $rate + 1
            $tag = 'r{0}-{1}-{2}' -f $rate, $r, [guid]::NewGuid().ToString('N').Substring(0, 8)
            Clear-RateLog -Path $nginx.RateLog
            $m = Invoke-Child "AsyncWeb -RequestsPerSecond $rate" @{ Mode = 'RateLimited'; ModulePath = $moduleManifest; Uri = "$($nginx.Base)/tiny?rate=$tag"; Count = $n; ThrottleLimit = $ThrottleLimit; RequestsPerSecond = $rate } -TimeoutSec 120
            Confirm-Clean "AsyncWeb -RequestsPerSecond $rate (scenario 7)" $m $n
            $arrivals = Get-RateLogArrival -Path $nginx.RateLog -Tag $tag -Expected $n
            if ($arrivals.Count -eq $n -and $arrivals[-1] -gt $arrivals[0]) {
                Add-Figure $s "$rate/s: start rate, nginx arrivals" (($n - 1) / ($arrivals[-1] - $arrivals[0])) 'req/s'
            }
            else { $notes.Add("scenario 7 at $rate/s, repeat $r`: nginx logged $($arrivals.Count) of $n requests; that run's rate is the client's") }
            if ($m.Json.endSpan -gt 0) { Add-Figure $s "$rate/s: start rate, client result ends" (($n - 1) / $m.Json.endSpan) 'req/s' }
            Add-Figure $s "$rate/s: start rate, client wall time" (($n - 1) / $m.Json.seconds) 'req/s'
        }
    }
}

function Invoke-Tls {
    # Issue 16. A host name, as real APIs have: the runtime resumes TLS sessions by host name only (an IP
    # literal never resumes), curl and aiohttp by host and port either way; the (b) rows by IP show the
    # difference. Every tool trusts only the bench's CA: SSL_CERT_FILE / SSL_CERT_DIR for .NET (OpenSSL's
    # store on Linux) and Python, curl --cacert.
    $s = '8. HTTPS'
    $trust = @{ SSL_CERT_FILE = $tls.CaFile; SSL_CERT_DIR = $tls.RootsDir }
    $workloads = @(
        @{ Key = 'a'; Name = "(a) $(Format-Count $counts.TlsKeepAlive) GETs, keep-alive"; Port = $tlsNginx.Port; Count = $counts.TlsKeepAlive; Http2 = $false; Host = 'localhost' }
        @{ Key = 'b'; Name = "(b) $(Format-Count $counts.TlsClose) GETs, a handshake each"; Port = $tlsNginx.ClosePort; Count = $counts.TlsClose; Http2 = $false; Host = 'localhost' }
        @{ Key = 'b-ip'; Name = "(b) by IP (127.0.0.1: .NET resumes no session)"; Port = $tlsNginx.ClosePort; Count = $counts.TlsClose; Http2 = $false; Host = '127.0.0.1' }
        @{ Key = 'c'; Name = "(c) $(Format-Count $counts.TlsKeepAlive) GETs, HTTP/2"; Port = $tlsNginx.Port; Count = $counts.TlsKeepAlive; Http2 = $true; Host = 'localhost' }
    )
    for ($r = 1; $r -le $Repeat; $r++) {
        foreach ($w in $workloads) {
            $url = "https://$($w.Host):$($w.Port)/small.json"
            $n = $w.Count
            $cfg = Join-Path $work "curl-tls-$($w.Key).cfg"
            if ($r -eq 1) { Write-CurlConfig $cfg ([string[]]::new($n).ForEach({ $url })) }
            foreach ($verify in $false, $true) {
                $check = if ($verify) { 'verified' } else { 'skipped' }
                Write-Host "== $s $($w.Name), certificate $check, repeat $r/$Repeat (concurrency $ThrottleLimit)" -ForegroundColor Cyan
                $cell = "$($w.Key) $check"
                $warm = [Math]::Min($n, 2000)

                $arguments = @{ Mode = 'Gets'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit; WarmCount = $warm; SkipCertificateCheck = (-not $verify) }
                if ($w.Http2) { $arguments.HttpVersion = '2.0' }
                $m = Invoke-Child "AsyncWeb https $cell" $arguments -Environment $trust
                Confirm-Clean "AsyncWeb (scenario 8 $cell)" $m $n
                Add-Figure $s "$cell · AsyncWeb" ($n / $m.Json.seconds) 'req/s'
                if ($w.Key -eq 'a') {
                    # AsyncWeb's default negotiates h2 by ALPN (phase 2); pinned to HTTP/1.1, like for like with curl --http1.1.
                    $arguments.HttpVersion = '1.1'
                    $m = Invoke-Child "AsyncWeb -HttpVersion 1.1 https $cell" $arguments -Environment $trust
                    Confirm-Clean "AsyncWeb -HttpVersion 1.1 (scenario 8 $cell)" $m $n
                    Add-Figure $s "$cell · AsyncWeb -HttpVersion 1.1" ($n / $m.Json.seconds) 'req/s'
                }

                $curlArgs = @('/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit)
                $curlArgs += if ($verify) { '--cacert', $tls.CaFile } else { '-k' }
                if ($w.Http2) { $curlArgs += '--http2' }
                $m = Invoke-Measured -Command ($curlArgs + @('-K', $cfg)) -StdoutToNull -Label "curl $cell"
                Add-Figure $s "$cell · curl" ($n / $m.Wall) 'req/s'
                if ($w.Key -eq 'a') {
                    # curl's default over https is HTTP/2 by ALPN; the same over HTTP/1.1, like for like.
                    $m = Invoke-Measured -Command ($curlArgs + @('--http1.1', '-K', $cfg)) -StdoutToNull -Label "curl --http1.1 $cell"
                    Add-Figure $s "$cell · curl --http1.1" ($n / $m.Wall) 'req/s'
                }

                if (-not $w.Http2) {
                    $peer = @('/usr/bin/python3', $aiohttpPeer, 'get', $url, $n, $ThrottleLimit)
                    if (-not $verify) { $peer += 'insecure' }
                    $m = Invoke-Measured -Command $peer -Label "aiohttp $cell" -Environment $trust
                    Confirm-Clean "aiohttp (scenario 8 $cell)" $m $n
                    Add-Figure $s "$cell · aiohttp" ($n / $m.Json.seconds) 'req/s'
                }

                $peer = @((Get-DotnetHost), $dotnetPeer, 'get', $url, $n, $ThrottleLimit, '--warm', $warm)
                if (-not $verify) { $peer += '--skip' }
                if ($w.Http2) { $peer += '--http2' }
                $m = Invoke-Measured -Command $peer -Label ".NET HttpClient $cell" -Environment $trust
                Confirm-Clean ".NET HttpClient (scenario 8 $cell)" $m $n
                Add-Figure $s "$cell · .NET HttpClient loop" ($n / $m.Json.seconds) 'req/s'
            }
        }
    }
}

function Invoke-Remoting {
    # Issue 15: "the wall time of 1 vs 2 remoting workers against a server whose per-connection bandwidth
    # is limited, so the speed-up comes from the fan-out and not from the CPU". Each worker is a pwsh
    # behind a private sshd on loopback (tests/TestSshd.psm1) with a fixed budget of 8 connections;
    # nginx sends /limited/ at 128 KB/s per connection (the first second's worth at once), so a 256 KiB
    # answer takes about a second and a worker is bound by its connections, not by the CPU (its CPU
    # time is recorded too).
    $s = '9. fan-out over remoting'
    $n = $counts.Remote
    # One host, so the split is by -PartitionKey: an even share for each worker whatever the host count.
    $items = @(0..($n - 1) | ForEach-Object { @{ Uri = "$($nginx.Base)/limited/limited.bin?n=$_"; Key = "item-$_" } })
    Import-Module (Join-Path $PSScriptRoot '../tests/TestSshd.psm1') -Force
    Import-Module $moduleManifest   # here only to merge the workers' summaries
    if (-not $NoInstall) { Install-TestOpenSsh }
    $reason = Get-SshdUnavailableReason
    if ($reason) { throw "scenario 9 needs an sshd: $reason" }
    $sshd = Start-TestSshd
    $sessions = @()
    try {
        $sessions = @(New-TestSshSession -Server $sshd -HostName 127.0.0.1, localhost)
        $workerPids = @(foreach ($session in $sessions) {
                Invoke-Command -Session $session {
                    $ProgressPreference = 'SilentlyContinue'
                    Import-Module $using:moduleManifest
                    # Warm: the first batch of a fresh pwsh pays for the JIT, not for the fan-out.
                    $null = "$($using:nginx.Base)/small.json" | Invoke-AsyncWebBatch
                    $PID
                }
            })
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($n x 256 KiB at 128 KB/s per connection, 8 connections per worker)" -ForegroundColor Cyan
            foreach ($workers in 1, 2) {
                $used = $sessions[0..($workers - 1)]
                for ($i = 0; $i -lt $workers; $i++) { Invoke-Command -Session $used[$i] { $global:Shard = "$using:i/$using:workers" } }
                $cpuBefore = Get-ProcessCpuSeconds $workerPids
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $summaries = @(Invoke-Command -Session $used -ThrottleLimit $workers {
                        $using:items | Invoke-AsyncWebBatch -Partition $Shard -PartitionKey Key -ThrottleLimit 8 -FailuresAsResults | Measure-AsyncWebBatch
                    })
                $wall = $watch.Elapsed.TotalSeconds
                $cpu = (Get-ProcessCpuSeconds $workerPids) - $cpuBefore
                $merged = $summaries | Measure-AsyncWebBatch
                if ($merged.Count -ne $n -or $merged.Failed -gt 0) { $notes.Add("scenario 9 with $workers worker(s), repeat $r`: $($merged.Count) results, $($merged.Failed) failed ($($merged.FailureSummary))") }
                $label = if ($workers -eq 1) { '1 worker' } else { "$workers workers" }
                Add-Figure $s "$label, wall time" $wall 's'
                Add-Figure $s "$label, workers' CPU time (info)" $cpu 's'
                Add-Figure $s "$label, largest shard (info)" ($summaries | Measure-Object -Property Count -Maximum).Maximum 'requests'
            }
        }
    }
    finally {
        if ($sessions) { $sessions | Remove-PSSession -ErrorAction SilentlyContinue }
        Stop-TestSshd $sshd
    }
}

function Invoke-PerHost {
    # Issue 14: a host that allows N concurrent requests. Each run has its own key, so the server counts its
    # refusals (429s) apart: the cost of not knowing the limit is in them and in the time.
    $s = '10. a host that allows 8 at once'
    $n = $counts.PerHost
    $variants = [ordered]@{
        'AsyncWeb -ThrottleLimit 64 (no per-host limit)' = @{}
        'AsyncWeb -ThrottleLimitPerHost 8 (fixed, known)' = @{ ThrottleLimitPerHost = 8 }
        'AsyncWeb -AdaptiveThrottle' = @{ AdaptiveThrottle = $true }
    }
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($(Format-Count $n) requests, 20 ms each)" -ForegroundColor Cyan
        foreach ($variant in $variants.GetEnumerator()) {
            $key = [guid]::NewGuid().ToString('N')
            $arguments = @{ Mode = 'PerHost'; ModulePath = $moduleManifest; Uri = "$($flowServer.Base)/limited/$key`?max=8&delayMs=20"; Count = $n; ThrottleLimit = 64 } + $variant.Value
            $m = Invoke-Child $variant.Key $arguments -TimeoutSec 600
            Confirm-Clean "$($variant.Key) (scenario 10)" $m $n
            Add-Figure $s "$($variant.Key)" ($n / $m.Json.seconds) 'req/s'
            $refused = @((Invoke-RestMethod -Uri "$($flowServer.Base)/limited/$key/log" -NoProxy -TimeoutSec 30).arrivals | Where-Object status -EQ 429).Count
            Add-Figure $s "$($variant.Key): 429s per request (info)" ($refused / $n) 'ratio'
            if ($variant.Value.ContainsKey('AdaptiveThrottle')) { Add-Figure $s "$($variant.Key): final limit (info)" $m.Json.hostLimit 'requests' }
        }

        $key = [guid]::NewGuid().ToString('N')
        $cfg = Join-Path $work 'curl-perhost.cfg'
        Write-CurlConfig $cfg @(for ($i = 0; $i -lt $n; $i++) { "$($flowServer.Base)/limited/$key`?max=8&delayMs=20&n=$i" })
        # No --fail: a 429 (the server's count can lag a finished request by a moment) is counted from its log instead.
        $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--parallel', '--parallel-max', '8', '-K', $cfg -StdoutToNull -Label 'curl --parallel-max 8 (per host)'
        Add-Figure $s 'curl --parallel --parallel-max 8 (the limit known)' ($n / $m.Wall) 'req/s'
        $refused = @((Invoke-RestMethod -Uri "$($flowServer.Base)/limited/$key/log" -NoProxy -TimeoutSec 30).arrivals | Where-Object status -EQ 429).Count
        Add-Figure $s 'curl --parallel --parallel-max 8 (the limit known): 429s per request (info)' ($refused / $n) 'ratio'
    }
}

function Invoke-Pages {
    # Issue 13: pages of one item are sequential, items run concurrently, and when the first page reveals
    # the last (rel="last" with a page number) the remaining pages run at once. 50 ms a page on the test server.
    $s = '11. paginated API'
    $items = $counts.PageItems
    $pages = $counts.Pages
    $n = $items * $pages
    $follow = Join-Path $work 'pages-follow.txt'
    $last = Join-Path $work 'pages-last.txt'
    # Invoke-RestMethod reads rel="next last" (the second-to-last page with last=1) as one relation and would
    # stop there, so the page-by-page runs use pages without rel="last".
    [System.IO.File]::WriteAllLines($follow, [string[]](1..$items | ForEach-Object { "$($testServer.Base)/pages/link?count=$pages&delayMs=50&tenant=$_" }))
    [System.IO.File]::WriteAllLines($last, [string[]](1..$items | ForEach-Object { "$($testServer.Base)/pages/link?count=$pages&delayMs=50&last=1&tenant=$_" }))
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($items items x $pages pages, concurrency $ThrottleLimit)" -ForegroundColor Cyan
        $m = Invoke-Child 'AsyncWeb -FollowRelLink' @{ Mode = 'Pages'; ModulePath = $moduleManifest; ListFile = $follow; ThrottleLimit = $ThrottleLimit }
        Confirm-Clean 'AsyncWeb -FollowRelLink (scenario 11)' $m $n
        Add-Figure $s 'AsyncWeb -FollowRelLink' $m.Json.seconds 's'

        $m = Invoke-Child 'AsyncWeb -FollowRelLink -PageParameter page' @{ Mode = 'Pages'; ModulePath = $moduleManifest; ListFile = $last; ThrottleLimit = $ThrottleLimit; PageParameter = 'page' }
        Confirm-Clean 'AsyncWeb -PageParameter (scenario 11)' $m $n
        Add-Figure $s 'AsyncWeb -FollowRelLink -PageParameter page' $m.Json.seconds 's'

        $m = Invoke-Child 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink' @{ Mode = 'ParallelPages'; ListFile = $follow; ThrottleLimit = $ThrottleLimit }
        Confirm-Clean 'ForEach-Object -Parallel (scenario 11)' $m $n
        Add-Figure $s 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink' $m.Json.seconds 's'
    }
}

function Invoke-Mirror {
    # Issue 13: a mirror re-run where nothing changed costs a 304 per file and no body.
    $s = '12. mirror, fetching only what changed'
    $n = $counts.MirrorFiles
    $names = 0..($n - 1) | ForEach-Object { 'm{0:d4}.bin' -f $_ }
    $urls = [string[]]($names | ForEach-Object { "$($testServer.Base)/files/$($_)?size=65536" })
    $list = Join-Path $work 'mirror.txt'
    [System.IO.File]::WriteAllLines($list, $urls)
    $target = Join-Path $downloads 'mirror'
    $cfg = Join-Path $work 'curl-mirror.cfg'
    Write-CurlConfig $cfg $urls ([string[]]($names | ForEach-Object { Join-Path $target $_ }))
    for ($r = 1; $r -le $Repeat; $r++) {
        Write-Host "== $s, repeat $r/$Repeat ($n files of 64 KiB, concurrency $ThrottleLimit)" -ForegroundColor Cyan
        Reset-Directory $target
        $m = Invoke-Child 'AsyncWeb -IfChanged' @{ Mode = 'Mirror'; ModulePath = $moduleManifest; ListFile = $list; OutDirectory = $target; ThrottleLimit = $ThrottleLimit; StatsUri = "$($testServer.Base)/stats" }
        Confirm-Clean 'AsyncWeb -IfChanged (scenario 12)' $m $n
        if ($m.Json.skipped -ne $n -or $m.Json.warmErrors -gt 0) { $notes.Add("AsyncWeb -IfChanged (scenario 12): the second run skipped $($m.Json.skipped) of $n files ($($m.Json.warmErrors) errors)") }
        Add-Figure $s 'AsyncWeb -IfChanged, first run' $m.Json.seconds 's'
        Add-Figure $s 'AsyncWeb -IfChanged, second run (nothing changed)' $m.Json.warmSeconds 's'
        Add-Figure $s 'second run: body bytes sent by the server (info)' $m.Json.warmBodyBytes 'B'

        $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $cfg -Label 'curl --parallel (mirror)'
        Add-Figure $s 'curl --parallel (fetches every file again)' $m.Wall 's'
    }
    Reset-Directory $target
}

function Get-ProcessCpuSeconds([int[]] $Ids) {
    ($Ids | ForEach-Object { (Get-Process -Id $_ -ErrorAction SilentlyContinue).TotalProcessorTime.TotalSeconds } | Measure-Object -Sum).Sum
}

# ---- the table ----
function New-Row([string] $Scenario, [string] $Tool, [double] $Median, [string] $Unit, [double] $Ratio = [double]::NaN, [string] $Target = '', $Pass = $null, [string] $RatioSuffix = '×') {
    [pscustomobject]@{ Scenario = $Scenario; Tool = $Tool; Median = $Median; Unit = $Unit; Ratio = $Ratio; RatioSuffix = $RatioSuffix; Target = $Target; Pass = $Pass }
}

function Get-Rows {
    $rows = [System.Collections.Generic.List[object]]::new()
    $s = '1. 100k small GETs'
    if ('SmallGets' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $aw = Get-Figure $s 'AsyncWeb (fresh pwsh, first call)'
        $rows.Add((New-Row $s 'AsyncWeb (fresh pwsh, first call)' $aw 'req/s'))
        $warm = Get-Figure $s 'AsyncWeb (same session, second call)'
        $warmVs = foreach ($peer in 'curl --parallel', 'aiohttp') { '{0}× {1}' -f (Format-Figure ($warm / (Get-Figure $s $peer))), $peer }
        $rows.Add((New-Row $s "AsyncWeb (same session, second call; info: $($warmVs -join ', '))" $warm 'req/s' ($aw / $warm)))
        $targets = @{ 'curl --parallel' = 1.2; 'aiohttp' = 5.0 }
        foreach ($tool in @($figures | Where-Object { $_.Scenario -eq $s -and $_.Tool -notlike 'AsyncWeb*' } | ForEach-Object Tool | Select-Object -Unique)) {
            $value = Get-Figure $s $tool
            $ratio = $aw / $value
            $goal = if ($targets.ContainsKey($tool)) { $targets[$tool] } elseif ($tool -like 'ForEach-Object -Parallel*') { 50.0 } else { $null }
            if ($null -ne $goal) { $rows.Add((New-Row $s $tool $value 'req/s' $ratio "≥ $goal×" ($ratio -ge $goal))) }
            else { $rows.Add((New-Row $s $tool $value 'req/s' $ratio)) }
        }
    }

    $s = '2. 1,000 GETs answered after 100 ms'
    if ('Latency' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $ideal = $counts.Latency / $ThrottleLimit * 0.1
        $aw = Get-Figure $s 'AsyncWeb (fresh pwsh, first call)'
        $rows.Add((New-Row $s "ideal ($($counts.Latency) / $ThrottleLimit × 100 ms)" $ideal 's' ($aw / $ideal) '≤ 1.1× ideal' ($aw / $ideal -le 1.1)))
        $rows.Add((New-Row $s 'AsyncWeb (fresh pwsh, first call)' $aw 's'))
        $warm = Get-Figure $s 'AsyncWeb (same session, second call)'
        $rows.Add((New-Row $s "AsyncWeb (same session, second call; info: $(Format-Figure ($warm / $ideal))× ideal)" $warm 's' ($aw / $warm)))
        foreach ($tool in 'curl --parallel', 'aiohttp') {
            $value = Get-Figure $s $tool
            $rows.Add((New-Row $s "$tool (info: $(Format-Figure ($value / $ideal))× ideal)" $value 's' ($aw / $value)))
        }
    }

    $s = '3. one large download to disk'
    if ('LargeDownload' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $aw = Get-Figure $s 'AsyncWeb -OutFile'
        $rows.Add((New-Row $s 'AsyncWeb -OutFile' $aw 'MiB/s'))
        $curl = Get-Figure $s 'curl -o'
        $rows.Add((New-Row $s 'curl -o' $curl 'MiB/s' ($aw / $curl) '≥ 0.9×' ($aw / $curl -ge 0.9)))
        $iwr = Get-Figure $s 'Invoke-WebRequest -OutFile'
        $rows.Add((New-Row $s 'Invoke-WebRequest -OutFile' $iwr 'MiB/s' ($aw / $iwr) '≥ 1.0×' ($aw / $iwr -ge 1.0)))
        $value = Get-Figure $s 'aiohttp (128 KiB chunks)'
        $rows.Add((New-Row $s 'aiohttp (128 KiB chunks)' $value 'MiB/s' ($aw / $value)))
        $hashed = Get-Figure $s 'AsyncWeb -OutFile -ComputeSha256'
        $rows.Add((New-Row $s 'AsyncWeb -OutFile -ComputeSha256 (info; ratio: over curl -o)' $hashed 'MiB/s' ($hashed / $curl)))

        $idle = Get-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS'
        $awRss = Get-Figure $s 'AsyncWeb -OutFile, peak RSS'
        $rows.Add((New-Row $s 'idle pwsh with AsyncWeb imported, peak RSS' $idle 'MB'))
        $rows.Add((New-Row $s 'AsyncWeb -OutFile, peak RSS (ratio column: above idle)' $awRss 'MB' ($awRss - $idle) "≤ idle + 64 MB ($(Format-Figure ($idle + 64)) MB)" ($awRss -le $idle + 64) ' MB'))
        foreach ($tool in 'curl -o, peak RSS', 'Invoke-WebRequest -OutFile, peak RSS', 'aiohttp, peak RSS') {
            $rows.Add((New-Row $s $tool (Get-Figure $s $tool) 'MB'))
        }
    }

    $s = '4. 1,000 x 1 MiB into a directory'
    if ('ManyDownloads' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $aw = Get-Figure $s 'AsyncWeb -OutDirectory'
        $rows.Add((New-Row $s 'AsyncWeb -OutDirectory' $aw 'files/s'))
        $curl = Get-Figure $s 'curl --parallel'
        $rows.Add((New-Row $s 'curl --parallel' $curl 'files/s' ($aw / $curl) '≥ 1.0×' ($aw / $curl -ge 1.0)))
        $value = Get-Figure $s 'aiohttp'
        $rows.Add((New-Row $s 'aiohttp' $value 'files/s' ($aw / $value)))
    }

    $s = '5. memory at many pipeline inputs'
    if ('Memory' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $small = Get-Figure $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamSmall) inputs"
        $big = Get-Figure $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamBig) inputs"
        $rows.Add((New-Row $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamSmall) inputs" $small 'MB'))
        $rows.Add((New-Row $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamBig) inputs" $big 'MB' ($big / $small) '≤ 1.2×' ($big / $small -le 1.2)))
        foreach ($n in $counts.StreamSmall, $counts.StreamBig) {
            $tool = "AsyncWeb rate, $(Format-Figure $n) inputs (info)"
            $rows.Add((New-Row $s $tool (Get-Figure $s $tool) 'req/s'))
        }
    }

    $s = '6. Import-Module'
    if ('Import' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $bare = Get-Figure $s 'bare pwsh start'
        $with = Get-Figure $s 'pwsh start + Import-Module'
        $rows.Add((New-Row $s 'bare pwsh start' $bare 'ms'))
        $rows.Add((New-Row $s 'pwsh start + Import-Module' $with 'ms'))
        $rows.Add((New-Row $s 'Import-Module (difference of medians)' ($with - $bare) 'ms' ([double]::NaN) '≤ 150 ms' (($with - $bare) -le 150)))
        $tool = 'Import-Module, timed inside pwsh (info)'
        $rows.Add((New-Row $s $tool (Get-Figure $s $tool) 'ms'))
    }

    $s = '7. -RequestsPerSecond start rate'
    if ('RateLimit' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        foreach ($rate in $counts.Rates) {
            $server = Get-Figure $s "$rate/s: start rate, nginx arrivals"
            $client = Get-Figure $s "$rate/s: start rate, client result ends"
            $wall = Get-Figure $s "$rate/s: start rate, client wall time"
            $info = "info: client $(Format-Figure $client)/s from result ends, $(Format-Figure $wall)/s from wall time"
            # nginx's arrival times when it logged every request; the client's result ends otherwise.
            $achieved, $source = if ([double]::IsNaN($server)) { $client, 'result ends at the client' } else { $server, 'arrivals at nginx' }
            $ratio = $achieved / $rate
            $target = "within ±10% ($(Format-Figure (0.9 * $rate))–$(Format-Figure (1.1 * $rate))/s)"
            $rows.Add((New-Row $s "-RequestsPerSecond $rate, $(Format-Count (10 * $rate + 1)) requests: $source ($info)" $achieved 'req/s' $ratio $target ([Math]::Abs($ratio - 1) -le 0.1)))
        }
    }

    $s = '8. HTTPS'
    if ('Tls' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $labels = @{
            'a'    = "(a) $(Format-Count $counts.TlsKeepAlive) GETs, keep-alive, defaults (both negotiate h2 by ALPN)"
            'b'    = "(b) $(Format-Count $counts.TlsClose) GETs, a handshake each"
            'b-ip' = "(b) the same to 127.0.0.1 (.NET resumes no TLS session by IP)"
            'c'    = "(c) $(Format-Count $counts.TlsKeepAlive) GETs, HTTP/2 (-HttpVersion 2.0, curl --http2)"
        }
        $goals = @{ 'a' = 1.2; 'b' = 1.0 }
        foreach ($key in 'a', 'b', 'b-ip', 'c') {
            foreach ($check in 'skipped', 'verified') {
                $cell = "$key $check"
                $curlName = if ($check -eq 'skipped') { 'curl -k' } else { 'curl --cacert' }
                $awName = if ($check -eq 'skipped') { 'AsyncWeb -SkipCertificateCheck' } else { 'AsyncWeb, verifying' }
                $aw = Get-Figure $s "$cell · AsyncWeb"
                if ([double]::IsNaN($aw)) { continue }
                $prefix = "$($labels[$key]), certificate $check"
                $rows.Add((New-Row $s "$prefix`: $awName" $aw 'req/s'))
                foreach ($tool in 'curl', 'AsyncWeb -HttpVersion 1.1', 'curl --http1.1', 'aiohttp', '.NET HttpClient loop') {
                    $value = Get-Figure $s "$cell · $tool"
                    if ([double]::IsNaN($value)) { continue }
                    $name = switch ($tool) { 'curl' { $curlName } 'curl --http1.1' { "$curlName --http1.1 (info)" } 'AsyncWeb -HttpVersion 1.1' { "$awName -HttpVersion 1.1 (info; ratio: the default over it)" } default { $tool } }
                    if ($tool -eq 'curl' -and $goals.ContainsKey($key)) {
                        $rows.Add((New-Row $s "$prefix`: $name" $value 'req/s' ($aw / $value) "≥ $($goals[$key])×" ($aw / $value -ge $goals[$key])))
                    }
                    else {
                        $rows.Add((New-Row $s "$prefix`: $name" $value 'req/s' ($aw / $value)))
                    }
                }
            }
        }
    }

    $s = '9. fan-out over remoting'
    if ('Remoting' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $one = Get-Figure $s '1 worker, wall time'
        $two = Get-Figure $s '2 workers, wall time'
        # The ideal speed-up of the split that was made: each of a worker's 8 connections serves one
        # request per ~1 s wave, so waves of all requests over waves of the largest shard.
        $ideal = [Math]::Ceiling($counts.Remote / 8) / [Math]::Ceiling((Get-Figure $s '2 workers, largest shard (info)') / 8)
        $rows.Add((New-Row $s "1 worker (info: $(Format-Figure (Get-Figure $s '1 worker, workers'' CPU time (info)')) s of CPU)" $one 's'))
        $rows.Add((New-Row $s "2 workers (info: $(Format-Figure (Get-Figure $s '2 workers, workers'' CPU time (info)')) s of CPU; ideal speed-up of this split $(Format-Figure $ideal)×)" $two 's' ($one / $two) "≥ 0.9 × ideal ($(Format-Figure (0.9 * $ideal))×)" ($one / $two -ge 0.9 * $ideal)))
    }

    $s = '10. a host that allows 8 at once'
    if ('PerHost' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $curl = Get-Figure $s 'curl --parallel --parallel-max 8 (the limit known)'
        foreach ($tool in 'AsyncWeb -ThrottleLimit 64 (no per-host limit)', 'AsyncWeb -ThrottleLimitPerHost 8 (fixed, known)', 'AsyncWeb -AdaptiveThrottle') {
            $value = Get-Figure $s $tool
            if ([double]::IsNaN($value)) { continue }
            $info = "429s per request $(Format-Figure (Get-Figure $s "$tool`: 429s per request (info)"))"
            if ($tool -eq 'AsyncWeb -AdaptiveThrottle') { $info += ", final limit $(Format-Figure (Get-Figure $s "$tool`: final limit (info)"))" }
            $rows.Add((New-Row $s "$tool (info: $info)" $value 'req/s' ($value / $curl)))
        }
        $rows.Add((New-Row $s "curl --parallel --parallel-max 8, the limit known (info: 429s per request, not retried: $(Format-Figure (Get-Figure $s 'curl --parallel --parallel-max 8 (the limit known): 429s per request (info)')))" $curl 'req/s'))
    }

    $s = '11. paginated API'
    if ('Pages' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $follow = Get-Figure $s 'AsyncWeb -FollowRelLink'
        # Page by page: an item's pages one after another, items at once (16 items < ThrottleLimit).
        $ideal = $counts.Pages * 0.05
        $rows.Add((New-Row $s "AsyncWeb -FollowRelLink (ideal $(Format-Figure $ideal) s: $($counts.Pages) pages x 50 ms)" $follow 's' ($follow / $ideal) '≤ 1.5× ideal' ($follow / $ideal -le 1.5)))
        $at = Get-Figure $s 'AsyncWeb -FollowRelLink -PageParameter page'
        $idealAt = 0.05 * (1 + [Math]::Ceiling($counts.PageItems * ($counts.Pages - 1) / $ThrottleLimit))
        $rows.Add((New-Row $s "AsyncWeb -FollowRelLink -PageParameter page (ideal $(Format-Figure $idealAt) s)" $at 's' ($follow / $at) '' $null '× faster than page by page'))
        $peer = Get-Figure $s 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink'
        $rows.Add((New-Row $s 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink' $peer 's' ($peer / $follow) '' $null '× slower than AsyncWeb -FollowRelLink'))
    }

    $s = '12. mirror, fetching only what changed'
    if ('Mirror' -in $selected -and ($figures | Where-Object Scenario -eq $s)) {
        $first = Get-Figure $s 'AsyncWeb -IfChanged, first run'
        $second = Get-Figure $s 'AsyncWeb -IfChanged, second run (nothing changed)'
        $bytes = Get-Figure $s 'second run: body bytes sent by the server (info)'
        $rows.Add((New-Row $s 'AsyncWeb -IfChanged, first run' $first 's'))
        $rows.Add((New-Row $s "AsyncWeb -IfChanged, second run (body bytes: $(Format-Figure $bytes))" $second 's' ($first / $second) 'no body bytes' ($bytes -eq 0) '× faster than the first'))
        $curl = Get-Figure $s 'curl --parallel (fetches every file again)'
        $rows.Add((New-Row $s 'curl --parallel (fetches every file again)' $curl 's' ($curl / $second) '' $null '× the second run''s time'))
    }

    return $rows
}

function ConvertTo-ResultTable([object[]] $Rows) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('| Scenario | Tool | Median | Unit | AsyncWeb ratio | Target | Result |')
    $lines.Add('|---|---|---:|---|---:|---|---|')
    foreach ($row in $Rows) {
        $ratio = if ([double]::IsNaN($row.Ratio)) { '' } else { (Format-Figure $row.Ratio) + $row.RatioSuffix }
        $result = if ($null -eq $row.Pass) { '' } elseif ($row.Pass) { '**pass**' } else { '**miss**' }
        $lines.Add("| $($row.Scenario) | $($row.Tool) | $(Format-Figure $row.Median) | $($row.Unit) | $ratio | $($row.Target) | $result |")
    }
    return $lines
}

function Get-MachineFacts {
    $version = { param($command) try { (& $command[0] $command[1..($command.Count - 1)] 2>&1 | Select-Object -First 1) -as [string] } catch { 'n/a' } }
    $cpu = (Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
    $memory = ((Get-Content /proc/meminfo | Select-Object -First 1) -replace '\D', '') / 1MB
    $manifest = Import-PowerShellDataFile $moduleManifest
    [ordered]@{
        'nproc'          = "$([Environment]::ProcessorCount) ($cpu)"
        'memory'         = '{0:N1} GiB' -f $memory
        'OS / kernel'    = "Debian $((Get-Content /etc/debian_version -ErrorAction SilentlyContinue)) / $(& uname -r)"
        'PowerShell'     = "$($PSVersionTable.PSVersion) on .NET $([Environment]::Version)"
        'AsyncWeb'       = $manifest.ModuleVersion
        'nginx'          = (& $version @('/usr/sbin/nginx', '-v')) -replace '^nginx version:\s*', ''
        'curl'           = & $version @('/usr/bin/curl', '--version')
        'wrk'            = (& $version @('/usr/bin/wrk', '-v')) -replace '\s*Copyright.*$', ''
        'python3'        = & $version @('/usr/bin/python3', '--version')
        'aiohttp'        = & $version @('/usr/bin/python3', '-c', 'import aiohttp; print(aiohttp.__version__)')
        'load average'   = "$loadBefore at start, $((Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ') at end"
    }
}

function Write-Results([object[]] $Rows, [string[]] $Failed) {
    $facts = Get-MachineFacts
    $md = [System.Collections.Generic.List[string]]::new()
    $md.Add('# AsyncWeb benchmark results')
    $md.Add('')
    $kind = if ($Quick) { 'quick run (-Quick: smaller counts)' } else { 'full run' }
    $md.Add("Written by ``bench/Invoke-Benchmark.ps1`` on $($runStarted.ToString('yyyy-MM-dd HH:mm')) ($kind; scenarios $($selected -join ', '); medians of $Repeat repeat(s); ThrottleLimit $ThrottleLimit; $([int]((Get-Date) - $runStarted).TotalSeconds) s).")
    $md.Add('AsyncWeb ratio: AsyncWeb''s median divided by the row''s median (above 1 = AsyncWeb faster for req/s, MiB/s and files/s;')
    $md.Add('for s it is AsyncWeb''s time over the row''s); where the row says otherwise (MB above idle, ms) that figure is shown.')
    if ('RateLimit' -in $selected) { $md.Add('Scenario 7''s ratio is the achieved start rate over the requested one.') }
    $md.Add('')
    foreach ($line in ConvertTo-ResultTable $Rows) { $md.Add($line) }
    $md.Add('')
    $md.Add('## Machine')
    $md.Add('')
    $md.Add('| Fact | Value |')
    $md.Add('|---|---|')
    foreach ($entry in $facts.GetEnumerator()) { $md.Add("| $($entry.Key) | $($entry.Value) |") }
    $md.Add('')
    $md.Add('## Notes')
    $md.Add('')
    $md.Add("- Counts: scenario 1 $(Format-Figure $counts.Gets) requests for AsyncWeb, curl and aiohttp, $(Format-Figure $counts.Parallel) for ForEach-Object -Parallel, $(Format-Figure $counts.Sequential) for sequential Invoke-RestMethod (rates are per request), wrk for $($counts.WrkSec) s; scenario 3 $(Format-Figure ($counts.BigBytes / 1MB)) MiB; scenario 4 $($counts.Files) files; scenario 5 $(Format-Figure $counts.StreamSmall) vs $(Format-Figure $counts.StreamBig) inputs; scenario 7 $(($counts.Rates | ForEach-Object { "$(Format-Count (10 * $_ + 1)) requests at $_/s" }) -join ', ').")
    if ('Remoting' -in $selected) { $md.Add("- Scenario 9: $(Format-Figure $counts.Remote) requests for a 256 KiB file that nginx sends at 128 KB/s per connection (limit_rate; the first 128 KB at once, so about 1 s each), split by -PartitionKey into one shard per worker; each worker is a pwsh behind a private sshd on 127.0.0.1 (PowerShell remoting over SSH), warmed up, with -ThrottleLimit 8. Wall time around Invoke-Command in this process; CPU time of the worker processes. Ratio: 1 worker's time over 2 workers'; the ideal counts waves: each connection serves one request a second, so ceil(all / 8) over ceil(largest shard / 8).") }
    if ('PerHost' -in $selected) { $md.Add("- Scenario 10: $(Format-Count $counts.PerHost) GETs of the test server's ``/limited/{key}?max=8&delayMs=20`` (serves 8 at once, 20 ms each, refuses a 9th with an immediate 429; ideal 400 req/s), each AsyncWeb variant with -ThrottleLimit 64, -MaximumRetryCount 50, -RetryIntervalSec 0.01, -MaximumRetryDelaySec 0.1; 429s per request from the server's log; the ratio is over curl --parallel-max 8, which is told the limit (a refused curl request is not retried; its 429s are shown).") }
    if ('Pages' -in $selected) { $md.Add("- Scenario 11: $($counts.PageItems) items of $($counts.Pages) pages each from the test server's /pages/link (50 ms before each page), ThrottleLimit and ThrottleLimitPerHost $ThrottleLimit. Page by page, an item takes $($counts.Pages) x 50 ms whatever the tool; with -PageParameter the first page's rel=""last"" lets pages 2 to $($counts.Pages) of every item run at once. Invoke-RestMethod runs one item per runspace.") }
    if ('Mirror' -in $selected) { $md.Add("- Scenario 12: $($counts.MirrorFiles) files of 64 KiB from the test server's /files/ (ETag and Last-Modified; 304 to If-None-Match), -OutDirectory -IfChanged twice in one fresh pwsh; the body bytes are the server's /stats bytesSent during the second run. curl has no per-file validator store in a --parallel config, so it fetches everything again.") }
    if ('RateLimit' -in $selected) { $md.Add('- Scenario 7: the start rate is (N - 1) / the span from the first to the last start. At nginx a start is the request''s arrival ($msec - $request_time, ms resolution; only ?rate= requests of /tiny are logged, to bench/work/nginx/rate-access.log); at the client it is the end of each result (StartTime + Elapsed), and the batch wall time (which adds the first request''s setup and the last one''s answer) for reference.') }
    $md.Add("- Scenario 2's endpoint: $(if ($DelayServer -eq 'TestServer') { 'the project''s Kestrel test server, `/delay/100`' } else { 'bench/delay_server.py (aiohttp), `/delay/100`' }); the rest is served by nginx-light $($facts.nginx) on 127.0.0.1.")
    $md.Add('- AsyncWeb and PowerShell figures are timed inside a fresh pwsh process around the command only; curl and wrk are timed around their process; aiohttp inside the script around the requests. Peak RSS is /usr/bin/time -v''s maximum resident set size of that process.')
    $md.Add('- What limits AsyncWeb where it misses, and the suggested engine changes: bench/README.md, "What limits AsyncWeb where it misses".')
    foreach ($note in $notes) { $md.Add("- $note") }
    foreach ($failure in $Failed) { $md.Add("- FAILED: $failure") }
    $md.Add('')
    $md.Add('## Every figure')
    $md.Add('')
    $md.Add('| Scenario | Tool | Unit | Figures (in run order) |')
    $md.Add('|---|---|---|---|')
    foreach ($group in $figures | Group-Object Scenario, Tool) {
        $first = $group.Group[0]
        $md.Add("| $($first.Scenario) | $($first.Tool) | $($first.Unit) | $(($group.Group | ForEach-Object { Format-Figure $_.Value }) -join ', ') |")
    }

    Set-Content -LiteralPath $ResultsPath -Value $md
    Write-Host "Results written to $ResultsPath"

    # A full run of every scenario also refreshes the table in the README.
    $readme = Join-Path $PSScriptRoot 'README.md'
    if (-not $Quick -and $selected.Count -eq $allScenarios.Count -and -not $Failed -and (Test-Path $readme)) {
        $text = Get-Content -Raw -LiteralPath $readme
        $start = '<!-- results:start -->'
        $end = '<!-- results:end -->'
        $i = $text.IndexOf($start)
        $j = $text.IndexOf($end)
        if ($i -ge 0 -and $j -gt $i) {
            $block = @($start, '', "Full run of $($runStarted.ToString('yyyy-MM-dd')), medians of $Repeat repeats on $($facts.nproc):", '') + (ConvertTo-ResultTable $Rows) + @('', $end)
            $text = $text.Substring(0, $i) + ($block -join "`n") + $text.Substring($j + $end.Length)
            Set-Content -LiteralPath $readme -Value $text -NoNewline
            Write-Host "README table refreshed"
        }
    }
}

# ---- main ----
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath 'AsyncWeb.psd1'))) { throw "No module at '$ModulePath' (expected AsyncWeb.psd1 there); run ./build.ps1 Build" }
if (-not $TestServerPath) { $TestServerPath = Join-Path (Split-Path -Parent (Resolve-Path -LiteralPath $ModulePath)) 'TestServer' }

Install-BenchPeer -NoInstall:$NoInstall
New-Item -ItemType Directory -Force -Path $work | Out-Null

# Others rebuild out/ while this runs: measure a private copy.
$moduleCopy = Join-Path $work 'module/AsyncWeb'
if (Test-Path -LiteralPath $moduleCopy) { Remove-Item -LiteralPath $moduleCopy -Recurse -Force }
New-Item -ItemType Directory -Force -Path $moduleCopy | Out-Null
Copy-Item -Path (Join-Path $ModulePath '*') -Destination $moduleCopy -Recurse -Force
$moduleManifest = Join-Path $moduleCopy 'AsyncWeb.psd1'

$needBig = 'LargeDownload' -in $selected
$needFiles = 'ManyDownloads' -in $selected
$needBytes = ($(if ($needBig) { 2 * $counts.BigBytes } else { 0 })) + ($(if ($needFiles) { 2 * $counts.Files * 1MB } else { 0 })) + 1GB
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
    New-BenchData -Root $www -BigBytes $(if ($needBig) { $counts.BigBytes } else { 0 }) -FileCount $(if ($needFiles) { $counts.Files } else { 0 })
    Sync-Disk

    $nginx = Start-BenchNginx -Template (Join-Path $PSScriptRoot 'nginx.conf.template') -WorkDir $work -Root $www
    Write-Host "== nginx pid $($nginx.Pid) on $($nginx.Base)" -ForegroundColor Cyan
    # The project's test server: scenario 2's endpoint (by default) and the pages and files of 10 and 11.
    if (('Latency' -in $selected -and $DelayServer -eq 'TestServer') -or 'Pages' -in $selected -or 'Mirror' -in $selected) {
        if (-not (Test-Path -LiteralPath (Join-Path $TestServerPath 'AsyncWeb.TestServer.dll'))) { throw "No test server at '$TestServerPath'; build it (or use -DelayServer Aiohttp for scenario 2)" }
        $serverCopy = Join-Path $work 'testserver'
        if (Test-Path -LiteralPath $serverCopy) { Remove-Item -LiteralPath $serverCopy -Recurse -Force }
        Copy-Item -LiteralPath $TestServerPath -Destination $serverCopy -Recurse
        $testServer = Start-DelayServer -Kind TestServer -TestServerDll (Join-Path $serverCopy 'AsyncWeb.TestServer.dll')
        $testServer | Add-Member -NotePropertyName Base -NotePropertyValue ($testServer.Url -replace '/delay/100$', '')
        Write-Host "== test server pid $($testServer.Pid): $($testServer.Base)" -ForegroundColor Cyan
    }
    if ('Latency' -in $selected) {
        $delay = if ($DelayServer -eq 'TestServer') { $testServer } else { Start-DelayServer -Kind Aiohttp -PythonServer (Join-Path $PSScriptRoot 'delay_server.py') }
        Write-Host "== delay server ($($delay.Kind)) pid $($delay.Pid): $($delay.Url)" -ForegroundColor Cyan
    }

    if ('PerHost' -in $selected) {
        if (-not (Test-Path -LiteralPath (Join-Path $TestServerPath 'AsyncWeb.TestServer.dll'))) { throw "No test server at '$TestServerPath'; build it" }
        $flowCopy = Join-Path $work 'testserver-flow'
        if (Test-Path -LiteralPath $flowCopy) { Remove-Item -LiteralPath $flowCopy -Recurse -Force }
        Copy-Item -LiteralPath $TestServerPath -Destination $flowCopy -Recurse
        $started = Start-DelayServer -Kind TestServer -TestServerDll (Join-Path $flowCopy 'AsyncWeb.TestServer.dll')
        $flowServer = [pscustomobject]@{ Pid = $started.Pid; Base = $started.Url -replace '/delay/100$', '' }
        Write-Host "== test server for scenario 10 pid $($flowServer.Pid): $($flowServer.Base)" -ForegroundColor Cyan
    }

    if ('Tls' -in $selected) {
        $tls = New-BenchCertificate -Directory (Join-Path $work 'tls')
        $closePort = Get-FreePort
        $tlsNginx = Start-BenchNginx -Template (Join-Path $PSScriptRoot 'nginx-tls.conf.template') -WorkDir $work -Root $www -Name 'nginx-tls' -Replace @{ CERT = $tls.Chain; KEY = $tls.Key; CLOSEPORT = $closePort }
        $tlsNginx | Add-Member -NotePropertyName ClosePort -NotePropertyValue $closePort
        Write-Host "== nginx (https, 1 worker) pid $($tlsNginx.Pid) on ports $($tlsNginx.Port) (keep-alive, h2) and $closePort (closes each connection)" -ForegroundColor Cyan
        $dotnetPeer = Join-Path $work 'dotnet-peer/DotnetPeer.dll'
        & (Get-DotnetHost) build (Join-Path $PSScriptRoot 'dotnet-peer/DotnetPeer.csproj') -c Release -o (Split-Path $dotnetPeer) --nologo -v quiet '-clp:ErrorsOnly' | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'building bench/dotnet-peer failed' }
    }

    foreach ($name in $selected) {
        try {
            & "Invoke-$name"
        }
        catch {
            Write-Warning "Scenario $name failed: $_"
            $failed.Add("$name`: $($_.Exception.Message -replace '\s+', ' ')")
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

$rows = Get-Rows
Write-Results -Rows $rows -Failed $failed
ConvertTo-ResultTable $rows | Out-Host
if ($failed.Count -gt 0) { throw "Scenario(s) failed: $($failed -join '; ')" }

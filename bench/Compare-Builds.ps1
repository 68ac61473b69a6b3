#requires -Version 7.4
<#
.SYNOPSIS
    A/B: scenario 1 (small GETs against a local nginx) for two builds of the module, run alternately.
.DESCRIPTION
    For a change that must cost nothing measurable (e.g. issue 18's phase timings: "within 3%"): each
    round runs the baseline and the candidate once each, in alternating order (A B, then B A, ...), every
    run in a fresh pwsh (Invoke-BenchChild.ps1 -Mode Gets -Warm: the first call, JIT included, then the
    same call again in that session). On a shared machine load drifts over minutes; alternating within
    one session spreads that drift over both builds, and medians discard the outliers. Besides req/s it
    reports the client process's CPU time per request (all its threads), which moves far less with other
    processes' load than wall time does, and the bytes it allocates per request in the second call,
    which do not move with load at all. Prints each run, the medians and the ratios, and writes them to
    -ResultsPath when given.
.EXAMPLE
    dotnet pwsh bench/Compare-Builds.ps1 -Baseline /tmp/base/out/AsyncWeb -Candidate out/AsyncWeb -Rounds 7
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $Baseline,
    [Parameter(Mandatory)][string] $Candidate,
    [ValidateRange(1, 50)][int] $Rounds = 7,
    [ValidateRange(1000, 10000000)][int] $Count = 100000,
    [ValidateRange(1, 4096)][int] $ThrottleLimit = 64,
    [string] $ResultsPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$work = Join-Path $PSScriptRoot 'work'
$www = Join-Path $work 'ab-www'
$pwshCommand = Get-PwshCommand
$child = Join-Path $PSScriptRoot 'Invoke-BenchChild.ps1'

# Each build is copied and imported from the copy, so a rebuild during the run changes nothing.
$builds = [ordered]@{}
foreach ($entry in @{ Name = 'baseline'; Path = $Baseline }, @{ Name = 'candidate'; Path = $Candidate }) {
    $source = (Resolve-Path -LiteralPath $entry.Path).Path
    $copy = Join-Path $work "ab-$($entry.Name)/AsyncWeb"
    if (Test-Path -LiteralPath $copy) { Remove-Item -LiteralPath $copy -Recurse -Force }
    New-Item -ItemType Directory -Force -Path (Split-Path $copy) | Out-Null
    Copy-Item -LiteralPath $source -Destination $copy -Recurse
    $builds[$entry.Name] = Join-Path $copy 'AsyncWeb.psd1'
}

$runs = [System.Collections.Generic.List[object]]::new()
$loadBefore = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '
$nginx = $null
try {
    New-BenchData -Root $www -BigBytes 0 -FileCount 0
    $nginx = Start-BenchNginx -Template (Join-Path $PSScriptRoot 'nginx.conf.template') -WorkDir $work -Root $www
    $url = "$($nginx.Base)/small.json"
    Write-Host "== nginx pid $($nginx.Pid) on $($nginx.Base); $Rounds rounds of $Count GETs, concurrency $ThrottleLimit" -ForegroundColor Cyan
    for ($round = 1; $round -le $Rounds; $round++) {
        $order = if ($round % 2) { 'baseline', 'candidate' } else { 'candidate', 'baseline' }
        foreach ($name in $order) {
            $command = @($pwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $child, '-Mode', 'Gets', '-ModulePath', $builds[$name],
                '-Uri', $url, '-Count', $Count, '-ThrottleLimit', $ThrottleLimit, '-Warm')
            $m = Invoke-Measured -Command $command -TimeoutSec 900 -Label "$name round $round"
            if ($m.Json.errors -gt 0 -or $m.Json.count -ne $Count) { throw "$name round ${round}: $($m.Json.errors) errors, $($m.Json.count) of $Count" }
            $run = [pscustomobject]@{
                Round = $round; Build = $name
                FirstCall = $Count / $m.Json.seconds; SecondCall = $Count / $m.Json.warmSeconds
                FirstCallCpuUs = 1e6 * $m.Json.cpuSeconds / $Count; SecondCallCpuUs = 1e6 * $m.Json.warmCpuSeconds / $Count
                SecondCallBytes = $m.Json.warmAllocatedBytes / $Count
            }
            $runs.Add($run)
            Write-Host ('   round {0,2} {1,-9} first call {2,8:N0} req/s {3,6:N1} µs CPU/req   second call {4,8:N0} req/s {5,6:N1} µs CPU/req {6,7:N0} B/req' -f
                $round, $name, $run.FirstCall, $run.FirstCallCpuUs, $run.SecondCall, $run.SecondCallCpuUs, $run.SecondCallBytes)
        }
    }
}
finally {
    if ($nginx) { Stop-BenchProcess -Id $nginx.Pid }
    if (Test-Path -LiteralPath $www) { Remove-Item -LiteralPath $www -Recurse -Force -ErrorAction SilentlyContinue }
}

$loadAfter = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '
# Ratios: above 1 means the candidate is faster (req/s) or cheaper (CPU per request: baseline / candidate).
$summary = foreach ($figure in @{ Name = 'FirstCall'; Unit = 'req/s' }, @{ Name = 'SecondCall'; Unit = 'req/s' },
    @{ Name = 'FirstCallCpuUs'; Unit = 'µs CPU/req' }, @{ Name = 'SecondCallCpuUs'; Unit = 'µs CPU/req' }, @{ Name = 'SecondCallBytes'; Unit = 'bytes allocated/req' }) {
    $a = Get-Median @($runs | Where-Object Build -EQ 'baseline' | ForEach-Object $figure.Name)
    $b = Get-Median @($runs | Where-Object Build -EQ 'candidate' | ForEach-Object $figure.Name)
    $ratio = if ($figure.Unit -eq 'req/s') { $b / $a } else { $a / $b }   # CPU and bytes: baseline / candidate
    [pscustomobject]@{ Figure = $figure.Name; Unit = $figure.Unit; BaselineMedian = [math]::Round($a, 1); CandidateMedian = [math]::Round($b, 1); Ratio = [math]::Round($ratio, 3) }
}
$summary | Format-Table -AutoSize | Out-Host
Write-Host "load average: $loadBefore at start, $loadAfter at end"

if ($ResultsPath) {
    $lines = @(
        "# A/B: $Count small GETs, concurrency $ThrottleLimit, $Rounds alternating rounds ($(Get-Date -Format 'yyyy-MM-dd HH:mm'))",
        '', "Baseline: ``$Baseline``; candidate: ``$Candidate``. Load average $loadBefore at start, $loadAfter at end.", '',
        '| Figure | Unit | Baseline median | Candidate median | Ratio (above 1: candidate better) |', '|---|---|---|---|---|'
    )
    $lines += $summary | ForEach-Object { '| {0} | {1} | {2:N1} | {3:N1} | {4:N3} |' -f $_.Figure, $_.Unit, $_.BaselineMedian, $_.CandidateMedian, $_.Ratio }
    $lines += '', '| Round | Build | First call req/s | µs CPU/req | Second call req/s | µs CPU/req | bytes/req |', '|---|---|---|---|---|---|---|'
    $lines += $runs | ForEach-Object { '| {0} | {1} | {2:N0} | {3:N1} | {4:N0} | {5:N1} | {6:N0} |' -f $_.Round, $_.Build, $_.FirstCall, $_.FirstCallCpuUs, $_.SecondCall, $_.SecondCallCpuUs, $_.SecondCallBytes }
    Set-Content -LiteralPath $ResultsPath -Value $lines
    Write-Host "Written to $ResultsPath"
}

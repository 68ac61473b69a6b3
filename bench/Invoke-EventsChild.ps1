# Scenario 15's measured process: many concurrent server-sent event streams through Invoke-AsyncWebBatch -Stream,
# timing each event from the server's write (its data carries the server's UTC ticks) to the pipeline object,
# then the time to the first event on fresh connections (a new session, so a new pool, each round).
# Prints one "BENCH-RESULT {json}" line.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $Base,
    [int] $Streams = 1000,
    [int] $Events = 30,
    [int] $IntervalMs = 100,
    [int] $FirstRounds = 20
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = Invoke-AsyncWebBatch "$Base/sse/ticks?count=3&intervalMs=0" -Stream   # JIT and pool warm-up

$latencies = [System.Collections.Generic.List[double]]::new($Streams * $Events)
$script:errors = 0
$script:results = 0
filter Measure-Event {
    if ($_ -is [AsyncWeb.WebBatchStreamItem]) {
        $now = [DateTime]::UtcNow.Ticks
        $data = $_.Data  # {"i":n,"t":ticks}
        $written = [long]$data.Substring($data.LastIndexOf(':') + 1).TrimEnd('}')
        $latencies.Add(($now - $written) / 10000.0)
    }
    else {
        $script:results++
        if (-not $_.Success) { $script:errors++ }
    }
}

$uris = 1..$Streams | ForEach-Object { "$Base/sse/ticks?count=$Events&intervalMs=$IntervalMs&n=$_" }
$watch = [Diagnostics.Stopwatch]::StartNew()
$uris | Invoke-AsyncWebBatch -Stream -ThrottleLimit $Streams -FailuresAsResults | Measure-Event
$seconds = $watch.Elapsed.TotalSeconds

$sorted = $latencies.ToArray()
[Array]::Sort($sorted)
function Get-Percentile([double] $p) { if ($sorted.Length -eq 0) { return [double]::NaN } $sorted[[Math]::Min($sorted.Length - 1, [int][Math]::Floor($p * $sorted.Length))] }

$first = foreach ($round in 1..$FirstRounds) {
    $session = New-AsyncWebSession
    try {
        $w = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-AsyncWebBatch "$Base/sse/ticks?count=5&intervalMs=0&r=$round" -Session $session -Stream | Select-Object -First 1
        $w.Elapsed.TotalMilliseconds
    }
    finally {
        $session.Dispose()
    }
}

$result = [ordered]@{
    mode         = 'Events'
    count        = $sorted.Length
    results      = $script:results
    errors       = $script:errors
    seconds      = $seconds
    eventsPerSec = $sorted.Length / $seconds
    p50Ms        = Get-Percentile 0.50
    p90Ms        = Get-Percentile 0.90
    p99Ms        = Get-Percentile 0.99
    maxMs        = Get-Percentile 1.0
    firstEventMs = ($first | Sort-Object)[[int][Math]::Floor($first.Count / 2)]
}
"BENCH-RESULT $($result | ConvertTo-Json -Compress)"

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

# The consumer only stamps the arrival and keeps the data: the server's write time is parsed afterwards, so the
# filter's own cost stays out of the latency of the events behind it.
$received = [System.Collections.Generic.List[long]]::new($Streams * $Events)
$data = [System.Collections.Generic.List[string]]::new($Streams * $Events)
$items = [System.Collections.Generic.List[int]]::new($Streams * $Events)
$script:errors = 0
$script:results = 0
filter Measure-Event {
    if ($_ -is [AsyncWeb.WebBatchStreamItem]) {
        $received.Add([DateTime]::UtcNow.Ticks)
        $data.Add($_.Data)  # {"i":n,"t":ticks}
        $items.Add($_.Index)
    }
    else {
        $script:results++
        if (-not $_.Success) { $script:errors++ }
    }
}

# Warm-up (JIT to its optimized tier, the pool, the filter): a stream consumer in steady state is measured, not its first second.
1..([Math]::Min(100, $Streams)) | ForEach-Object { "$Base/sse/ticks?count=40&intervalMs=1&w=$_" } | Invoke-AsyncWebBatch -Stream -ThrottleLimit 100 | Measure-Event
$received.Clear(); $data.Clear(); $items.Clear(); $script:results = 0; $script:errors = 0

# Each stream's events are due at its own phase of the interval (the server paces them on the clock), so the offered
# load is a steady Streams × 1000 / IntervalMs events/s, not all streams writing in the same millisecond.
$uris = 1..$Streams | ForEach-Object { "$Base/sse/ticks?count=$Events&intervalMs=$IntervalMs&phaseMs=$([int][Math]::Floor(($_ - 1) * $IntervalMs / $Streams))&n=$_" }
$watch = [Diagnostics.Stopwatch]::StartNew()
$uris | Invoke-AsyncWebBatch -Stream -ThrottleLimit $Streams -FailuresAsResults | Measure-Event
$seconds = $watch.Elapsed.TotalSeconds

$written = [long[]]::new($data.Count)
$latencies = [double[]]::new($data.Count)
for ($i = 0; $i -lt $data.Count; $i++) {
    $d = $data[$i]
    $written[$i] = [long]$d.Substring($d.LastIndexOf(':') + 1).TrimEnd('}')
    $latencies[$i] = ($received[$i] - $written[$i]) / 10000.0
}

# Steady state: the events the server wrote once every stream was open, i.e. after the last stream's first event
# arrived. Before that the process is still opening the other connections (a thousand connects, requests and
# their first allocations), and its tail is reported apart.
$firstArrival = @{}
for ($i = 0; $i -lt $items.Count; $i++) { if (-not $firstArrival.ContainsKey($items[$i])) { $firstArrival[$items[$i]] = $received[$i] } }
$allOpen = if ($firstArrival.Count) { ($firstArrival.Values | Measure-Object -Maximum).Maximum } else { 0 }
$steady = [Collections.Generic.List[double]]::new($latencies.Length)
for ($i = 0; $i -lt $latencies.Length; $i++) { if ($written[$i] -ge $allOpen) { $steady.Add($latencies[$i]) } }
$steadySorted = $steady.ToArray()
[Array]::Sort($steadySorted)
$openingMs = if ($received.Count) { ($allOpen - ($received | Measure-Object -Minimum).Minimum) / 10000.0 } else { [double]::NaN }

$sorted = $latencies
[Array]::Sort($sorted)
# Rates over the middle 90% of the writes and of the arrivals: what the server offered, and what reached the pipeline.
function Get-Rate([long[]] $ticks) {
    if ($ticks.Length -lt 20) { return [double]::NaN }
    [Array]::Sort($ticks)
    $lo = $ticks[[int]($ticks.Length * 0.05)]; $hi = $ticks[[int]($ticks.Length * 0.95)]
    if ($hi -le $lo) { return [double]::NaN }
    0.9 * $ticks.Length / (($hi - $lo) / 1e7)
}
$writesPerSec = Get-Rate $written  # sorts it, for the burst count below
$deliveredPerSec = Get-Rate $received.ToArray()
# Burstiness of the offered load: the most writes in any 10 ms.
$burst = 0; $j = 0
for ($i = 0; $i -lt $written.Length; $i++) { while ($written[$i] - $written[$j] -gt 100000) { $j++ }; $burst = [Math]::Max($burst, $i - $j + 1) }
function Get-Percentile([double] $p, [double[]] $of = $sorted) { if ($of.Length -eq 0) { return [double]::NaN } $of[[Math]::Min($of.Length - 1, [int][Math]::Floor($p * $of.Length))] }

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
    eventsPerSec = $deliveredPerSec
    serverWritesPerSec = $writesPerSec
    maxWritesIn10Ms = $burst
    p50Ms        = Get-Percentile 0.50
    p90Ms        = Get-Percentile 0.90
    p99Ms        = Get-Percentile 0.99
    maxMs        = Get-Percentile 1.0
    steadyCount  = $steadySorted.Length
    steadyP50Ms  = Get-Percentile 0.50 $steadySorted
    steadyP90Ms  = Get-Percentile 0.90 $steadySorted
    steadyP99Ms  = Get-Percentile 0.99 $steadySorted
    steadyMaxMs  = Get-Percentile 1.0 $steadySorted
    openingMs    = $openingMs
    firstEventMs = ($first | Sort-Object)[[int][Math]::Floor($first.Count / 2)]
}
"BENCH-RESULT $($result | ConvertTo-Json -Compress)"

# 1,000 concurrent server-sent event streams (issue 25): server write → pipeline object latency at 10,000
# events/s, and the time to the first event on a fresh connection against curl -N
@{
    Title  = '1,000 concurrent event streams'
    Needs  = 'TestServer', 'curl'
    Counts = @{
        Full  = @{ Streams = 1000; Events = 30; IntervalMs = 100; FirstRounds = 20 }
        Quick = @{ Streams = 200; Events = 20; IntervalMs = 100; FirstRounds = 10 }
    }
    Notes = { "- Scenario 15: $(Format-Count $counts.Streams) streams of the test server's /sse/ticks, each an event (under 100 bytes) every $($counts.IntervalMs) ms on the server's clock, each stream at its own phase of the interval (an even $(Format-Count ($counts.Streams * 10 / $counts.IntervalMs)) writes per 10 ms, not all streams at once), $(Format-Count $counts.Events) per stream ($(Format-Count ($counts.Streams * 1000 / $counts.IntervalMs)) events/s in all), through Invoke-AsyncWebBatch -Stream -ThrottleLimit $($counts.Streams) in a fresh pwsh, consumed by a filter; each event's data carries the server's write time (UTC ticks), so its latency is server write → pipeline object on one clock (the filter only stamps and keeps the data; parsing comes after the run). Rates are over the middle 90% of the writes and of the arrivals, after a warm-up batch of 100 streams. The p99 target is judged on the events written once every stream was open (after the last stream's first event arrived), the 1,000 streams at 10,000 events/s the target names; the whole run, with the first few hundred ms in which the process is still opening the other connections, is shown beside it (info). Time to first event: the median of $($counts.FirstRounds) rounds, each on a fresh connection (a new session: its own pool) from calling the cmdlet to the first object, against curl -N from its process start to its first data: line (so curl's figure includes its exec)." }
    Run    = {
        $s = $spec.Title
        $base = $testServer.Base
        $eventsChild = Join-Path $benchRoot 'Invoke-EventsChild.ps1'
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($(Format-Count $counts.Streams) streams)" -ForegroundColor Cyan
            $command = @($pwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $eventsChild, '-ModulePath', $moduleManifest, '-Base', $base,
                '-Streams', $counts.Streams, '-Events', $counts.Events, '-IntervalMs', $counts.IntervalMs, '-FirstRounds', $counts.FirstRounds)
            $m = Invoke-Measured -Command $command -Label 'AsyncWeb -Stream (scenario 15)' -TimeoutSec 300
            $expected = $counts.Streams * $counts.Events
            if ($m.Json.count -ne $expected -or $m.Json.errors -gt 0) { $notes.Add("AsyncWeb -Stream: $($m.Json.count) events of $expected, $($m.Json.errors) failed stream(s)") }
            foreach ($figure in 'p50Ms', 'p90Ms', 'p99Ms', 'maxMs', 'steadyP50Ms', 'steadyP90Ms', 'steadyP99Ms', 'steadyMaxMs', 'openingMs') { Add-Figure $s "latency $figure" $m.Json.$figure 'ms' }
            Add-Figure $s 'steady events' $m.Json.steadyCount ''
            Add-Figure $s 'measured events' $m.Json.count ''
            Add-Figure $s 'events/s delivered' $m.Json.eventsPerSec '/s'
            Add-Figure $s 'events/s written by the server' $m.Json.serverWritesPerSec '/s'
            Add-Figure $s 'most server writes in 10 ms' $m.Json.maxWritesIn10Ms ''
            Add-Figure $s 'AsyncWeb, time to first event' $m.Json.firstEventMs 'ms'
            Add-Figure $s 'AsyncWeb, peak RSS' $m.RssMB 'MB'

            # curl -N: from its process start to the first data: line on its stdout.
            $first = foreach ($round in 1..$counts.FirstRounds) {
                $info = [Diagnostics.ProcessStartInfo]::new('/usr/bin/curl')
                foreach ($arg in '-N', '-s', "$base/sse/ticks?count=5&intervalMs=0&curl=$round") { $info.ArgumentList.Add($arg) }
                $info.RedirectStandardOutput = $true
                $info.UseShellExecute = $false
                $w = [Diagnostics.Stopwatch]::StartNew()
                $process = [Diagnostics.Process]::Start($info)
                try {
                    while ($null -ne ($line = $process.StandardOutput.ReadLine()) -and -not $line.StartsWith('data:')) { }
                    $w.Elapsed.TotalMilliseconds
                    if (-not $process.WaitForExit(10000)) { $process.Kill() }
                }
                finally { $process.Dispose() }
            }
            Add-Figure $s 'curl -N, time to first event' (Get-Median $first) 'ms'
        }
    }
    Rows   = {
        $s = $spec.Title
        # The target: 1,000 open streams at 10,000 events/s, i.e. once every stream is open. The whole run, with the
        # opening of a thousand connections in it, is shown beside it.
        $p99 = Get-Figure $s 'latency steadyP99Ms'
        $share = '{0:N0} of {1:N0} events' -f (Get-Figure $s 'steady events'), (Get-Figure $s 'measured events')
        New-Row $s "server write → pipeline object, p99, every stream open ($share; written after the last stream's first event)" $p99 'ms' ([double]::NaN) '≤ 50 ms' ($p99 -le 50)
        foreach ($name in 'P50Ms', 'P90Ms', 'MaxMs') { New-Row $s "server write → pipeline object, every stream open, $($name -replace 'Ms$', '' | ForEach-Object ToLower)" (Get-Figure $s "latency steady$name") 'ms' }
        New-Row $s 'opening: from the first event to the last stream''s first (info)' (Get-Figure $s 'latency openingMs') 'ms'
        foreach ($name in 'p50Ms', 'p90Ms', 'p99Ms', 'maxMs') { New-Row $s "server write → pipeline object, whole run with the opening (info), $($name -replace 'Ms$', '')" (Get-Figure $s "latency $name") 'ms' }
        New-Row $s 'events/s delivered (offered: streams × 1000 / interval)' (Get-Figure $s 'events/s delivered') '/s'
        New-Row $s 'events/s written by the server (its pacing; middle 90% of writes)' (Get-Figure $s 'events/s written by the server') '/s'
        New-Row $s 'most server writes in any 10 ms (steady: streams × 10 / interval)' (Get-Figure $s 'most server writes in 10 ms') ''
        $aw = Get-Figure $s 'AsyncWeb, time to first event'
        $curl = Get-Figure $s 'curl -N, time to first event'
        New-Row $s 'AsyncWeb, time to first event (fresh connection)' $aw 'ms'
        New-Row $s 'curl -N, time to first event (ratio: AsyncWeb over curl)' $curl 'ms' ($aw / $curl) '≤ 1.0×' ($aw / $curl -le 1.0)
        New-Row $s 'AsyncWeb, peak RSS' (Get-Figure $s 'AsyncWeb, peak RSS') 'MB'
    }
}

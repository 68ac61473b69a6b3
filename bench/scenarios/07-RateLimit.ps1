# -RequestsPerSecond 5, 50, 500: the achieved start rate over a 10 s window
@{
    Title  = '-RequestsPerSecond start rate'
    Needs  = 'Nginx'
    Counts = @{
        Full  = @{ Rates = @(5, 50, 500) }
        Quick = @{ Rates = @(50) }
    }
    TableNote = 'Scenario 7''s ratio is the achieved start rate over the requested one.'
    CountsNote = { "scenario 7 $(($counts.Rates | ForEach-Object { "$(Format-Count (10 * $_ + 1)) requests at $_/s" }) -join ', ')" }
    Notes = { '- Scenario 7: the start rate is (N - 1) / the span from the first to the last start. At nginx a start is the request''s arrival ($msec - $request_time, ms resolution; only ?rate= requests of /tiny are logged, to bench/work/nginx/rate-access.log); at the client it is the end of each result (StartTime + Elapsed), and the batch wall time (which adds the first request''s setup and the last one''s answer) for reference.' }
    Run    = {
        # Issue 5: "-RequestsPerSecond: the start rate holds within 10% over a 10 s window". The limiter's
        # first token is immediate, so 10·R + 1 starts span 10 s; each run's requests carry their own
        # ?rate=<tag>, which nginx logs with its $msec (the only requests it logs).
        $s = $spec.Title
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
    Rows   = {
        $s = $spec.Title
        foreach ($rate in $counts.Rates) {
            $server = Get-Figure $s "$rate/s: start rate, nginx arrivals"
            $client = Get-Figure $s "$rate/s: start rate, client result ends"
            $wall = Get-Figure $s "$rate/s: start rate, client wall time"
            $info = "info: client $(Format-Figure $client)/s from result ends, $(Format-Figure $wall)/s from wall time"
            # nginx's arrival times when it logged every request; the client's result ends otherwise.
            $achieved, $source = if ([double]::IsNaN($server)) { $client, 'result ends at the client' } else { $server, 'arrivals at nginx' }
            $ratio = $achieved / $rate
            $target = "within ±10% ($(Format-Figure (0.9 * $rate))–$(Format-Figure (1.1 * $rate))/s)"
            New-Row $s "-RequestsPerSecond $rate, $(Format-Count (10 * $rate + 1)) requests: $source ($info)" $achieved 'req/s' $ratio $target ([Math]::Abs($ratio - 1) -le 0.1)
        }
    }
}

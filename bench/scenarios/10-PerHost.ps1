# a host that serves 8 requests at once and refuses more with 429 (the test server's /limited endpoint,
# 20 ms each): -ThrottleLimit 64 alone, -ThrottleLimitPerHost 8 (the limit known in advance),
# -AdaptiveThrottle (found at run time); curl --parallel-max 8
@{
    Title  = 'a host that allows 8 at once'
    Needs  = 'FlowServer', 'curl'
    Counts = @{
        Full  = @{ PerHost = 2000 }
        Quick = @{ PerHost = 500 }
    }
    Notes = { "- Scenario 10: $(Format-Count $counts.PerHost) GETs of the test server's ``/limited/{key}?max=8&delayMs=20`` (serves 8 at once, 20 ms each, refuses a 9th with an immediate 429; ideal 400 req/s), each AsyncWeb variant with -ThrottleLimit 64, -MaximumRetryCount 50, -RetryIntervalSec 0.01, -MaximumRetryDelaySec 0.1; 429s per request from the server's log; the ratio is over curl --parallel-max 8, which is told the limit (a refused curl request is not retried; its 429s are shown)." }
    Run    = {
        # Issue 14: a host that allows N concurrent requests. Each run has its own key, so the server counts its
        # refusals (429s) apart: the cost of not knowing the limit is in them and in the time.
        $s = $spec.Title
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
    Rows   = {
        $s = $spec.Title
        $curl = Get-Figure $s 'curl --parallel --parallel-max 8 (the limit known)'
        foreach ($tool in 'AsyncWeb -ThrottleLimit 64 (no per-host limit)', 'AsyncWeb -ThrottleLimitPerHost 8 (fixed, known)', 'AsyncWeb -AdaptiveThrottle') {
            $value = Get-Figure $s $tool
            if ([double]::IsNaN($value)) { continue }
            $info = "429s per request $(Format-Figure (Get-Figure $s "$tool`: 429s per request (info)"))"
            if ($tool -eq 'AsyncWeb -AdaptiveThrottle') { $info += ", final limit $(Format-Figure (Get-Figure $s "$tool`: final limit (info)"))" }
            New-Row $s "$tool (info: $info)" $value 'req/s' ($value / $curl)
        }
        New-Row $s "curl --parallel --parallel-max 8, the limit known (info: 429s per request, not retried: $(Format-Figure (Get-Figure $s 'curl --parallel --parallel-max 8 (the limit known): 429s per request (info)')))" $curl 'req/s'
    }
}

# 1,000 GETs of an endpoint answering after 100 ms, concurrency 64
@{
    Title  = '1,000 GETs answered after 100 ms'
    Needs  = 'DelayServer', 'curl', 'aiohttp'
    Counts = @{
        Full  = @{ Latency = 1000; Wide = 5000; WideLimit = 1000 }
        Quick = @{ Latency = 1000; Wide = 5000; WideLimit = 1000 }
    }
    Run    = {
        $s = $spec.Title
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

            # Wide: 5,000 GETs answered after 1 s, 1,000 at a time: the engine's cost per request at high concurrency.
            $wide = $url -replace '/delay/100$', '/delay/1000'
            $m = Invoke-Child 'AsyncWeb wide latency' @{ Mode = 'Gets'; ModulePath = $moduleManifest; Uri = $wide; Count = $counts.Wide; ThrottleLimit = $counts.WideLimit; Warm = $true }
            Confirm-Clean 'AsyncWeb (scenario 2, wide)' $m $counts.Wide
            Add-Figure $s 'wide · AsyncWeb (fresh pwsh, first call)' $m.Json.seconds 's'
            Add-Figure $s 'wide · AsyncWeb (same session, second call)' $m.Json.warmSeconds 's'
        }
    }
    Rows   = {
        $s = $spec.Title
        $ideal = $counts.Latency / $ThrottleLimit * 0.1
        $aw = Get-Figure $s 'AsyncWeb (fresh pwsh, first call)'
        New-Row $s "ideal ($($counts.Latency) / $ThrottleLimit × 100 ms)" $ideal 's' ($aw / $ideal) '≤ 1.1× ideal' ($aw / $ideal -le 1.1)
        New-Row $s 'AsyncWeb (fresh pwsh, first call)' $aw 's'
        $warm = Get-Figure $s 'AsyncWeb (same session, second call)'
        New-Row $s "AsyncWeb (same session, second call; info: $(Format-Figure ($warm / $ideal))× ideal)" $warm 's' ($aw / $warm)
        foreach ($tool in 'curl --parallel', 'aiohttp') {
            $value = Get-Figure $s $tool
            if ($tool -eq 'curl --parallel') {
                New-Row $s "$tool (info: $(Format-Figure ($value / $ideal))× ideal; ratio: the first call's time over it)" $value 's' ($aw / $value) '≤ 1.03×' ($aw / $value -le 1.03)
                New-Row $s "$tool again (ratio: the second call's time over it)" $value 's' ($warm / $value) '≤ 1.03×' ($warm / $value -le 1.03)
                continue
            }
            New-Row $s "$tool (info: $(Format-Figure ($value / $ideal))× ideal)" $value 's' ($aw / $value)
        }
        $wideIdeal = $counts.Wide / $counts.WideLimit * 1.0
        foreach ($call in 'fresh pwsh, first call', 'same session, second call') {
            $value = Get-Figure $s "wide · AsyncWeb ($call)"
            if ([double]::IsNaN($value)) { continue }
            New-Row $s "$(Format-Count $counts.Wide) GETs answered after 1 s at concurrency $(Format-Count $counts.WideLimit): AsyncWeb ($call; ratio: over the ideal $(Format-Figure $wideIdeal) s)" $value 's' ($value / $wideIdeal) '≤ 1.1× ideal' ($value / $wideIdeal -le 1.1)
        }
    }
}

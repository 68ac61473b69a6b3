# 1,000 GETs of an endpoint answering after 100 ms, concurrency 64
@{
    Title  = '1,000 GETs answered after 100 ms'
    Needs  = 'DelayServer', 'curl', 'aiohttp'
    Counts = @{
        Full  = @{ Latency = 1000 }
        Quick = @{ Latency = 1000 }
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
            New-Row $s "$tool (info: $(Format-Figure ($value / $ideal))× ideal)" $value 's' ($aw / $value)
        }
    }
}

# the warm cost of traces: 100k small GETs with the default traceparent, with -NoTraceParent, and with an
# ActivityListener sampling everything, interleaved in one pwsh (A/B in one run); throughput and bytes allocated
@{
    Title  = 'tracing on and off'
    Needs  = 'Nginx'
    Counts = @{
        Full  = @{ Gets = 100000 }
        Quick = @{ Gets = 20000 }
    }
    Notes  = { "- Scenario 18: $(Format-Figure $counts.Gets) GETs of small.json per variant, in one warm pwsh: the default traceparent on every request (no listener: no Activity), -NoTraceParent, and the default with an ActivityListener that samples every source (AsyncWeb's and HttpClient's activities, AllDataAndRecorded); the three interleaved in 3 rounds after an unmeasured warm-up of each. Bytes allocated are the process's (GC.GetTotalAllocatedBytes), per request." }
    Run    = {
        $s = $spec.Title
        $url = "$($nginx.Base)/small.json"
        $n = $counts.Gets
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat (3 × $n requests, concurrency $ThrottleLimit)" -ForegroundColor Cyan
            $m = Invoke-Child 'AsyncWeb tracing A/B' @{ Mode = 'Tracing'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit }
            Confirm-Clean 'AsyncWeb tracing A/B (scenario 18)' $m ([Math]::Max(1, [int]($n / 3)) * 3)
            $json = $m.Json
            $per = [Math]::Max(1, [int]($n / 3)) * 3
            foreach ($variant in 'on', 'off', 'listener') {
                Add-Figure $s "tracing $variant · req/s" ($per / $json."$($variant)Seconds") 'req/s'
                Add-Figure $s "tracing $variant · allocated" ($json."$($variant)AllocatedBytes" / $per) 'B/req'
            }
            if ($json.listenerActivities -lt $per) { $notes.Add("scenario 18: the listener saw $($json.listenerActivities) activities for $per requests") }
        }
    }
    Rows   = {
        $s = $spec.Title
        $off = Get-Figure $s 'tracing off · req/s'
        $on = Get-Figure $s 'tracing on · req/s'
        $listened = Get-Figure $s 'tracing listener · req/s'
        New-Row $s 'AsyncWeb -NoTraceParent, warm' $off 'req/s'
        New-Row $s 'AsyncWeb traceparent on (default), warm (ratio: over -NoTraceParent)' $on 'req/s' ($on / $off) '≥ 0.97×' ($on / $off -ge 0.97)
        New-Row $s 'AsyncWeb traceparent on + ActivityListener sampling all, warm (ratio: over -NoTraceParent)' $listened 'req/s' ($listened / $off)
        $offBytes = Get-Figure $s 'tracing off · allocated'
        New-Row $s 'allocated, -NoTraceParent' $offBytes 'B/req'
        foreach ($variant in 'on', 'listener') {
            $bytes = Get-Figure $s "tracing $variant · allocated"
            New-Row $s "allocated, tracing $variant (ratio column: above -NoTraceParent)" $bytes 'B/req' ($bytes - $offBytes) '' $null ' B'
        }
    }
}

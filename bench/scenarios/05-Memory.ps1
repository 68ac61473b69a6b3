# peak RSS at 1,000,000 lazily generated pipeline inputs vs at 10,000
@{
    Title  = 'memory at many pipeline inputs'
    Needs  = 'Nginx'
    Counts = @{
        Full  = @{ StreamBig = 1000000; StreamSmall = 10000 }
        Quick = @{ StreamBig = 100000; StreamSmall = 10000 }
    }
    CountsNote = { "scenario 5 $(Format-Figure $counts.StreamSmall) vs $(Format-Figure $counts.StreamBig) inputs" }
    Run    = {
        $s = $spec.Title
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
    Rows   = {
        $s = $spec.Title
        $small = Get-Figure $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamSmall) inputs"
        $big = Get-Figure $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamBig) inputs"
        New-Row $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamSmall) inputs" $small 'MB'
        New-Row $s "AsyncWeb peak RSS, $(Format-Figure $counts.StreamBig) inputs" $big 'MB' ($big / $small) '≤ 1.2×' ($big / $small -le 1.2)
        foreach ($n in $counts.StreamSmall, $counts.StreamBig) {
            $tool = "AsyncWeb rate, $(Format-Figure $n) inputs (info)"
            New-Row $s $tool (Get-Figure $s $tool) 'req/s'
        }
    }
}

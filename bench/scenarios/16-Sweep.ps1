# A sweep of many distinct host names, each pinned to 127.0.0.1 (AsyncWeb -Resolve, curl --resolve, one entry per
# name): (a) 1,000 names over https against the TLS nginx's one wildcard certificate (*.sweep.test, from the run's CA,
# verified), one GET per name, so a full handshake each (no session to resume: every name is new); (b) 10,000 names
# over http. Concurrency -ThrottleLimit for both tools; AsyncWeb's results are checked for their phases. AsyncWeb
# runs in a fresh pwsh after an unmeasured batch of 64 other names (warm-h0001…: compiled code, nothing to reuse).
# $env:ASYNCWEB_BENCH_SWEEP = 'https' (or 'http') runs that part only: (b) takes most of the ~10 min a full repeat takes.
@{
    Title  = 'Sweep of distinct hosts'
    Needs  = 'Nginx', 'TlsNginx', 'curl'
    Counts = @{
        Full  = @{ TlsNames = 1000; HttpNames = 10000 }
        Quick = @{ TlsNames = 200; HttpNames = 1000 }
    }
    CountsNote = { "scenario 16: $(Format-Count $counts.TlsNames) names over https, $(Format-Count $counts.HttpNames) over http, one GET each" }
    Run    = {
        $s = $spec.Title
        $trust = @{ SSL_CERT_FILE = $tls.CaFile; SSL_CERT_DIR = $tls.RootsDir }
        $workloads = @(
            @{ Key = 'https'; Scheme = 'https'; Port = $tlsNginx.ClosePort; Count = $counts.TlsNames }
            @{ Key = 'http'; Scheme = 'http'; Port = ([uri]$nginx.Base).Port; Count = $counts.HttpNames }
        ) | Where-Object { -not $env:ASYNCWEB_BENCH_SWEEP -or $_.Key -eq $env:ASYNCWEB_BENCH_SWEEP }
        foreach ($w in $workloads) {
            # Names h0001.sweep.test ... (h00001 for 10,000 and more): the URLs, AsyncWeb's -Resolve entries, curl's config.
            $digits = [Math]::Max(4, ([string]$w.Count).Length - 1)
            $names = 1..$w.Count | ForEach-Object { "h{0:D$digits}.sweep.test" -f $_ }
            $urls = $names | ForEach-Object { "$($w.Scheme)://$($_):$($w.Port)/small.json" }
            $pins = $names | ForEach-Object { "$($_):$($w.Port):127.0.0.1" }
            $w.List = Join-Path $work "sweep-$($w.Key).txt"
            $w.Pins = Join-Path $work "sweep-$($w.Key)-resolve.txt"
            $w.Curl = Join-Path $work "curl-sweep-$($w.Key).cfg"
            [System.IO.File]::WriteAllLines($w.List, [string[]]$urls)
            [System.IO.File]::WriteAllLines($w.Pins, [string[]]$pins)
            [System.IO.File]::WriteAllLines($w.Curl, [string[]](@($pins | ForEach-Object { "resolve = `"$_`"" }) + @($urls | ForEach-Object { "url = `"$_`"" })))
        }
        for ($r = 1; $r -le $Repeat; $r++) {
            foreach ($w in $workloads) {
                $n = $w.Count
                Write-Host "== $s $($w.Key): $(Format-Count $n) names, repeat $r/$Repeat (concurrency $ThrottleLimit)" -ForegroundColor Cyan
                $m = Invoke-Child "AsyncWeb sweep $($w.Key)" @{ Mode = 'Sweep'; ModulePath = $moduleManifest; ListFile = $w.List; ResolveFile = $w.Pins; ThrottleLimit = $ThrottleLimit; WarmCount = 64 } -Environment $trust
                Confirm-Clean "AsyncWeb (scenario 16 $($w.Key))" $m $n
                Add-Figure $s "$($w.Key) · AsyncWeb" ($n / $m.Json.seconds) 'hosts/s'
                if ($m.Json.phased -ne $n) { $notes.Add("AsyncWeb (scenario 16 $($w.Key)): $($m.Json.phased) of $n results carry their DNS, connect$(if ($w.Scheme -eq 'https') { ' and TLS' }) phases") }
                if ($m.Json.reused -gt 0) { $notes.Add("AsyncWeb (scenario 16 $($w.Key)): $($m.Json.reused) of $n results reused a connection (each name should open its own)") }
                Add-Figure $s "$($w.Key) · phased" $m.Json.phased 'results'
                Add-Figure $s "$($w.Key) · AsyncWeb CPU" (1000 * $m.Json.cpuSeconds / $n) 'CPU ms/host'

                $curlArgs = @('/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit)
                if ($w.Scheme -eq 'https') { $curlArgs += '--cacert', $tls.CaFile, '--http1.1' }
                $m = Invoke-Measured -Command ($curlArgs + @('-K', $w.Curl)) -StdoutToNull -Label "curl sweep $($w.Key)"
                Add-Figure $s "$($w.Key) · curl" ($n / $m.Wall) 'hosts/s'
                Add-Figure $s "$($w.Key) · curl CPU" (1000 * $m.CpuSeconds / $n) 'CPU ms/host'
            }
        }
    }
    Rows   = {
        $s = $spec.Title
        $labels = @{
            'https' = "(a) $(Format-Count $counts.TlsNames) names over https, a verified handshake each"
            'http'  = "(b) $(Format-Count $counts.HttpNames) names over http"
        }
        foreach ($key in 'https', 'http') {
            $aw = Get-Figure $s "$key · AsyncWeb"
            if ([double]::IsNaN($aw)) { continue }
            $phased = Get-Figure $s "$key · phased"
            $count = if ($key -eq 'https') { $counts.TlsNames } else { $counts.HttpNames }
            New-Row $s "$($labels[$key]): AsyncWeb -Resolve ($(Format-Count $phased) of $(Format-Count $count) results with their phases)" $aw 'hosts/s'
            $curl = Get-Figure $s "$key · curl"
            New-Row $s "$($labels[$key]): curl --parallel --resolve" $curl 'hosts/s' ($aw / $curl) '≥ 1.2×' ($aw / $curl -ge 1.2)
            # Info: CPU per host (AsyncWeb: its process during the measured batch; curl: its whole process), less load-bound than wall time.
            $awCpu = Get-Figure $s "$key · AsyncWeb CPU"
            $curlCpu = Get-Figure $s "$key · curl CPU"
            New-Row $s "$($labels[$key]): CPU per host, AsyncWeb (info)" $awCpu 'CPU ms/host'
            New-Row $s "$($labels[$key]): CPU per host, curl (info; ratio: curl's over AsyncWeb's)" $curlCpu 'CPU ms/host' ($curlCpu / $awCpu)
        }
    }
}

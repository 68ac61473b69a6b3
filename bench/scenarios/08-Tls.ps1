# HTTPS against a second nginx (1 worker, a certificate from a CA the bench makes): (a) 20,000 GETs
# keep-alive, (b) 2,000 GETs with a handshake each (the server closes every connection), (c) (a) over
# HTTP/2; each with -SkipCertificateCheck vs curl -k and verifying against the CA vs curl --cacert;
# aiohttp and a bare .NET HttpClient loop (bench/dotnet-peer) alongside
@{
    Title  = 'HTTPS'
    Needs  = 'TlsNginx', 'curl', 'aiohttp'
    Counts = @{
        Full  = @{ TlsKeepAlive = 20000; TlsClose = 2000 }
        Quick = @{ TlsKeepAlive = 5000; TlsClose = 500 }
    }
    Run    = {
        # Issue 16. A host name, as real APIs have: the runtime resumes TLS sessions by host name only (an IP
        # literal never resumes), curl and aiohttp by host and port either way; the (b) rows by IP show the
        # difference. Every tool trusts only the bench's CA: SSL_CERT_FILE / SSL_CERT_DIR for .NET (OpenSSL's
        # store on Linux) and Python, curl --cacert.
        $s = $spec.Title
        $trust = @{ SSL_CERT_FILE = $tls.CaFile; SSL_CERT_DIR = $tls.RootsDir }
        $workloads = @(
            @{ Key = 'a'; Name = "(a) $(Format-Count $counts.TlsKeepAlive) GETs, keep-alive"; Port = $tlsNginx.Port; Count = $counts.TlsKeepAlive; Http2 = $false; Host = 'localhost' }
            @{ Key = 'b'; Name = "(b) $(Format-Count $counts.TlsClose) GETs, a handshake each"; Port = $tlsNginx.ClosePort; Count = $counts.TlsClose; Http2 = $false; Host = 'localhost' }
            @{ Key = 'b-ip'; Name = "(b) by IP (127.0.0.1: .NET resumes no session)"; Port = $tlsNginx.ClosePort; Count = $counts.TlsClose; Http2 = $false; Host = '127.0.0.1' }
            @{ Key = 'c'; Name = "(c) $(Format-Count $counts.TlsKeepAlive) GETs, HTTP/2"; Port = $tlsNginx.Port; Count = $counts.TlsKeepAlive; Http2 = $true; Host = 'localhost' }
        )
        for ($r = 1; $r -le $Repeat; $r++) {
            foreach ($w in $workloads) {
                $url = "https://$($w.Host):$($w.Port)/small.json"
                $n = $w.Count
                $cfg = Join-Path $work "curl-tls-$($w.Key).cfg"
                if ($r -eq 1) { Write-CurlConfig $cfg ([string[]]::new($n).ForEach({ $url })) }
                foreach ($verify in $false, $true) {
                    $check = if ($verify) { 'verified' } else { 'skipped' }
                    Write-Host "== $s $($w.Name), certificate $check, repeat $r/$Repeat (concurrency $ThrottleLimit)" -ForegroundColor Cyan
                    $cell = "$($w.Key) $check"
                    $warm = [Math]::Min($n, 2000)

                    $arguments = @{ Mode = 'Gets'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit; WarmCount = $warm; SkipCertificateCheck = (-not $verify) }
                    if ($w.Http2) { $arguments.HttpVersion = '2.0' }
                    # h2: the engine against a bare HttpClient loop in the same pwsh, allocation and lock contention included.
                    # (b) by name: the same pairing for CPU per connection, since the bare loop's own row below runs in another
                    # kind of process (a console program: no PowerShell, no tiering of PowerShell's engine beside it).
                    $inProcess = ($w.Http2 -and -not $verify) -or $w.Key -eq 'b'
                    if ($inProcess) { $arguments.InProcessPeer = $true; $arguments.MeasuredRounds = $MeasuredRounds }
                    $m = Invoke-Child "AsyncWeb https $cell" $arguments -Environment $trust
                    Confirm-Clean "AsyncWeb (scenario 8 $cell)" $m $n
                    Add-Figure $s "$cell · AsyncWeb" ($n / $m.Json.seconds) 'req/s'
                    # (b): client CPU per connection (a handshake each), less load-bound than req/s: where the cost of a handshake lies.
                    $perConnection = $w.Key -like 'b*'
                    if ($perConnection) {
                        Add-Figure $s "$cell · AsyncWeb CPU" (1000 * $m.Json.cpuSeconds / $n) 'CPU ms/conn'
                        # Methods the JIT compiled during the measured batch: the runtime still tiering up after the warm-up.
                        Add-Figure $s "$cell · AsyncWeb jitted" $m.Json.jitMethods 'methods'
                    }
                    if ($inProcess) { Add-InProcessFigure $s "$cell · " $m $n; $arguments.Remove('InProcessPeer'); $arguments.Remove('MeasuredRounds') }
                    if ($inProcess -and $perConnection) {
                        Add-Figure $s "$cell · same pwsh AsyncWeb CPU" (1000 * $m.Json.arrayCpuSeconds / $n) 'CPU ms/conn'
                        Add-Figure $s "$cell · same pwsh bare loop CPU" (1000 * $m.Json.bareCpuSeconds / $n) 'CPU ms/conn'
                    }
                    if ($w.Key -eq 'a') {
                        # AsyncWeb's default negotiates h2 by ALPN (phase 2); pinned to HTTP/1.1, like for like with curl --http1.1.
                        $arguments.HttpVersion = '1.1'
                        $m = Invoke-Child "AsyncWeb -HttpVersion 1.1 https $cell" $arguments -Environment $trust
                        Confirm-Clean "AsyncWeb -HttpVersion 1.1 (scenario 8 $cell)" $m $n
                        Add-Figure $s "$cell · AsyncWeb -HttpVersion 1.1" ($n / $m.Json.seconds) 'req/s'
                    }

                    $curlArgs = @('/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit)
                    $curlArgs += if ($verify) { '--cacert', $tls.CaFile } else { '-k' }
                    if ($w.Http2) { $curlArgs += '--http2' }
                    $m = Invoke-Measured -Command ($curlArgs + @('-K', $cfg)) -StdoutToNull -Label "curl $cell"
                    Add-Figure $s "$cell · curl" ($n / $m.Wall) 'req/s'
                    if ($perConnection) { Add-Figure $s "$cell · curl CPU" (1000 * $m.CpuSeconds / $n) 'CPU ms/conn' }
                    if ($w.Key -eq 'a') {
                        # curl's default over https is HTTP/2 by ALPN; the same over HTTP/1.1, like for like.
                        $m = Invoke-Measured -Command ($curlArgs + @('--http1.1', '-K', $cfg)) -StdoutToNull -Label "curl --http1.1 $cell"
                        Add-Figure $s "$cell · curl --http1.1" ($n / $m.Wall) 'req/s'
                    }

                    if (-not $w.Http2) {
                        $peer = @('/usr/bin/python3', $aiohttpPeer, 'get', $url, $n, $ThrottleLimit)
                        if (-not $verify) { $peer += 'insecure' }
                        $m = Invoke-Measured -Command $peer -Label "aiohttp $cell" -Environment $trust
                        Confirm-Clean "aiohttp (scenario 8 $cell)" $m $n
                        Add-Figure $s "$cell · aiohttp" ($n / $m.Json.seconds) 'req/s'
                    }

                    $peer = @((Get-DotnetHost), $dotnetPeer, 'get', $url, $n, $ThrottleLimit, '--warm', $warm)
                    if (-not $verify) { $peer += '--skip' }
                    if ($w.Http2) { $peer += '--http2' }
                    $m = Invoke-Measured -Command $peer -Label ".NET HttpClient $cell" -Environment $trust
                    Confirm-Clean ".NET HttpClient (scenario 8 $cell)" $m $n
                    Add-Figure $s "$cell · .NET HttpClient loop" ($n / $m.Json.seconds) 'req/s'
                    if ($perConnection) { Add-Figure $s "$cell · .NET HttpClient loop CPU" (1000 * $m.Json.cpuSeconds / $n) 'CPU ms/conn' }
                }
            }
        }
    }
    Rows   = {
        $s = $spec.Title
        $labels = @{
            'a'    = "(a) $(Format-Count $counts.TlsKeepAlive) GETs, keep-alive, defaults (both negotiate h2 by ALPN)"
            'b'    = "(b) $(Format-Count $counts.TlsClose) GETs, a handshake each"
            'b-ip' = "(b) the same to 127.0.0.1 (.NET resumes no TLS session by IP)"
            'c'    = "(c) $(Format-Count $counts.TlsKeepAlive) GETs, HTTP/2 (-HttpVersion 2.0, curl --http2)"
        }
        $goals = @{ 'a' = 1.2; 'b' = 1.0 }
        foreach ($key in 'a', 'b', 'b-ip', 'c') {
            foreach ($check in 'skipped', 'verified') {
                $cell = "$key $check"
                $curlName = if ($check -eq 'skipped') { 'curl -k' } else { 'curl --cacert' }
                $awName = if ($check -eq 'skipped') { 'AsyncWeb -SkipCertificateCheck' } else { 'AsyncWeb, verifying' }
                $aw = Get-Figure $s "$cell · AsyncWeb"
                if ([double]::IsNaN($aw)) { continue }
                $prefix = "$($labels[$key]), certificate $check"
                New-Row $s "$prefix`: $awName" $aw 'req/s'
                foreach ($tool in 'curl', 'AsyncWeb -HttpVersion 1.1', 'curl --http1.1', 'aiohttp', '.NET HttpClient loop') {
                    $value = Get-Figure $s "$cell · $tool"
                    if ([double]::IsNaN($value)) { continue }
                    $name = switch ($tool) { 'curl' { $curlName } 'curl --http1.1' { "$curlName --http1.1 (info)" } 'AsyncWeb -HttpVersion 1.1' { "$awName -HttpVersion 1.1 (info; ratio: the default over it)" } default { $tool } }
                    if ($tool -eq 'curl' -and $goals.ContainsKey($key)) {
                        New-Row $s "$prefix`: $name" $value 'req/s' ($aw / $value) "≥ $($goals[$key])×" ($aw / $value -ge $goals[$key])
                    }
                    else {
                        New-Row $s "$prefix`: $name" $value 'req/s' ($aw / $value)
                    }
                }
                # Info: client CPU per connection (AsyncWeb and the bare loop: the measured batch in their process; curl: its whole
                # process); ratio: the tool's over AsyncWeb's. curl -k verifies nothing (OpenSSL builds no chain), .NET builds the chain
                # before the callback that ignores it, skipped or not.
                $awCpu = Get-Figure $s "$cell · AsyncWeb CPU"
                if (-not [double]::IsNaN($awCpu)) {
                    New-Row $s "$prefix`: CPU per connection, AsyncWeb (info)" $awCpu 'CPU ms/conn'
                    New-Row $s "$prefix`: methods jitted during AsyncWeb's measured batch (info; the runtime still compiling after the warm-up)" (Get-Figure $s "$cell · AsyncWeb jitted") 'methods'
                    foreach ($tool in 'curl', '.NET HttpClient loop') {
                        $cpu = Get-Figure $s "$cell · $tool CPU"
                        $name = if ($tool -eq 'curl') { $curlName } else { $tool }
                        if (-not [double]::IsNaN($cpu)) { New-Row $s "$prefix`: CPU per connection, $name (info)" $cpu 'CPU ms/conn' ($cpu / $awCpu) }
                    }
                }
                # Info: the same in one pwsh, settled (each side after the same unmeasured rounds, alternating; medians of the measured rounds): AsyncWeb -Uri $uris | Out-Null against the
                # bare HttpClient loop (InProcessPeer.cs), req/s, CPU and bytes per connection; ratio: the bare loop's CPU over AsyncWeb's,
                # AsyncWeb's req/s and bytes over the bare loop's.
                $sameAw = Get-Figure $s "$cell · same pwsh AsyncWeb CPU"
                if (-not [double]::IsNaN($sameAw)) {
                    $sameBare = Get-Figure $s "$cell · same pwsh bare loop CPU"
                    New-Row $s "$prefix`: in the same pwsh, CPU per connection, AsyncWeb -Uri (info)" $sameAw 'CPU ms/conn'
                    New-Row $s "$prefix`: in the same pwsh, CPU per connection, bare HttpClient loop (info)" $sameBare 'CPU ms/conn' ($sameBare / $sameAw)
                    $sameRate = Get-Figure $s "$cell · AsyncWeb -Uri · req/s"
                    $sameBytes = Get-Figure $s "$cell · AsyncWeb -Uri · allocated"
                    New-Row $s "$prefix`: in the same pwsh, AsyncWeb -Uri (info)" $sameRate 'req/s'
                    New-Row $s "$prefix`: in the same pwsh, bare HttpClient loop (info)" (Get-Figure $s "$cell · bare loop · req/s") 'req/s' ($sameRate / (Get-Figure $s "$cell · bare loop · req/s"))
                    New-Row $s "$prefix`: in the same pwsh, allocated per connection, AsyncWeb -Uri (info)" $sameBytes 'B/conn'
                    New-Row $s "$prefix`: in the same pwsh, allocated per connection, bare HttpClient loop (info; ratio: AsyncWeb's over it)" (Get-Figure $s "$cell · bare loop · allocated") 'B/conn' ($sameBytes / (Get-Figure $s "$cell · bare loop · allocated"))
                }
            }
        }
        New-InProcessRow $s 'c skipped · ' "$($labels['c']), certificate skipped, in the same pwsh:"
    }
}

# one 1 GiB file PUT from disk to the test server's /sink (which reads every byte and drops it): -InFile
# vs curl -T, Invoke-WebRequest -InFile and a bare HttpClient PUT; throughput, CPU per MiB and peak RSS
@{
    Title  = 'one large upload from disk'
    Needs  = 'TestServer', 'BigFile', 'curl'
    Counts = @{
        Full  = @{ BigBytes = 1GB }
        Quick = @{ BigBytes = 256MB }
    }
    Notes = { "- Scenario 13: $(Format-Figure ($counts.BigBytes / 1MB)) MiB of random bytes (bench/work/www/big.bin) PUT to the test server's /sink, which reads every byte and drops it, as nginx discards a body (its former target, /echo, hashed every byte with SHA-256, about a quarter of the server's CPU, which every tool paid in its throughput); each tool checks the length the server read. AsyncWeb -InFile, Invoke-WebRequest -InFile and the bare HttpClient PUT (StreamContent over File.OpenRead, in a fresh pwsh like the cmdlets) stream the file; curl -T (which sends Expect: 100-continue) reads it as it goes. CPU ms/MiB: the process's user + system time during the measured command (curl: its whole process), over the MiB sent; a fresh pwsh's includes the tiered JIT compiling PowerShell's startup in the background, which the second call in one pwsh (info) no longer pays." }
    Run    = {
        # A bare HttpClient PUT (StreamContent over File.OpenRead, as a script would write it) in a fresh pwsh, or with
        # -Second AsyncWeb's second -InFile call in one pwsh (the first, the same upload, unmeasured): one JSON line
        # with seconds, cpuSeconds (this process's CPU during the measured PUT) and received (the length the server read).
        $uploadPeer = {
            param([string] $Uri, [string] $InFile, [string] $ModulePath, [switch] $Second)
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            $put = if ($Second) {
                Import-Module $ModulePath
                $null = Invoke-AsyncWebBatch -Uri $Uri -Method Put -InFile $InFile
                { (Invoke-AsyncWebBatch -Uri $Uri -Method Put -InFile $InFile).ContentObject.bodyLength }
            }
            else {
                $client = [System.Net.Http.HttpClient]::new()
                {
                    $file = [System.IO.File]::OpenRead($InFile)
                    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Put, $Uri)
                    $request.Content = [System.Net.Http.StreamContent]::new($file)
                    $response = $client.SendAsync($request).GetAwaiter().GetResult()
                    $text = $response.EnsureSuccessStatusCode().Content.ReadAsStringAsync().GetAwaiter().GetResult()
                    $file.Dispose()
                    ($text | ConvertFrom-Json).bodyLength
                }
            }
            $process = [Diagnostics.Process]::GetCurrentProcess()
            $cpu = $process.TotalProcessorTime
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $received = & $put
            $seconds = $watch.Elapsed.TotalSeconds
            $process.Refresh()
            [ordered]@{ seconds = $seconds; cpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds; received = [long]$received } | ConvertTo-Json -Compress
        }
        $s = $spec.Title
        $url = "$($testServer.Base)/sink"
        $size = $counts.BigBytes
        $source = Join-Path $www 'big.bin'
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($(Format-Figure ($size / 1MB)) MiB)" -ForegroundColor Cyan
            $m = Invoke-Child 'AsyncWeb -InFile' @{ Mode = 'Upload'; ModulePath = $moduleManifest; Uri = $url; InFile = $source }
            Confirm-Clean 'AsyncWeb -InFile (scenario 13)' $m 1
            if ($m.Json.bytes -ne $size -or $m.Json.received -ne $size) { $notes.Add("AsyncWeb -InFile sent $($m.Json.bytes) bytes and the server read $($m.Json.received), expected $size") }
            Add-Figure $s 'AsyncWeb -InFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'AsyncWeb -InFile, CPU' ($m.Json.cpuSeconds * 1000 / ($size / 1MB)) 'ms/MiB'
            Add-Figure $s 'AsyncWeb -InFile, peak RSS' $m.RssMB 'MB'

            $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '-o', '/dev/null', '-w', '%{size_upload}', '-T', $source, $url -Label 'curl -T'
            if ([long]("$($m.Stdout)".Trim()) -ne $size) { $notes.Add("curl -T reported $("$($m.Stdout)".Trim()) bytes uploaded, expected $size") }
            Add-Figure $s 'curl -T' ($size / 1MB / $m.Wall) 'MiB/s'
            Add-Figure $s 'curl -T, CPU' ($m.CpuSeconds * 1000 / ($size / 1MB)) 'ms/MiB'
            Add-Figure $s 'curl -T, peak RSS' $m.RssMB 'MB'

            $m = Invoke-Child 'Invoke-WebRequest -InFile' @{ Mode = 'WebRequestUpload'; Uri = $url; InFile = $source }
            Confirm-Clean 'Invoke-WebRequest -InFile (scenario 13)' $m 1
            if ($m.Json.received -ne $size) { $notes.Add("Invoke-WebRequest -InFile: the server read $($m.Json.received) bytes, expected $size") }
            Add-Figure $s 'Invoke-WebRequest -InFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'Invoke-WebRequest -InFile, CPU' ($m.Json.cpuSeconds * 1000 / ($size / 1MB)) 'ms/MiB'
            Add-Figure $s 'Invoke-WebRequest -InFile, peak RSS' $m.RssMB 'MB'

            foreach ($peer in 'bare HttpClient PUT', 'AsyncWeb -InFile, second call') {
                $arguments = "'$url'", "'$source'", "'$moduleManifest'" + @(if ($peer -like 'AsyncWeb*') { '-Second' })
                $m = Invoke-Measured -Command (@($pwshCommand) + '-NoProfile', '-NonInteractive', '-Command', "& { $uploadPeer } $arguments") -Label $peer
                if ($m.Json.received -ne $size) { $notes.Add("$($peer): the server read $($m.Json.received) bytes, expected $size") }
                Add-Figure $s $peer ($size / 1MB / $m.Json.seconds) 'MiB/s'
                Add-Figure $s "$peer, CPU" ($m.Json.cpuSeconds * 1000 / ($size / 1MB)) 'ms/MiB'
            }

            $m = Invoke-Child 'idle pwsh' @{ Mode = 'Import'; ModulePath = $moduleManifest }
            Add-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS' $m.RssMB 'MB'
        }
    }
    Rows   = {
        $s = $spec.Title
        $aw = Get-Figure $s 'AsyncWeb -InFile'
        New-Row $s 'AsyncWeb -InFile' $aw 'MiB/s'
        $curl = Get-Figure $s 'curl -T'
        New-Row $s 'curl -T' $curl 'MiB/s' ($aw / $curl)
        $iwr = Get-Figure $s 'Invoke-WebRequest -InFile'
        New-Row $s 'Invoke-WebRequest -InFile' $iwr 'MiB/s' ($aw / $iwr)
        $bare = Get-Figure $s 'bare HttpClient PUT'
        New-Row $s 'bare HttpClient PUT (fresh pwsh)' $bare 'MiB/s' ($aw / $bare)
        $second = Get-Figure $s 'AsyncWeb -InFile, second call'
        New-Row $s 'AsyncWeb -InFile, second call in one pwsh (info; ratio: over curl -T)' $second 'MiB/s' ($second / $curl)
        # CPU per MiB: the ratio column is the tool's over AsyncWeb's (above 1: AsyncWeb spends less).
        $awCpu = Get-Figure $s 'AsyncWeb -InFile, CPU'
        New-Row $s 'AsyncWeb -InFile, CPU' $awCpu 'ms/MiB'
        foreach ($tool in 'curl -T', 'Invoke-WebRequest -InFile', 'bare HttpClient PUT', 'AsyncWeb -InFile, second call') {
            New-Row $s "$tool, CPU (ratio: its over AsyncWeb's)" (Get-Figure $s "$tool, CPU") 'ms/MiB' ((Get-Figure $s "$tool, CPU") / $awCpu)
        }
        $idle = Get-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS'
        $awRss = Get-Figure $s 'AsyncWeb -InFile, peak RSS'
        New-Row $s 'idle pwsh with AsyncWeb imported, peak RSS' $idle 'MB'
        New-Row $s 'AsyncWeb -InFile, peak RSS (ratio column: above idle)' $awRss 'MB' ($awRss - $idle) "≤ idle + 64 MB ($(Format-Figure ($idle + 64)) MB)" ($awRss -le $idle + 64) ' MB'
        foreach ($tool in 'curl -T, peak RSS', 'Invoke-WebRequest -InFile, peak RSS') {
            New-Row $s $tool (Get-Figure $s $tool) 'MB'
        }
    }
}

# one 1 GiB file PUT from disk to the test server's /echo (which reads and hashes every byte): -InFile
# vs curl -T and Invoke-WebRequest -InFile; throughput and peak RSS
@{
    Title  = 'one large upload from disk'
    Needs  = 'TestServer', 'BigFile', 'curl'
    Counts = @{
        Full  = @{ BigBytes = 1GB }
        Quick = @{ BigBytes = 256MB }
    }
    Notes = { "- Scenario 13: $(Format-Figure ($counts.BigBytes / 1MB)) MiB of random bytes (bench/work/www/big.bin) PUT to the test server's /echo, which reads every byte and hashes it (SHA-256) before it answers; each tool checks the length the server read. AsyncWeb -InFile and Invoke-WebRequest -InFile stream the file; curl -T (which sends Expect: 100-continue) reads it as it goes." }
    Run    = {
        $s = $spec.Title
        $url = "$($testServer.Base)/echo"
        $size = $counts.BigBytes
        $source = Join-Path $www 'big.bin'
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($(Format-Figure ($size / 1MB)) MiB)" -ForegroundColor Cyan
            $m = Invoke-Child 'AsyncWeb -InFile' @{ Mode = 'Upload'; ModulePath = $moduleManifest; Uri = $url; InFile = $source }
            Confirm-Clean 'AsyncWeb -InFile (scenario 13)' $m 1
            if ($m.Json.bytes -ne $size -or $m.Json.received -ne $size) { $notes.Add("AsyncWeb -InFile sent $($m.Json.bytes) bytes and the server read $($m.Json.received), expected $size") }
            Add-Figure $s 'AsyncWeb -InFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'AsyncWeb -InFile, peak RSS' $m.RssMB 'MB'

            $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '-o', '/dev/null', '-w', '%{size_upload}', '-T', $source, $url -Label 'curl -T'
            if ([long]("$($m.Stdout)".Trim()) -ne $size) { $notes.Add("curl -T reported $("$($m.Stdout)".Trim()) bytes uploaded, expected $size") }
            Add-Figure $s 'curl -T' ($size / 1MB / $m.Wall) 'MiB/s'
            Add-Figure $s 'curl -T, peak RSS' $m.RssMB 'MB'

            $m = Invoke-Child 'Invoke-WebRequest -InFile' @{ Mode = 'WebRequestUpload'; Uri = $url; InFile = $source }
            Confirm-Clean 'Invoke-WebRequest -InFile (scenario 13)' $m 1
            if ($m.Json.received -ne $size) { $notes.Add("Invoke-WebRequest -InFile: the server read $($m.Json.received) bytes, expected $size") }
            Add-Figure $s 'Invoke-WebRequest -InFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'Invoke-WebRequest -InFile, peak RSS' $m.RssMB 'MB'

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
        $idle = Get-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS'
        $awRss = Get-Figure $s 'AsyncWeb -InFile, peak RSS'
        New-Row $s 'idle pwsh with AsyncWeb imported, peak RSS' $idle 'MB'
        New-Row $s 'AsyncWeb -InFile, peak RSS (ratio column: above idle)' $awRss 'MB' ($awRss - $idle) "≤ idle + 64 MB ($(Format-Figure ($idle + 64)) MB)" ($awRss -le $idle + 64) ' MB'
        foreach ($tool in 'curl -T, peak RSS', 'Invoke-WebRequest -InFile, peak RSS') {
            New-Row $s $tool (Get-Figure $s $tool) 'MB'
        }
    }
}

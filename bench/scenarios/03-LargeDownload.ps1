# one 1 GiB file to disk: throughput and peak RSS
@{
    Title  = 'one large download to disk'
    Needs  = 'Nginx', 'BigFile', 'curl', 'aiohttp'
    Counts = @{
        Full  = @{ BigBytes = 1GB }
        Quick = @{ BigBytes = 256MB }
    }
    CountsNote = { "scenario 3 $(Format-Figure ($counts.BigBytes / 1MB)) MiB" }
    Run    = {
        $s = $spec.Title
        $url = "$($nginx.Base)/big.bin"
        $size = $counts.BigBytes
        $target = Join-Path $downloads 'big.bin'
        New-Item -ItemType Directory -Force -Path $downloads | Out-Null
        Sync-Disk
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($(Format-Figure ($size / 1MB)) MiB)" -ForegroundColor Cyan
            $m = Invoke-Child 'AsyncWeb -OutFile' @{ Mode = 'Download'; ModulePath = $moduleManifest; Uri = $url; OutFile = $target }
            Confirm-Clean 'AsyncWeb -OutFile (scenario 3)' $m 1
            if ($m.Json.bytes -ne $size) { $notes.Add("AsyncWeb -OutFile wrote $($m.Json.bytes) bytes, expected $size") }
            Add-Figure $s 'AsyncWeb -OutFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'AsyncWeb -OutFile, peak RSS' $m.RssMB 'MB'
            Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
            Sync-Disk

            # Info: the same download hashed (-ComputeSha256), the price of a Sha256 in the result.
            $m = Invoke-Child 'AsyncWeb -OutFile -ComputeSha256' @{ Mode = 'Download'; ModulePath = $moduleManifest; Uri = $url; OutFile = $target; ComputeSha256 = $true }
            Confirm-Clean 'AsyncWeb -OutFile -ComputeSha256 (scenario 3)' $m 1
            if (-not $m.Json.PSObject.Properties['sha256']) { $notes.Add('AsyncWeb -OutFile -ComputeSha256 returned no Sha256') }
            Add-Figure $s 'AsyncWeb -OutFile -ComputeSha256' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
            Sync-Disk

            $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '-o', $target, $url -Label 'curl -o'
            if ((Get-Item -LiteralPath $target).Length -ne $size) { $notes.Add('curl -o wrote a file of the wrong size') }
            Add-Figure $s 'curl -o' ($size / 1MB / $m.Wall) 'MiB/s'
            Add-Figure $s 'curl -o, peak RSS' $m.RssMB 'MB'
            Remove-Item -LiteralPath $target -Force
            Sync-Disk

            $m = Invoke-Child 'Invoke-WebRequest -OutFile' @{ Mode = 'WebRequestFile'; Uri = $url; OutFile = $target }
            Confirm-Clean 'Invoke-WebRequest -OutFile (scenario 3)' $m 1
            Add-Figure $s 'Invoke-WebRequest -OutFile' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'Invoke-WebRequest -OutFile, peak RSS' $m.RssMB 'MB'
            Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
            Sync-Disk

            $m = Invoke-Measured -Command '/usr/bin/python3', $aiohttpPeer, 'download', $url, $target, (128 * 1024) -Label 'aiohttp download'
            Confirm-Clean 'aiohttp chunked (scenario 3)' $m 1
            Add-Figure $s 'aiohttp (128 KiB chunks)' ($size / 1MB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'aiohttp, peak RSS' $m.RssMB 'MB'
            Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
            Sync-Disk

            $m = Invoke-Child 'idle pwsh' @{ Mode = 'Import'; ModulePath = $moduleManifest }
            Add-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS' $m.RssMB 'MB'
        }
    }
    Rows   = {
        $s = $spec.Title
        $aw = Get-Figure $s 'AsyncWeb -OutFile'
        New-Row $s 'AsyncWeb -OutFile' $aw 'MiB/s'
        $curl = Get-Figure $s 'curl -o'
        New-Row $s 'curl -o' $curl 'MiB/s' ($aw / $curl) '≥ 0.9×' ($aw / $curl -ge 0.9)
        $iwr = Get-Figure $s 'Invoke-WebRequest -OutFile'
        New-Row $s 'Invoke-WebRequest -OutFile' $iwr 'MiB/s' ($aw / $iwr) '≥ 1.0×' ($aw / $iwr -ge 1.0)
        $value = Get-Figure $s 'aiohttp (128 KiB chunks)'
        New-Row $s 'aiohttp (128 KiB chunks)' $value 'MiB/s' ($aw / $value)
        $hashed = Get-Figure $s 'AsyncWeb -OutFile -ComputeSha256'
        New-Row $s 'AsyncWeb -OutFile -ComputeSha256 (info; ratio: over curl -o)' $hashed 'MiB/s' ($hashed / $curl)

        $idle = Get-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS'
        $awRss = Get-Figure $s 'AsyncWeb -OutFile, peak RSS'
        New-Row $s 'idle pwsh with AsyncWeb imported, peak RSS' $idle 'MB'
        New-Row $s 'AsyncWeb -OutFile, peak RSS (ratio column: above idle)' $awRss 'MB' ($awRss - $idle) "≤ idle + 64 MB ($(Format-Figure ($idle + 64)) MB)" ($awRss -le $idle + 64) ' MB'
        foreach ($tool in 'curl -o, peak RSS', 'Invoke-WebRequest -OutFile, peak RSS', 'aiohttp, peak RSS') {
            New-Row $s $tool (Get-Figure $s $tool) 'MB'
        }
    }
}

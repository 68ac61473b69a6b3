# 1,000 x 1 MiB files into a directory
@{
    Title  = '1,000 x 1 MiB into a directory'
    Needs  = 'Nginx', 'Files', 'curl', 'aiohttp'
    Counts = @{
        Full  = @{ Files = 1000 }
        Quick = @{ Files = 200 }
    }
    CountsNote = { "scenario 4 $($counts.Files) files" }
    Run    = {
        $s = $spec.Title
        $n = $counts.Files
        $names = 0..($n - 1) | ForEach-Object { 'f{0:d4}.bin' -f $_ }
        $urls = [string[]]($names | ForEach-Object { "$($nginx.Base)/files/$_" })
        $list = Join-Path $work 'files.txt'
        [System.IO.File]::WriteAllLines($list, $urls)
        $target = Join-Path $downloads 'many'
        $cfg = Join-Path $work 'curl-files.cfg'
        Write-CurlConfig $cfg $urls ([string[]]($names | ForEach-Object { Join-Path $target $_ }))
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($n files, concurrency $ThrottleLimit)" -ForegroundColor Cyan
            Reset-Directory $target
            $m = Invoke-Child 'AsyncWeb -OutDirectory' @{ Mode = 'Directory'; ModulePath = $moduleManifest; ListFile = $list; OutDirectory = $target; ThrottleLimit = $ThrottleLimit }
            Confirm-Clean 'AsyncWeb -OutDirectory (scenario 4)' $m $n
            Add-Figure $s 'AsyncWeb -OutDirectory' ($n / $m.Json.seconds) 'files/s'

            Reset-Directory $target
            $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $cfg -Label 'curl --parallel (files)'
            $written = @(Get-ChildItem -LiteralPath $target -File).Count
            if ($written -ne $n) { $notes.Add("curl --parallel wrote $written of $n files") }
            Add-Figure $s 'curl --parallel' ($n / $m.Wall) 'files/s'

            Reset-Directory $target
            $m = Invoke-Measured -Command '/usr/bin/python3', $aiohttpPeer, 'download-many', $list, $target, $ThrottleLimit -Label 'aiohttp (files)'
            Confirm-Clean 'aiohttp (scenario 4)' $m $n
            Add-Figure $s 'aiohttp' ($n / $m.Json.seconds) 'files/s'
        }
        Reset-Directory $target
    }
    Rows   = {
        $s = $spec.Title
        $aw = Get-Figure $s 'AsyncWeb -OutDirectory'
        New-Row $s 'AsyncWeb -OutDirectory' $aw 'files/s'
        $curl = Get-Figure $s 'curl --parallel'
        New-Row $s 'curl --parallel' $curl 'files/s' ($aw / $curl) '≥ 1.0×' ($aw / $curl -ge 1.0)
        $value = Get-Figure $s 'aiohttp'
        New-Row $s 'aiohttp' $value 'files/s' ($aw / $value)
    }
}

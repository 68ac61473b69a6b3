# 1,000 files of 64 KiB from the test server's /files/: -OutDirectory -IfChanged, a first run and a
# second run with nothing changed (time, 304s, body bytes the server sent), and curl --parallel fetching
# them all again
@{
    Title  = 'mirror, fetching only what changed'
    Needs  = 'TestServer', 'curl'
    Counts = @{
        Full  = @{ MirrorFiles = 1000 }
        Quick = @{ MirrorFiles = 200 }
    }
    Notes = { "- Scenario 12: $($counts.MirrorFiles) files of 64 KiB from the test server's /files/ (ETag and Last-Modified; 304 to If-None-Match), -OutDirectory -IfChanged twice in one fresh pwsh; the body bytes are the server's /stats bytesSent during the second run. curl has no per-file validator store in a --parallel config, so it fetches everything again." }
    Run    = {
        # Issue 13: a mirror re-run where nothing changed costs a 304 per file and no body.
        $s = $spec.Title
        $n = $counts.MirrorFiles
        $names = 0..($n - 1) | ForEach-Object { 'm{0:d4}.bin' -f $_ }
        $urls = [string[]]($names | ForEach-Object { "$($testServer.Base)/files/$($_)?size=65536" })
        $list = Join-Path $work 'mirror.txt'
        [System.IO.File]::WriteAllLines($list, $urls)
        $target = Join-Path $downloads 'mirror'
        $cfg = Join-Path $work 'curl-mirror.cfg'
        Write-CurlConfig $cfg $urls ([string[]]($names | ForEach-Object { Join-Path $target $_ }))
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($n files of 64 KiB, concurrency $ThrottleLimit)" -ForegroundColor Cyan
            Reset-Directory $target
            $m = Invoke-Child 'AsyncWeb -IfChanged' @{ Mode = 'Mirror'; ModulePath = $moduleManifest; ListFile = $list; OutDirectory = $target; ThrottleLimit = $ThrottleLimit; StatsUri = "$($testServer.Base)/stats" }
            Confirm-Clean 'AsyncWeb -IfChanged (scenario 12)' $m $n
            if ($m.Json.skipped -ne $n -or $m.Json.warmErrors -gt 0) { $notes.Add("AsyncWeb -IfChanged (scenario 12): the second run skipped $($m.Json.skipped) of $n files ($($m.Json.warmErrors) errors)") }
            Add-Figure $s 'AsyncWeb -IfChanged, first run' $m.Json.seconds 's'
            Add-Figure $s 'AsyncWeb -IfChanged, second run (nothing changed)' $m.Json.warmSeconds 's'
            Add-Figure $s 'second run: body bytes sent by the server (info)' $m.Json.warmBodyBytes 'B'

            $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $cfg -Label 'curl --parallel (mirror)'
            Add-Figure $s 'curl --parallel (fetches every file again)' $m.Wall 's'
        }
        Reset-Directory $target
    }
    Rows   = {
        $s = $spec.Title
        $first = Get-Figure $s 'AsyncWeb -IfChanged, first run'
        $second = Get-Figure $s 'AsyncWeb -IfChanged, second run (nothing changed)'
        $bytes = Get-Figure $s 'second run: body bytes sent by the server (info)'
        New-Row $s 'AsyncWeb -IfChanged, first run' $first 's'
        New-Row $s "AsyncWeb -IfChanged, second run (body bytes: $(Format-Figure $bytes))" $second 's' ($first / $second) 'no body bytes' ($bytes -eq 0) '× faster than the first'
        $curl = Get-Figure $s 'curl --parallel (fetches every file again)'
        New-Row $s 'curl --parallel (fetches every file again)' $curl 's' ($curl / $second) '' $null '× the second run''s time'
    }
}

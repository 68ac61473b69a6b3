# 100,000 results of a real batch (GETs of nginx's /tiny) written as a HAR file (Export-AsyncWebHar) and as the HTML
# report (Export-AsyncWebReport): time, allocations and memory of each; how long headless Chromium takes to open the
# report; the PowerShell alternative, ConvertTo-Json -Depth 5 of the same results, on fewer (it is ~100× slower).
@{
    Title  = 'exporting results: HAR and HTML report'
    Needs  = 'Nginx'
    Counts = @{
        Full  = @{ Results = 100000; JsonResults = 2000 }
        Quick = @{ Results = 20000; JsonResults = 500 }
    }
    Notes = { "- Scenario 17: $(Format-Figure $counts.Results) results of GETs of nginx's /tiny held in one pwsh, then written by Export-AsyncWebHar, by Export-AsyncWebReport, and (on $(Format-Figure $counts.JsonResults) of them, as it is far slower) by ConvertTo-Json -Depth 5 | Set-Content; the time is the export alone, 'added' is the peak resident memory (VmHWM) above what the held results took. Chromium: headless --dump-dom of the report (until load), and of an empty page for its own start-up." }
    Run    = {
        $s = $spec.Title
        $url = "$($nginx.Base)/tiny"
        $exportDir = Join-Path $work 'export'
        New-Item -ItemType Directory -Force -Path $exportDir | Out-Null
        Import-Module (Join-Path (Split-Path -Parent $child) '../tests/TestChromium.psm1') -Force
        if (-not $NoInstall) { Install-TestChromium }
        $noBrowser = Get-ChromiumUnavailableReason
        if ($noBrowser) { $notes.Add("scenario 17: Chromium not measured: $noBrowser") }
        $blank = Join-Path $exportDir 'blank.html'
        Set-Content -LiteralPath $blank -Value '<!DOCTYPE html><html><body></body></html>'
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($(Format-Figure $counts.Results) results)" -ForegroundColor Cyan
            foreach ($format in 'Har', 'Report', 'Json') {
                $n = if ($format -eq 'Json') { $counts.JsonResults } else { $counts.Results }
                $out = Join-Path $exportDir "results.$($format.ToLowerInvariant())"
                $m = Invoke-Child "export $format" @{ Mode = 'Export'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit; Format = $format; OutFile = $out } -TimeoutSec 900
                Confirm-Clean "export $format (scenario 17)" $m $n
                $tool = @{ Har = 'Export-AsyncWebHar'; Report = 'Export-AsyncWebReport'; Json = 'ConvertTo-Json -Depth 5' }[$format]
                Add-Figure $s "$tool, time" $m.Json.seconds 's'
                Add-Figure $s "$tool, time per 1,000 results" ($m.Json.seconds * 1000 / $n) 's'
                Add-Figure $s "$tool, CPU time per 1,000 results" ($m.Json.cpuSeconds * 1000 / $n) 's'
                Add-Figure $s "$tool, allocated per result" ($m.Json.allocatedMB * 1MB / $n) 'bytes'
                Add-Figure $s "$tool, peak RSS added" ($m.Json.peakRssMB - $m.Json.heldRssMB) 'MB'
                Add-Figure $s "$tool, peak RSS of the process" $m.Json.peakRssMB 'MB'
                Add-Figure $s "$tool, file size" ($m.Json.bytes / 1MB) 'MiB'
            }

            if (-not $noBrowser) {
                foreach ($page in @(@{ Name = 'report'; Path = (Join-Path $exportDir 'results.report') }, @{ Name = 'empty page'; Path = $blank })) {
                    $html = [IO.Path]::ChangeExtension($page.Path, '.html')
                    if ($html -ne $page.Path) { Copy-Item -LiteralPath $page.Path -Destination $html -Force }
                    $watch = [Diagnostics.Stopwatch]::StartNew()
                    $dom = Invoke-HeadlessChromium -Path $html -Switch '--dump-dom' -TimeoutSec 120
                    Add-Figure $s "Chromium opens the $($page.Name)" $watch.Elapsed.TotalSeconds 's'
                    if ($page.Name -eq 'report' -and $dom -notmatch 'requests shown') { $notes.Add('scenario 17: Chromium''s DOM of the report lacks the waterfall') }
                }
            }
        }
    }
    Rows   = {
        $s = $spec.Title
        $n = Format-Figure $counts.Results
        $har = Get-Figure $s 'Export-AsyncWebHar, time'
        $report = Get-Figure $s 'Export-AsyncWebReport, time'
        New-Row $s "Export-AsyncWebHar, $n results" $har 's' ([double]::NaN) '≤ 10 s' ($har -le 10)
        New-Row $s "Export-AsyncWebReport, $n results" $report 's' ([double]::NaN) '≤ 10 s' ($report -le 10)
        foreach ($tool in 'Export-AsyncWebHar', 'Export-AsyncWebReport') {
            $added = Get-Figure $s "$tool, peak RSS added"
            New-Row $s "$tool, peak RSS added (above the held results)" $added 'MB' ([double]::NaN) '≤ 300 MB' ($added -le 300)
            New-Row $s "$tool, peak RSS of the process (info)" (Get-Figure $s "$tool, peak RSS of the process") 'MB'
            New-Row $s "$tool, allocated per result (info)" (Get-Figure $s "$tool, allocated per result") 'bytes'
            New-Row $s "$tool, CPU time per 1,000 results (info)" (Get-Figure $s "$tool, CPU time per 1,000 results") 's'
            New-Row $s "$tool, file size (info)" (Get-Figure $s "$tool, file size") 'MiB'
        }
        $perHar = Get-Figure $s 'Export-AsyncWebHar, time per 1,000 results'
        $perJson = Get-Figure $s 'ConvertTo-Json -Depth 5, time per 1,000 results'
        New-Row $s 'Export-AsyncWebHar, per 1,000 results' $perHar 's'
        New-Row $s "ConvertTo-Json -Depth 5, per 1,000 results ($(Format-Figure $counts.JsonResults) results; ratio: how many times slower)" $perJson 's' ($perJson / $perHar)
        if (-not [double]::IsNaN((Get-Figure $s 'Chromium opens the report'))) {
            $open = Get-Figure $s 'Chromium opens the report'
            New-Row $s "Chromium (headless) opens the $n-result report" $open 's' ([double]::NaN) '≤ 3 s' ($open -le 3)
            New-Row $s 'Chromium (headless) opens an empty page (its start-up, info)' (Get-Figure $s 'Chromium opens the empty page') 's'
        }
    }
}

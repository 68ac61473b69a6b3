BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestChromium.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:outDir = Join-Path $PSScriptRoot '../out'

    # Secrets the batch carries in every place one can hide: a header, a query value, a cookie, user-info.
    $script:secrets = 'T0KEN-IN-HEADER', 'APIKEY-SECRET-1', 'T0KEN-IN-QUERY', 'C00KIE-SECRET', 'S1GNATURE-1', 'PASSW0RD-1'
    $script:items = @(
        "$base/json"
        @{ Uri = "$base/echo?token=T0KEN-IN-QUERY"; Headers = @{ Authorization = 'Bearer T0KEN-IN-HEADER'; 'X-Api-Key' = 'APIKEY-SECRET-1'; Accept = 'application/json' } }
        "$base/cookies/set?token=C00KIE-SECRET"
        "$base/status/404?sig=S1GNATURE-1&page=2"
        "$base/status/500?q=<script>alert(1)</script>"
        "http://127.0.0.1:$(Get-ClosedPort)/refused"
        "$base/bytes/1000"
        "$base/delay/150"
        "$base/pages/link?count=3"
    )
    $script:live = @($items | Invoke-AsyncWebBatch -FailuresAsResults -Ordered -FollowRelLink -Headers @{ 'X-Trace' = 'plain' })

    # The HAR 1.2 structure (http://www.softwareishard.com/blog/har-12-spec/): every required field and its type.
    function script:Test-HarStructure([string] $Path) {
        $problems = [Collections.Generic.List[string]]::new()
        $har = Get-Content -Raw -LiteralPath $Path | ConvertFrom-Json -AsHashtable -Depth 20 -DateKind String
        function Need($object, [string] $name, [string] $kind, [string] $where) {
            if ($object -isnot [Collections.IDictionary] -or -not $object.Contains($name)) { $problems.Add("$where.$name is missing"); return $null }
            $value = $object[$name]
            $ok = switch ($kind) {
                'string' { $value -is [string] }
                'number' { $value -is [long] -or $value -is [int] -or $value -is [double] -or $value -is [decimal] }
                'object' { $value -is [Collections.IDictionary] }
                'array' { $value -is [array] -or $value -is [Collections.IList] }
            }
            if (-not $ok) { $problems.Add("$where.$name is not a $kind") }
            return $value
        }
        function NameValues($list, [string] $where) {
            $i = 0
            foreach ($pair in $list) { Need $pair 'name' 'string' "$where[$i]" | Out-Null; Need $pair 'value' 'string' "$where[$i]" | Out-Null; $i++ }
        }

        $log = Need $har 'log' 'object' 'har'
        if ((Need $log 'version' 'string' 'log') -ne '1.2') { $problems.Add('log.version is not 1.2') }
        $creator = Need $log 'creator' 'object' 'log'
        Need $creator 'name' 'string' 'log.creator' | Out-Null
        Need $creator 'version' 'string' 'log.creator' | Out-Null
        $entries = Need $log 'entries' 'array' 'log'
        $n = 0
        foreach ($entry in $entries) {
            $at = "entries[$n]"
            $started = Need $entry 'startedDateTime' 'string' $at
            if ($started -notmatch '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$') { $problems.Add("$at.startedDateTime '$started' is not ISO 8601") }
            $time = Need $entry 'time' 'number' $at
            foreach ($part in 'request', 'response') {
                $message = Need $entry $part 'object' $at
                Need $message 'httpVersion' 'string' "$at.$part" | Out-Null
                NameValues (Need $message 'cookies' 'array' "$at.$part") "$at.$part.cookies"
                NameValues (Need $message 'headers' 'array' "$at.$part") "$at.$part.headers"
                Need $message 'headersSize' 'number' "$at.$part" | Out-Null
                Need $message 'bodySize' 'number' "$at.$part" | Out-Null
            }
            Need $entry.request 'method' 'string' "$at.request" | Out-Null
            $url = Need $entry.request 'url' 'string' "$at.request"
            if (-not [Uri]::IsWellFormedUriString(($url -replace '\*\*\*', 'x' -replace '[<>]', ''), 'Absolute') -and $url -notmatch '^https?://') { $problems.Add("$at.request.url '$url' is not absolute") }
            NameValues (Need $entry.request 'queryString' 'array' "$at.request") "$at.request.queryString"
            Need $entry.response 'status' 'number' "$at.response" | Out-Null
            Need $entry.response 'statusText' 'string' "$at.response" | Out-Null
            Need $entry.response 'redirectURL' 'string' "$at.response" | Out-Null
            $content = Need $entry.response 'content' 'object' "$at.response"
            Need $content 'size' 'number' "$at.response.content" | Out-Null
            Need $content 'mimeType' 'string' "$at.response.content" | Out-Null
            Need $entry 'cache' 'object' $at | Out-Null
            $timings = Need $entry 'timings' 'object' $at
            foreach ($name in 'send', 'wait', 'receive') {
                if ((Need $timings $name 'number' "$at.timings") -lt 0) { $problems.Add("$at.timings.$name is negative") }
            }
            foreach ($name in 'blocked', 'dns', 'connect', 'ssl') {
                if ($timings.Contains($name) -and $timings[$name] -lt 0 -and $timings[$name] -ne -1) { $problems.Add("$at.timings.$name is below -1") }
            }
            $sum = 0.0
            foreach ($name in 'blocked', 'dns', 'connect', 'send', 'wait', 'receive') { if ($timings.Contains($name) -and $timings[$name] -gt 0) { $sum += $timings[$name] } }
            if ([math]::Abs($sum - $time) -gt 0.01) { $problems.Add("$at.time $time is not the sum of its timings ($sum)") }
            $n++
        }

        return , $problems.ToArray()
    }

    function script:Read-Har([string] $Path) { (Get-Content -Raw -LiteralPath $Path | ConvertFrom-Json -Depth 20 -DateKind String).log }
}

Describe 'Export-AsyncWebHar' {
    Context 'A batch as a HAR 1.2 file' {
        BeforeAll {
            $script:harPath = Join-Path $TestDrive 'batch.har'
            $live | Export-AsyncWebHar -Path $harPath -IncludeContent
            $script:har = Read-Har $harPath
        }

        It 'writes a file with every field HAR 1.2 requires, of its type, and each entry''s time the sum of its timings' {
            Test-HarStructure $harPath | Should -BeNullOrEmpty
            $har.creator.name | Should -Be 'AsyncWeb'
        }

        It 'has one entry per request: each page its own, retries in _attempts' {
            $har.entries | Should -HaveCount $live.Count
            $pages = @($har.entries | Where-Object { $_.request.url -like '*/pages/link*' })
            $pages | Should -HaveCount 3
            ($pages._pageIndex | Sort-Object) | Should -Be 0, 1, 2
            $har.entries._attempts | ForEach-Object { $_ | Should -BeGreaterOrEqual 1 }
        }

        It 'maps each result''s status, HTTP version and phase timings' {
            foreach ($result in $live) {
                $entry = $har.entries | Where-Object { $_._index -eq $result.Index -and $_._pageIndex -eq $result.PageIndex }
                $entry.response.status | Should -Be $result.StatusCode
                if ($result.StatusCode -gt 0) {
                    $entry.response.httpVersion | Should -Be "HTTP/$($result.ProtocolVersion)"
                    $entry.timings.wait | Should -Be $result.TimeToFirstByteMs
                    $entry.timings.receive | Should -Be $result.TransferMs
                }
                $entry.timings.blocked | Should -Be $result.QueueWaitMs
                if ($null -ne $result.ConnectMs) { $entry.timings.connect | Should -Be ($result.ConnectMs + [math]::Max(0, [double]$result.TlsHandshakeMs)) }
            }
        }

        It 'writes a request that got no response with status 0 and its ErrorId in _error' {
            $refused = $har.entries | Where-Object { $_.request.url -like '*/refused' }
            $refused.response.status | Should -Be 0
            $refused._error | Should -Be 'ConnectionRefused'
            $refused.timings.wait | Should -BeGreaterOrEqual 0
        }

        It 'writes text bodies with -IncludeContent, never binary ones, and the request headers the item carried' {
            ($har.entries | Where-Object { $_.request.url -like '*/json' }).response.content.text | Should -Match '"'
            $bytes = $har.entries | Where-Object { $_.request.url -like '*/bytes/1000' }
            $bytes.response.content.PSObject.Properties.Name | Should -Not -Contain 'text'
            $bytes.response.content.size | Should -Be 1000
            $echo = $har.entries | Where-Object { $_.request.url -like '*/echo*' }
            ($echo.request.headers | Where-Object name -EQ 'Accept').value | Should -Be 'application/json'
            ($echo.request.headers | Where-Object name -EQ 'Authorization').value | Should -Be '***'
        }

        It 'leaves no secret anywhere in the file: headers, cookies, URLs, query strings, bodies, messages' {
            $text = Get-Content -Raw -LiteralPath $harPath
            foreach ($secret in $secrets) { $text | Should -Not -Match ([regex]::Escape($secret)) -Because "$secret is a secret" }
            $echo = $har.entries | Where-Object { $_.request.url -like '*/echo*' }
            $echo.request.url | Should -BeLike '*token=`*`*`*'
            ($echo.request.queryString | Where-Object name -EQ 'token').value | Should -Be '***'
            $cookie = $har.entries | Where-Object { $_.request.url -like '*/cookies/set*' }
            $cookie.response.cookies.name | Should -Contain 'token'
            $cookie.response.cookies.value | Should -Be '***'
        }

        It 'leaves bodies out without -IncludeContent' {
            $path = Join-Path $TestDrive 'nobody.har'
            $live | Export-AsyncWebHar -Path $path
            (Read-Har $path).entries.response.content | Where-Object { $_.PSObject.Properties.Name -contains 'text' } | Should -BeNullOrEmpty
        }
    }

    Context 'Results in other shapes' {
        It 'writes the same entries from results deserialized by Import-Clixml' {
            $clixml = Join-Path $TestDrive 'results.xml'
            $live | Export-Clixml -LiteralPath $clixml
            $fromLive = Join-Path $TestDrive 'live.har'
            $fromFile = Join-Path $TestDrive 'imported.har'
            $live | Export-AsyncWebHar $fromLive -IncludeContent
            Import-Clixml -LiteralPath $clixml | Export-AsyncWebHar $fromFile -IncludeContent
            Test-HarStructure $fromFile | Should -BeNullOrEmpty
            (Read-Har $fromFile).entries | ConvertTo-Json -Depth 10 | Should -BeExactly ((Read-Har $fromLive).entries | ConvertTo-Json -Depth 10)
        }

        It 'counts results that came from the journal and were not sent, without an entry for them' {
            $journal = Join-Path $TestDrive 'run.journal'
            $null = "$base/json?j=1", "$base/json?j=2" | Invoke-AsyncWebBatch -JournalPath $journal
            $again = @("$base/json?j=1", "$base/json?j=2", "$base/json?j=3" | Invoke-AsyncWebBatch -JournalPath $journal)
            ($again | Where-Object FromJournal) | Should -HaveCount 2
            $path = Join-Path $TestDrive 'journal.har'
            $again | Export-AsyncWebHar $path
            $log = Read-Har $path
            $log.entries | Should -HaveCount 1
            $log.comment | Should -Match '^2 result\(s\) not sent'
        }

        It 'takes error records (2>&1) as the failed results they carry, and reports anything else as NotAWebBatchResult' {
            $path = Join-Path $TestDrive 'errors.har'
            $records = @("$base/status/503" | Invoke-AsyncWebBatch -ErrorAction Continue 2>&1)
            $records[0] | Should -BeOfType [Management.Automation.ErrorRecord]
            @($records) + [pscustomobject]@{ Name = 'not a result' } | Export-AsyncWebHar $path -ErrorVariable bad -ErrorAction SilentlyContinue
            $bad.FullyQualifiedErrorId | Should -Be 'NotAWebBatchResult,AsyncWeb.Commands.ExportAsyncWebHarCommand'
            (Read-Har $path).entries.response.status | Should -Be 503
        }
    }

    Context 'The file' {
        It 'keeps an existing file with -NoClobber (FileExists) and leaves no partial file when the export stops' {
            $path = Join-Path $TestDrive 'kept.har'
            Set-Content -LiteralPath $path -Value 'before'
            { $live | Export-AsyncWebHar $path -NoClobber -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,AsyncWeb.Commands.ExportAsyncWebHarCommand'
            Get-Content -LiteralPath $path | Should -Be 'before'
            { $live | ForEach-Object { $_; throw 'stopped' } | Export-AsyncWebHar $path } | Should -Throw 'stopped'
            Get-Content -LiteralPath $path | Should -Be 'before'
            Get-ChildItem -LiteralPath $TestDrive -Filter '*.asyncweb-tmp' | Should -BeNullOrEmpty
        }
    }
}

Describe 'Export-AsyncWebReport' {
    BeforeAll {
        $script:reportPath = Join-Path $TestDrive 'report.html'
        $live | Export-AsyncWebReport -Path $reportPath -Title 'Batch <b>review</b>'
        $script:html = Get-Content -Raw -LiteralPath $reportPath
        $script:summary = $live | Measure-AsyncWebBatch
    }

    It 'is one self-contained page: no script, nothing loaded from anywhere' {
        $html | Should -Not -Match '<script'
        $html | Should -Not -Match '<(link|img|iframe|object|embed)\b'
        $html | Should -Not -Match '\b(src|href)\s*='
        $html | Should -Not -Match '@import|url\('
        $html | Should -Match '<svg id="histogram"'
        $html | Should -Match '<svg id="waterfall"'
    }

    It 'escapes every value: a hostile URI and title become text, not markup' {
        $html | Should -Match '&lt;script&gt;alert\(1\)&lt;/script&gt;'
        $html | Should -Match 'Batch &lt;b&gt;review&lt;/b&gt;'
    }

    It 'shows each host''s requests, failures, percentiles and last per-host limit' {
        $path = Join-Path $TestDrive 'limits.html'
        1..6 | ForEach-Object { "$base/json?limit=$_" } | Invoke-AsyncWebBatch -ThrottleLimitPerHost 2 | Export-AsyncWebReport $path
        $page = Get-Content -Raw -LiteralPath $path
        $page | Should -Match ('<tr><td class="t">{0}</td><td>6</td><td>0</td>(<td>[^<]*</td>){{5}}<td>2</td></tr>' -f [regex]::Escape(([uri]$base).Authority))
        $page | Should -Match '6 of 6 requests shown'
    }

    It 'leaves no secret on the page' {
        foreach ($secret in $secrets) { $html | Should -Not -Match ([regex]::Escape($secret)) -Because "$secret is a secret" }
    }

    Context 'Rendered in headless Chromium' -Tag 'Browser' {
        BeforeAll {
            $script:noBrowser = Get-ChromiumUnavailableReason
            if (-not $noBrowser) { $script:dom = Invoke-HeadlessChromium -Path $reportPath -Switch '--dump-dom' -TimeoutSec 90 }
        }

        It 'shows the summary''s figures, the host rows, the ErrorId rows and the SVG pictures' {
            if ($noBrowser) { Set-ItResult -Skipped -Because $noBrowser; return }
            $dom | Should -Match ('data-name="Count"><b>{0}</b>' -f $summary.Count)
            $dom | Should -Match ('data-name="Failed"><b>{0}</b>' -f $summary.Failed)
            $dom | Should -Match ('data-name="P99Ms"><b>{0}</b>' -f $summary.P99Ms.ToString('N1', [cultureinfo]::InvariantCulture))
            $dom | Should -Match ('<td class="t">{0}</td>' -f [regex]::Escape(([uri]$base).Authority))
            foreach ($errorId in $summary.FailuresByErrorId.Keys) { $dom | Should -Match ('<td class="t">{0}</td>' -f $errorId) }
            ([regex]::Matches($dom, '<rect class="bar"')).Count | Should -BeGreaterThan 0
            ([regex]::Matches($dom, '<g class="row">')).Count | Should -Be ($live | Where-Object Attempts -GT 0).Count
            $dom | Should -Match ('{0} of {0} requests shown' -f ($live | Where-Object Attempts -GT 0).Count)
            $dom | Should -Not -Match '<script'
        }

        It 'takes a screenshot kept under out/' {
            if ($noBrowser) { Set-ItResult -Skipped -Because $noBrowser; return }
            $png = Join-Path $outDir 'export-report.png'
            Remove-Item -LiteralPath $png -ErrorAction SilentlyContinue
            $null = Invoke-HeadlessChromium -Path $reportPath -Switch "--screenshot=$png", '--window-size=1280,2000', '--hide-scrollbars' -TimeoutSec 90
            $bytes = [IO.File]::ReadAllBytes($png)
            $bytes.Length | Should -BeGreaterThan 10000
            [Text.Encoding]::ASCII.GetString($bytes, 1, 3) | Should -Be 'PNG'
        }
    }
}

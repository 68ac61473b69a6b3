# -Stream: responses that never end, as pipeline objects while they are open.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).Path

    function New-Key { [guid]::NewGuid().ToString('n') }
    function Get-OpenStreams([string]$Key) { Invoke-RestMethod "$base/stream/open/$Key" }
    function Split-Output([object[]]$Output) {
        @{
            Items   = @($Output | Where-Object { $_ -is [AsyncWeb.WebBatchStreamItem] })
            Results = @($Output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] })
        }
    }
}

Describe 'Streaming responses (-Stream)' {
    Context 'Server-sent events' {
        It 'emits each event as it is dispatched: names, ids, multi-line data, comments, retry, CR, LF and CRLF' {
            $out = Split-Output (Invoke-AsyncWebBatch "$base/sse/basic" -Stream)
            $items = $out.Items
            $items.Data | Should -Be @('first', "line one`nline two", '{"n":3}', 'after CR', '', 'kept id')
            $items.Event | Should -Be @('message', 'update', 'message', 'update', 'message', 'message')
            @($items | ForEach-Object { "$($_.Id)" }) | Should -Be @('', '7', '7', '7', '7', '9')
            $items.Sequence | Should -Be (1..6)
            $items[2].ContentObject.n | Should -Be 3
            $items[0].Format | Should -Be 'ServerSentEvents'
            $items.Index | Sort-Object -Unique | Should -Be 0

            # The stream's end is the item's usual result: status and headers, no body, the count.
            $out.Results.Count | Should -Be 1
            $result = $out.Results[0]
            $result.StatusCode | Should -Be 200
            $result.Success | Should -BeTrue
            $result.Content | Should -BeNullOrEmpty
            $result.StreamItemCount | Should -Be 6
            $result.TimeToFirstStreamItemMs | Should -Not -BeNullOrEmpty
            $result.Headers['Content-Type'] | Should -Be 'text/event-stream'
        }

        It 'reconnects a dropped stream with Last-Event-ID, waiting its retry, up to -MaximumRetryCount; a 204 ends it' {
            $key = New-Key
            $out = Split-Output (Invoke-AsyncWebBatch "$base/sse/resume/$key`?events=10&dropAfter=3" -Stream -MaximumRetryCount 2)
            $out.Items.ContentObject.n | Should -Be (1..10)
            $out.Items.Sequence | Should -Be (1..10)
            $out.Items[-1].Id | Should -Be '10'
            $out.Results[0].Success | Should -BeTrue
            $out.Results[0].StatusCode | Should -Be 204
            $out.Results[0].StreamItemCount | Should -Be 10
            # First connection without, then each reconnection after the last event it received; the last answers 204.
            (Invoke-RestMethod "$base/sse/resume/$key/log") -join ',' | Should -Be ',3,6,9,10'
        }

        It 'without -MaximumRetryCount a dropped stream is the item''s failure, after the events it brought' {
            $key = New-Key
            $out = Split-Output (Invoke-AsyncWebBatch "$base/sse/resume/$key`?events=10&dropAfter=3" -Stream -FailuresAsResults)
            $out.Items.ContentObject.n | Should -Be (1..3)
            $out.Results[0].Success | Should -BeFalse
            $out.Results[0].Error.ErrorId | Should -BeIn @('ConnectionReset', 'ResponseTruncated')
            $out.Results[0].StreamItemCount | Should -Be 3
            (Invoke-RestMethod "$base/sse/resume/$key/log") -join ',' | Should -Be '' -Because 'one request: without reconnections an event stream is not sent again'
        }

        It 'streams an LLM-style completion of a POST with a token, [DONE] included' {
            $token = ConvertTo-SecureString 'stream-secret' -AsPlainText -Force
            $output = Invoke-AsyncWebBatch "$base/sse/complete" -Method POST -Body @{ prompt = 'the quick brown fox' } -Token $token -AllowUnencryptedAuthentication -Stream
            $items = (Split-Output $output).Items
            $items[0].Event | Should -Be 'meta'
            $items[0].ContentObject.authorized | Should -BeTrue
            $items[0].ContentObject.method | Should -Be 'POST'
            ($items | Select-Object -Skip 1 -First 4).ContentObject.token -join ' ' | Should -Be 'the quick brown fox'
            $items[-1].Data | Should -Be '[DONE]'
            ($output | Out-String) + ($items | ForEach-Object ToString) | Should -Not -Match 'stream-secret'
        }

        It 'ends a stream whose event is larger than -MaximumStreamItemBytes with StreamItemTooLarge' {
            $out = Split-Output (Invoke-AsyncWebBatch "$base/sse/huge?bytes=5000" -Stream -MaximumStreamItemBytes 1000 -FailuresAsResults)
            $out.Items.Data | Should -Be @('small')
            $out.Results[0].Error.ErrorId | Should -Be 'StreamItemTooLarge'
            $out.Results[0].Error.Message | Should -Match '1,000 bytes'
            $out.Results[0].StreamItemCount | Should -Be 1

            { Invoke-AsyncWebBatch "$base/sse/huge?bytes=5000" -Stream -MaximumStreamItemBytes 1000 -ErrorAction Stop } |
                Should -Throw -ErrorId 'StreamItemTooLarge,*'
        }
    }

    Context 'Lines and JSON' {
        It 'cuts JSON lines written a byte at a time (every split point, UTF-8 included) into objects' {
            $items = (Split-Output (Invoke-AsyncWebBatch "$base/ndjson?count=30&flush=1" -Stream)).Items
            $items.Count | Should -Be 30
            $items.ContentObject.n | Should -Be (1..30)
            $items[29].ContentObject.s | Should -Be 'é-30'
            $items[0].Format | Should -Be 'JsonLines'
        }

        It 'takes the format from -StreamFormat, and per item from its StreamFormat key' {
            $lines = (Split-Output (Invoke-AsyncWebBatch "$base/ndjson?count=3&flush=7" -StreamFormat Lines)).Items
            $lines.Format | Sort-Object -Unique | Should -Be 'Lines'
            $lines[0].Data | Should -Be '{"n":1,"s":"é-1"}'

            $out = Split-Output (@{ Uri = "$base/ndjson?count=2"; StreamFormat = 'Lines' }, @{ Uri = "$base/ndjson?count=2"; Stream = $false } |
                Invoke-AsyncWebBatch -Ordered)
            $out.Items.Count | Should -Be 2
            $out.Results.Count | Should -Be 2
            $out.Results[1].Content | Should -Match '"n":2' -Because 'Stream = $false reads that item whole'
        }

        It 'emits the elements of a large top-level JSON array one by one, generated as it is written' {
            $out = Split-Output (Invoke-AsyncWebBatch "$base/stream/array?count=20000" -Stream)
            $out.Items.Count | Should -Be 20000
            $out.Items[0].Format | Should -Be 'Auto'
            $out.Items[19999].ContentObject.id | Should -Be 19999
            ($out.Items | Select-Object -First 3).ContentObject.name | Should -Be @('item 0', 'item 1', 'item 2')
            $out.Results[0].ContentLength | Should -BeGreaterThan 500000
            $out.Results[0].Content | Should -BeNullOrEmpty
        }

        It 'refuses a format it does not know: the parameter by PowerShell, an item with InvalidStreamFormat' {
            { Invoke-AsyncWebBatch "$base/ndjson" -StreamFormat Bogus } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
            $failed = @{ Uri = "$base/ndjson"; StreamFormat = 'Bogus' } | Invoke-AsyncWebBatch -FailuresAsResults
            $failed.Error.ErrorId | Should -Be 'InvalidStreamFormat'
            $failed.Error.Message | Should -Match 'JsonLines'
        }
    }

    Context 'Many streams, and the bounds' {
        It 'runs 500 streams at once, each item''s events in order' {
            $output = 1..500 | ForEach-Object { "$base/sse/ticks?count=4&intervalMs=20&n=$_" } |
                Invoke-AsyncWebBatch -Stream -ThrottleLimit 500
            $out = Split-Output $output
            $out.Results.Count | Should -Be 500
            @($out.Results | Where-Object { -not $_.Success }).Count | Should -Be 0
            $out.Items.Count | Should -Be 2000
            foreach ($group in $out.Items | Group-Object Index) {
                $group.Group.Sequence | Should -Be (1..4)
                $group.Group.Id | Should -Be @('1', '2', '3', '4')
            }
        }

        It 'holds the server back while the pipeline is slow: the bytes written stay bounded, not the whole body' {
            $key = New-Key
            # 200 MB offered; the stream queue is 1 MiB here, so only it and the sockets' buffers may be written.
            $seen = "$base/stream/flood/$key`?lines=200000&size=1000" | Invoke-AsyncWebBatch -Stream -MaximumBufferSize 1MB |
                ForEach-Object {
                    $last = -1
                    $stable = 0
                    $deadline = [DateTime]::UtcNow.AddSeconds(30)
                    while ($stable -lt 8 -and [DateTime]::UtcNow -lt $deadline) {
                        Start-Sleep -Milliseconds 100
                        $now = (Invoke-RestMethod "$base/stream/written/$key").written
                        $stable = if ($now -eq $last) { $stable + 1 } else { 0 }
                        $last = $now
                    }
                    $last
                } | Select-Object -First 1
            $seen | Should -BeGreaterThan 0
            $seen | Should -BeLessThan 64MB
        }

        It 'fails a stream that is silent longer than -OperationTimeoutSec, after what it sent' {
            $key = New-Key
            $out = Split-Output (Invoke-AsyncWebBatch "$base/stream/endless/$key`?intervalMs=5000" -Stream -OperationTimeoutSec 0.5 -FailuresAsResults)
            $out.Items.ContentObject.n | Should -Be 1
            $out.Results[0].Error.ErrorId | Should -Be 'OperationTimeout'
            Wait-Until { (Get-OpenStreams $key).open -eq 0 } -Because 'the silent stream was closed'
        }
    }

    Context 'Stopping' {
        It 'Select-Object -First ends every open stream, and the server sees each connection closed' {
            $key = New-Key
            $first = 1..3 | ForEach-Object { "$base/stream/endless/$key`?intervalMs=20&n=$_" } |
                Invoke-AsyncWebBatch -Stream -TotalTimeoutSec 30 |
                Where-Object { (Get-OpenStreams $key).open -eq 3 } |
                Select-Object -First 1
            $first | Should -BeOfType [AsyncWeb.WebBatchStreamItem]
            (Get-OpenStreams $key).opened | Should -Be 3
            Wait-Until { (Get-OpenStreams $key).open -eq 0 } -TimeoutSec 5 -Because 'nothing is left reading'
        }

        It 'stopping the pipeline (Ctrl+C) ends every open stream' {
            $key = New-Key
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$modulePath'").AddStatement().AddScript({
                        param($uris) $uris | Invoke-AsyncWebBatch -Stream | Out-Null
                    }).AddArgument(@(1..3 | ForEach-Object { "$base/stream/endless/$key`?intervalMs=20&n=$_" }))
                $handle = $ps.BeginInvoke()
                Wait-Until { (Get-OpenStreams $key).open -eq 3 } -Because 'the streams are open'
                $ps.Stop()
                $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(5)) | Should -BeTrue
                Wait-Until { (Get-OpenStreams $key).open -eq 0 } -TimeoutSec 5 -Because 'a stopped batch leaves nothing reading'
            }
            finally {
                $ps.Dispose()
            }
        }
    }

    Context 'Stopping a job' {
        It 'Stop-Job ends every open stream of an -AsJob batch' {
            $key = New-Key
            $job = 1..2 | ForEach-Object { "$base/stream/endless/$key`?intervalMs=20&n=$_" } | Invoke-AsyncWebBatch -Stream -AsJob
            try {
                # Open on the server is not yet an event in the job's output: wait for one, so the stop keeps something.
                Wait-Until { (Get-OpenStreams $key).open -eq 2 -and $job.Output.Count -gt 0 } -Because 'the job''s streams are open and have sent an event'
                $job | Stop-Job
                Wait-Until { (Get-OpenStreams $key).open -eq 0 } -TimeoutSec 5 -Because 'a stopped job leaves nothing reading'
                @($job | Receive-Job | Where-Object { $_ -is [AsyncWeb.WebBatchStreamItem] }).Count | Should -BeGreaterThan 0
            }
            finally {
                $job | Remove-Job -Force
            }
        }
    }

    Context 'Where -Stream meets the other features' {
        It '-Ordered keeps each item''s items in order and the results in input order' {
            $output = "$base/ndjson?count=5&flush=3&a", "$base/ndjson?count=3&flush=5&b" | Invoke-AsyncWebBatch -Stream -Ordered
            $out = Split-Output $output
            $out.Results.Index | Should -Be @(0, 1)
            ($out.Items | Where-Object Index -EQ 0).Sequence | Should -Be (1..5)
            ($out.Items | Where-Object Index -EQ 1).Sequence | Should -Be (1..3)
            foreach ($result in $out.Results) {
                # An item's result follows its last item.
                $lastItem = [array]::LastIndexOf($output, ($out.Items | Where-Object Index -EQ $result.Index)[-1])
                [array]::IndexOf($output, $result) | Should -BeGreaterThan $lastItem
            }
        }

        It 'refuses pages and files (ConflictingParameters), and an item that streams to a file' {
            { Invoke-AsyncWebBatch "$base/ndjson" -Stream -FollowRelLink } | Should -Throw -ErrorId 'ConflictingParameters,*'
            { Invoke-AsyncWebBatch "$base/ndjson" -StreamFormat Lines -OutFile (Join-Path $TestDrive 'x') } | Should -Throw -ErrorId 'ConflictingParameters,*'
            $failed = @{ Uri = "$base/ndjson"; Stream = $true; OutFile = (Join-Path $TestDrive 'y') } | Invoke-AsyncWebBatch -FailuresAsResults
            $failed.Error.ErrorId | Should -Be 'InvalidOutFile'
        }

        It 'counts each streamed item once in Measure-AsyncWebBatch and -SummaryVariable (its result, not its units)' {
            $summary = "$base/ndjson?count=4", "$base/sse/basic" | Invoke-AsyncWebBatch -Stream -SummaryVariable live -ErrorVariable errs | Measure-AsyncWebBatch
            $errs | Should -BeNullOrEmpty
            $summary.Count | Should -Be 2
            $summary.Succeeded | Should -Be 2
            $live.Count | Should -Be 2
        }

        It 'journals a stream that ended cleanly: a second run sends only the one that failed' {
            $journal = Join-Path $TestDrive 'stream.journal'
            $items = "$base/ndjson?count=3", "$base/sse/huge?bytes=5000"
            $first = Split-Output ($items | Invoke-AsyncWebBatch -Stream -MaximumStreamItemBytes 1000 -JournalPath $journal -FailuresAsResults)
            $first.Items.Count | Should -Be 4
            $second = Split-Output ($items | Invoke-AsyncWebBatch -Stream -MaximumStreamItemBytes 1000 -JournalPath $journal -FailuresAsResults)
            ($second.Results | Where-Object Index -EQ 0).FromJournal | Should -BeTrue
            $second.Items.Index | Sort-Object -Unique | Should -Be 1 -Because 'only the failed stream runs again'
        }

        It 'streams over HTTP/2, many streams on one connection' {
            if (Test-NetstandardBuild) {
                Set-ItResult -Skipped -Because 'the netstandard2.0 build refuses -HttpVersion 2.0 before sending (Invoke-AsyncWebBatch.Tests)'
                return
            }
            $out = Split-Output (1..20 | ForEach-Object { "$($server.H2c)/ndjson?count=5&flush=20&n=$_" } | Invoke-AsyncWebBatch -Stream -HttpVersion 2.0)
            $out.Items.Count | Should -Be 100
            $out.Results.ProtocolVersion | Sort-Object -Unique | Should -Be ([version]'2.0')
        }

        It 'streams over a Unix socket, as Docker''s /events is read' {
            if (Test-NetstandardBuild) {
                Set-ItResult -Skipped -Because 'the netstandard2.0 build refuses -UnixSocket'
                return
            }
            $socket = (Invoke-RestMethod "$base/listeners").unix
            $out = Split-Output ('/ndjson?count=5' | Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost -Stream)
            $out.Items.ContentObject.n | Should -Be (1..5)
        }

        It 'sends an item''s units through -AsJob too' {
            $job = "$base/ndjson?count=3" | Invoke-AsyncWebBatch -Stream -AsJob
            $received = $job | Wait-Job -Timeout 30 | Receive-Job
            $job | Remove-Job -Force
            $out = Split-Output $received
            $out.Items.Count | Should -Be 3
            $out.Results.Count | Should -Be 1
        }
    }
}

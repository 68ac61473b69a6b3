BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:pattern = '^00-(?<trace>[0-9a-f]{32})-(?<span>[0-9a-f]{16})-(?<flags>[0-9a-f]{2})$'

    function script:Split-TraceParent([string]$Value) {
        $Value | Should -Match $pattern
        $null = $Value -match $pattern
        [pscustomobject]@{ TraceId = $Matches.trace; SpanId = $Matches.span; Flags = $Matches.flags }
    }

    # Activities of every source, collected as they stop: what an OpenTelemetry SDK in the process would export.
    if (-not (Test-NetstandardBuild) -and -not ('AsyncWebTests.ActivityCollector' -as [type])) {
        Add-Type -TypeDefinition @'
using System.Collections.Concurrent;
using System.Diagnostics;
namespace AsyncWebTests {
    public sealed class ActivityCollector : System.IDisposable {
        private readonly ActivityListener _listener;
        public ConcurrentQueue<Activity> Stopped { get; } = new ConcurrentQueue<Activity>();
        public ActivityCollector() {
            _listener = new ActivityListener {
                ShouldListenTo = source => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> options) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity => Stopped.Enqueue(activity),
            };
            ActivitySource.AddActivityListener(_listener);
        }
        public void Dispose() { _listener.Dispose(); }
    }
}
'@
    }
}

Describe 'Tracing' {
    Context 'the traceparent header' {
        It 'sends one traceparent on every request: one trace for the batch, a span of its own for each request, as the result says' {
            $results = 1..5 | ForEach-Object { "$base/trace?n=$_" } | Invoke-AsyncWebBatch -ThrottleLimit 5
            $results.Count | Should -Be 5
            foreach ($r in $results) {
                $seen = @(($r.Content | ConvertFrom-Json).traceparent)
                $seen.Count | Should -Be 1
                $sent = Split-TraceParent $seen[0]
                $sent.TraceId | Should -Be $r.TraceId
                $sent.SpanId | Should -Be $r.SpanId
                $sent.Flags | Should -Be '01'
            }
            @($results.TraceId | Sort-Object -Unique).Count | Should -Be 1
            @($results.SpanId | Sort-Object -Unique).Count | Should -Be 5
            $results[0].TraceId | Should -Not -Match '^0+$'
        }

        It 'starts a new trace each batch' {
            $a = "$base/trace" | Invoke-AsyncWebBatch
            $b = "$base/trace" | Invoke-AsyncWebBatch
            $a.TraceId | Should -Not -Be $b.TraceId
        }

        It 'gives each retry attempt a new span in the same trace, and the result the last attempt''s' {
            $key = [guid]::NewGuid().ToString('N')
            $r = "$base/trace/flaky/$key/2" | Invoke-AsyncWebBatch -MaximumRetryCount 3 -RetryIntervalSec 0.01
            $r.Attempts | Should -Be 3
            $sent = @(($r.Content | ConvertFrom-Json).traceparent | ForEach-Object { Split-TraceParent $_ })
            $sent.Count | Should -Be 3
            @($sent.TraceId | Sort-Object -Unique) | Should -Be @($r.TraceId)
            @($sent.SpanId | Sort-Object -Unique).Count | Should -Be 3
            $r.SpanId | Should -Be $sent[2].SpanId
        }

        It 'keeps the span of an attempt that -TotalTimeoutSec ended on its result (<Case>)' -ForEach @(
            @{ Case = 'one attempt'; Retries = 0 }
            @{ Case = 'with retries'; Retries = 2 }
        ) {
            $given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
            $r = "$base/hang" | Invoke-AsyncWebBatch -TotalTimeoutSec 1 -MaximumRetryCount $Retries -TraceParent $given -FailuresAsResults
            $r.ErrorId | Should -Be 'TotalTimeout'
            $r.Attempts | Should -Be 1
            $r.TraceId | Should -Be '4bf92f3577b34da6a3ce929d0e0e4736'
            $r.SpanId | Should -Match '^[0-9a-f]{16}$'
            $r.SpanId | Should -Not -Be '00f067aa0ba902b7'
        }

        It 'joins the caller''s trace with -TraceParent, keeping its trace id and flags' {
            $given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'
            $results = "$base/trace?a", "$base/trace?b" | Invoke-AsyncWebBatch -TraceParent $given
            foreach ($r in $results) {
                $sent = Split-TraceParent @(($r.Content | ConvertFrom-Json).traceparent)[0]
                $sent.TraceId | Should -Be '4bf92f3577b34da6a3ce929d0e0e4736'
                $sent.Flags | Should -Be '00'
                $sent.SpanId | Should -Not -Be '00f067aa0ba902b7'
                $r.TraceId | Should -Be '4bf92f3577b34da6a3ce929d0e0e4736'
            }
        }

        It 'takes an empty -TraceParent (an unset $env:TRACEPARENT) as none given: the batch''s own trace' {
            foreach ($empty in @($null, '', ' ')) {
                $r = "$base/trace" | Invoke-AsyncWebBatch -TraceParent $empty
                $sent = Split-TraceParent @(($r.Content | ConvertFrom-Json).traceparent)[0]
                $sent.TraceId | Should -Be $r.TraceId
                $sent.Flags | Should -Be '01'
            }
        }

        It 'refuses a -TraceParent that is not one (<Value>), before anything is sent' -ForEach @(
            @{ Value = 'abc' }
            @{ Value = '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' }
            @{ Value = '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }
            @{ Value = 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }
        ) {
            $key = [guid]::NewGuid().ToString('N')
            $e = { "$base/trace/flaky/$key/0" | Invoke-AsyncWebBatch -TraceParent $Value } |
                Should -Throw -ErrorId 'InvalidTraceParent,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -PassThru
            $e.Exception.Message | Should -BeLike "*'$Value' is not a W3C traceparent*"
            # The key's first request (this one, had it been sent) would have been answered 200 with one entry.
            @((Invoke-RestMethod "$base/trace/flaky/$key/0" -NoProxy).traceparent).Count | Should -Be 1
        }

        It 'sends none with -NoTraceParent' {
            $r = "$base/trace" | Invoke-AsyncWebBatch -NoTraceParent
            @(($r.Content | ConvertFrom-Json).traceparent).Count | Should -Be 0
            $r.TraceId | Should -BeNullOrEmpty
            $r.SpanId | Should -BeNullOrEmpty
        }

        It 'refuses -TraceParent with -NoTraceParent' {
            { "$base/trace" | Invoke-AsyncWebBatch -NoTraceParent -TraceParent '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }

        It 'sends a traceparent the item''s headers give instead of its own, once' {
            $mine = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
            $results = @(
                @{ Uri = "$base/trace?item"; Headers = @{ TraceParent = $mine; tracestate = 'k=v' } }
                "$base/trace?batch"
            ) | Invoke-AsyncWebBatch -Ordered
            $item = $results[0].Content | ConvertFrom-Json
            @($item.traceparent) | Should -Be @($mine)
            @($item.tracestate) | Should -Be @('k=v')
            $results[0].TraceId | Should -Be '0af7651916cd43dd8448eb211c80319c'
            $results[0].SpanId | Should -Be 'b7ad6b7169203331'
            $results[1].TraceId | Should -Not -Be '0af7651916cd43dd8448eb211c80319c'
            $same = "$base/trace" | Invoke-AsyncWebBatch -Headers @{ traceparent = $mine }
            @(($same.Content | ConvertFrom-Json).traceparent) | Should -Be @($mine)
        }
    }

    Context 'activities for an OpenTelemetry listener' {
        BeforeEach {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell 5.1 has no System.Diagnostics.DiagnosticSource: the netstandard2.0 build sends the header and fills TraceId/SpanId, and starts no activities' }
        }

        It 'starts one Client activity per attempt with OpenTelemetry''s HTTP client attributes, children of the batch''s span' {
            $collector = [AsyncWebTests.ActivityCollector]::new()
            try {
                $key = [guid]::NewGuid().ToString('N')
                $results = "$base/trace?x=1", "$base/trace/flaky/$key/1", "$base/status/404" | Invoke-AsyncWebBatch -MaximumRetryCount 1 -RetryIntervalSec 0.01 -FailuresAsResults
            }
            finally { $collector.Dispose() }
            $mine = @($collector.Stopped | Where-Object { $_.Source.Name -eq 'AsyncWeb' })
            $batch = @($mine | Where-Object OperationName -EQ 'Invoke-AsyncWebBatch')
            $batch.Count | Should -Be 1
            $requests = @($mine | Where-Object Kind -EQ 'Client')
            $requests.Count | Should -Be 4
            foreach ($a in $requests) {
                $a.TraceId.ToHexString() | Should -Be $batch[0].TraceId.ToHexString()
                $a.ParentSpanId.ToHexString() | Should -Be $batch[0].SpanId.ToHexString()
                $a.OperationName | Should -Be 'GET'
                $a.GetTagItem('http.request.method') | Should -Be 'GET'
                $a.GetTagItem('server.address') | Should -Be ([uri]$base).Host
                $a.GetTagItem('server.port') | Should -Be ([uri]$base).Port
                $a.GetTagItem('network.protocol.version') | Should -Be '1.1'
            }
            $flaky = @($requests | Where-Object { $_.GetTagItem('url.full') -like '*flaky*' })
            $flaky.Count | Should -Be 2
            $flaky.ForEach({ $_.GetTagItem('http.response.status_code') }) | Sort-Object | Should -Be @(200, 503)
            ($flaky | Where-Object { $_.GetTagItem('http.response.status_code') -eq 200 }).GetTagItem('http.request.resend_count') | Should -Be 1
            $notFound = $requests | Where-Object { $_.GetTagItem('http.response.status_code') -eq 404 }
            $notFound.GetTagItem('error.type') | Should -Be 'HttpStatus'
            "$($notFound.Status)" | Should -Be 'Error'
            # What the server saw is the activity's span; HttpClient's own activity is its child and added no second header.
            $r = $results | Where-Object { "$($_.Uri)" -like '*x=1' }
            $sent = Split-TraceParent @(($r.Content | ConvertFrom-Json).traceparent)[0]
            $activity = $requests | Where-Object { $_.GetTagItem('url.full') -like '*x=1' }
            $sent.SpanId | Should -Be $activity.SpanId.ToHexString()
            $r.SpanId | Should -Be $sent.SpanId
            $http = @($collector.Stopped | Where-Object { $_.Source.Name -like 'System.Net.Http*' -or $_.OperationName -like 'System.Net.Http*' })
            $http.Count | Should -BeGreaterThan 0
            foreach ($h in $http) { $h.ParentSpanId.ToHexString() | Should -BeIn $requests.ForEach({ $_.SpanId.ToHexString() }) }
        }

        It 'joins Activity.Current: one traceparent goes out, the request''s span a child of the caller''s' {
            $collector = [AsyncWebTests.ActivityCollector]::new()
            $caller = [System.Diagnostics.Activity]::new('caller').SetIdFormat('W3C').Start()
            try {
                $r = "$base/trace" | Invoke-AsyncWebBatch
            }
            finally {
                $caller.Stop()
                $collector.Dispose()
            }
            $seen = @(($r.Content | ConvertFrom-Json).traceparent)
            $seen.Count | Should -Be 1
            $sent = Split-TraceParent $seen[0]
            $sent.TraceId | Should -Be $caller.TraceId.ToHexString()
            $r.TraceId | Should -Be $caller.TraceId.ToHexString()
            $request = @($collector.Stopped | Where-Object { $_.Source.Name -eq 'AsyncWeb' -and $_.Kind -eq 'Client' })
            $request.Count | Should -Be 1
            $request[0].ParentSpanId.ToHexString() | Should -Be $caller.SpanId.ToHexString()
            $request[0].SpanId.ToHexString() | Should -Be $sent.SpanId
        }

        It 'makes -TraceParent''s span the parent of each request''s' {
            $collector = [AsyncWebTests.ActivityCollector]::new()
            try { $null = "$base/trace" | Invoke-AsyncWebBatch -TraceParent '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }
            finally { $collector.Dispose() }
            $request = @($collector.Stopped | Where-Object { $_.Source.Name -eq 'AsyncWeb' -and $_.Kind -eq 'Client' })
            $request.Count | Should -Be 1
            $request[0].TraceId.ToHexString() | Should -Be '4bf92f3577b34da6a3ce929d0e0e4736'
            $request[0].ParentSpanId.ToHexString() | Should -Be '00f067aa0ba902b7'
        }

        It 'records no secret: URLs redacted, no header values' {
            $collector = [AsyncWebTests.ActivityCollector]::new()
            try {
                $uri = $base -replace '^http://', 'http://user:pa55word@'
                $null = "$uri/trace?token=s3cr3tvalue&page=2" | Invoke-AsyncWebBatch -Headers @{ Authorization = 'Bearer t0psecret'; 'X-Api-Key' = 'k3yvalue' }
            }
            finally { $collector.Dispose() }
            $mine = @($collector.Stopped | Where-Object { $_.Source.Name -eq 'AsyncWeb' })
            $mine.Count | Should -BeGreaterThan 0
            $text = ($mine | ForEach-Object { $_.DisplayName; $_.TagObjects | ForEach-Object { "$($_.Key)=$($_.Value)" } }) -join "`n"
            $text | Should -Match 'url\.full=.*/trace\?token=.*page=2'
            foreach ($secret in 's3cr3tvalue', 'pa55word', 't0psecret', 'k3yvalue') { $text | Should -Not -Match $secret }
        }

        It 'starts no activity with -NoTraceParent' {
            $collector = [AsyncWebTests.ActivityCollector]::new()
            try { $null = "$base/trace" | Invoke-AsyncWebBatch -NoTraceParent }
            finally { $collector.Dispose() }
            @($collector.Stopped | Where-Object { $_.Source.Name -eq 'AsyncWeb' }).Count | Should -Be 0
        }
    }
}

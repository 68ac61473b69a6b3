# Help source for Measure-AsyncWebBatch. Build-Help.ps1 turns it into AsyncWeb.dll-Help.xml; syntax, types,
# positions, pipeline input, aliases, defaults and allowed ranges come from the compiled cmdlet.
@{
    Synopsis    = 'Summarises the results of a batch: counts, failures by ErrorId, statuses, bytes, latency percentiles, wall time and rate, and where the time went.'

    Description = @'
Measure-AsyncWebBatch reads the results of Invoke-AsyncWebBatch from the pipeline and, at the end, writes one AsyncWeb.Commands.WebBatchSummary:
- Count, Succeeded, Failed and Skipped;
- FailuresByErrorId (and FailureSummary, e.g. "HttpStatus×2 ConnectionRefused×1");
- StatusCodes (and StatusHistogram, e.g. "200×998 404×2");
- Bytes of body received or written, and BytesSent: request body bytes sent (uploads), the sum of the results' BytesSent;
- latency MinMs, P50Ms, P90Ms, P99Ms and MaxMs (nearest-rank percentiles of the requests that were sent);
- WallTime from the first request's start to the last one's end, and RequestsPerSecond over it;
- where the time went: QueueWait, DnsLookup, Connect, TlsHandshake, TimeToFirstByte and Transfer, each with Count, MinMs, P50Ms, P90Ms, P99Ms and MaxMs (DnsLookup, Connect and TlsHandshake over the requests that opened a connection, as a reused one took none); ConnectionsOpened, ConnectionsReused and ConnectionReuseRatio;
- SlowHosts: the hosts (host:port) whose 99th percentile time to first byte is above -SlowThresholdSec, slowest first, each with Count, P50Ms, P99Ms and MaxMs, so a sweep's summary says "p99 first byte 2,300 ms, 4 hosts above 1 s";
- Thresholds: with -Threshold, each expression judged (Expression, Measured, Host, Limit, Observed, Unit, Held). Every threshold that did not hold is also a ThresholdFailed error, written after the summary, so -ErrorAction Stop fails a CI script and $error says which.

Failed items count only if they reach it: `... | Invoke-AsyncWebBatch | Measure-AsyncWebBatch` sees the successes alone, because failures leave by the error stream. Pass -FailuresAsResults to Invoke-AsyncWebBatch, or merge its error records into the pipeline with 2>&1 (an error record written by Invoke-AsyncWebBatch counts as the failed result it carries). To keep failures as errors and still count everything, use Invoke-AsyncWebBatch -SummaryVariable name instead: it sets $name to this same summary of every item the batch finished. Measure-AsyncWebBatch remains the tool for results kept in a variable or a file, summaries of parts (shards, jobs), and a -SlowThresholdSec of your own.

Results count in whatever shape they arrive: live, deserialized (through Invoke-Command, Start-Job and Receive-Job, or Export-Clixml and Import-Clixml), or as rows of Import-Csv, indeed any object with StatusCode, ElapsedMs (or Elapsed) and Success (or ErrorId) properties; Skipped, ContentLength, BytesSent, Attempts and StartTimeUtc (or StartTime) are read when present.

Summaries merge: each summary carries LatencySamplesMs (the ElapsedMs of every request sent, ascending), StartTimeUtc and EndTimeUtc, so Measure-AsyncWebBatch over the summaries of parts of a batch (shards on several hosts, jobs), live or deserialized, even mixed with results, gives exactly the summary of the whole: percentiles of all the samples, never averaged percentiles, and the wall time from the earliest start to the latest end. Anything else is reported as a NotAWebBatchResult error and not counted.

The examples use $base for the server address and run as written against AsyncWeb's bundled test server, which this one line starts from a clone of the repository (after ./build.ps1 Build; README, Recipes, uses the same line): `Import-Module ./tests/TestHelpers.psm1; $base = (Get-TestServer).Http`. Or set $base to a server of your own, such as 'http://127.0.0.1:5000'.
'@

    Parameters  = @{
        InputObject = 'A result of Invoke-AsyncWebBatch (live, deserialized, or a row of Import-Csv), an error record it wrote (merged with 2>&1), which counts as the failed result it carries, or a summary of part of a batch to merge. Usually given through the pipeline.'
        Threshold = @'
Pass/fail criteria in the style of k6: aggregation(Metric){host=name} operator limit[unit], judged over everything measured and listed in the summary's Thresholds. A threshold that does not hold writes a non-terminating ThresholdFailed error (after the summary); an expression that does not parse stops the command with InvalidThreshold, naming it, before any input is read.
- Metrics with a value per request take an aggregation: Elapsed (or Latency), QueueWait, DnsLookup, Connect, TlsHandshake, TimeToFirstByte, Transfer ("Ms" optional: TimeToFirstByteMs). Aggregations: pNN (any percentile, p95, p99.9; nearest rank, as the summary's), avg, med, min, max, count. Limits are milliseconds, or take a unit: ms, s, m (p99(Elapsed) < 2s).
- Figures of the batch are compared as they are: Count, Succeeded, Failed, Skipped, FailureRate, SuccessRate (fractions, or percentages: FailureRate < 1%), Bytes, BytesSent, RequestsPerSecond, ConnectionReuseRatio, ConnectionsOpened, ConnectionsReused, WallTime (ms, s, m).
- Operators: < <= > >= == !=.
- {host=api.example.com} judges the results of that host only (every port of it; host:port for one port), as results show hosts. A merged summary carries no per-host figures, so it counts only towards thresholds without a host.
A threshold with nothing to measure (no TLS handshakes, no results of the host, a rate of no results) fails, its Observed empty: a gate that saw nothing does not pass.
'@
        SlowThresholdSec = 'A host is listed in SlowHosts when its 99th percentile time to first byte (request sent to response headers) is above this many seconds. Requests that got no response (timeouts, refused connections) count under their ErrorId, not here. Default 1.'
    }

    Inputs      = @(
        @{ Type = 'AsyncWeb.WebBatchResult'; Description = 'The results of Invoke-AsyncWebBatch, successful or (with -FailuresAsResults) failed.' }
        @{ Type = 'System.Management.Automation.ErrorRecord'; Description = 'Error records written by Invoke-AsyncWebBatch, merged into the pipeline with 2>&1.' }
        @{ Type = 'Deserialized.AsyncWeb.WebBatchResult'; Description = 'Results that came through remoting, a job or Import-Clixml; rows of Import-Csv with the same columns.' }
        @{ Type = 'AsyncWeb.Commands.WebBatchSummary'; Description = 'Summaries of parts of a batch, live or deserialized, merged exactly.' }
    )

    Outputs     = @(
        @{ Type = 'AsyncWeb.Commands.WebBatchSummary'; Description = 'One summary: Count, Succeeded, Failed, Skipped, FailuresByErrorId, FailureSummary, StatusCodes, StatusHistogram, Bytes, BytesSent, MinMs, P50Ms, P90Ms, P99Ms, MaxMs, WallTime, RequestsPerSecond, StartTimeUtc, EndTimeUtc and LatencySamplesMs (what lets summaries merge); QueueWait, DnsLookup, Connect, TlsHandshake, TimeToFirstByte and Transfer (AsyncWeb.WebBatchPercentiles: Count, MinMs, P50Ms, P90Ms, P99Ms, MaxMs), ConnectionsOpened, ConnectionsReused, ConnectionReuseRatio, SlowThresholdMs and SlowHosts (AsyncWeb.WebBatchSlowHost: Host, Count, P50Ms, P99Ms, MaxMs), and the phase samples that let those merge too (QueueWaitSamplesMs, DnsLookupSamplesMs, ConnectSamplesMs, TlsHandshakeSamplesMs, TimeToFirstByteSamplesMs with TimeToFirstByteSampleHosts, TransferSamplesMs); Thresholds (with -Threshold: AsyncWeb.WebBatchThreshold, Expression, Measured, Host, Limit, Observed, Unit, Held); and HostLimits (with -AdaptiveThrottle or -ThrottleLimitPerHost: each host''s last limit, from the result that finished last, as Host, Limit and AtUtc).' }
    )

    Notes       = @'
Latency figures and the rate count only the items that were sent; items skipped before sending (-SkipExisting with an OutFile) or refused as invalid input count in Count but not in the latencies.

Latencies are kept at the 0.1 ms of ElapsedMs, 8 bytes a request. Export-Csv writes dates to the whole second, so the wall time of plain CSV rows is within a second; written as ISO 8601 (StartTimeUtc.ToString('o')) together with Elapsed it is exact. Text columns are read in the current or the invariant culture; Success and Skipped are read as True/False.

Phase figures are exact the same way: every phase sample is kept (8 bytes each), and a summary carries them, so merged summaries give the same phase percentiles and SlowHosts as one summary of all the results (SlowHosts by the merging call's -SlowThresholdSec). Results read from other shapes contribute the phase columns they have (QueueWaitMs ... TransferMs, ConnectionReused, and FinalUri or Uri for the host).

On Windows PowerShell 5.1 the connection is not visible (no connect callback): DnsLookup, Connect and TlsHandshake have no samples, ConnectionsOpened and ConnectionsReused are 0, and TimeToFirstByte includes opening a connection when one was opened.
'@

    Examples    = @(
        @{
            Title   = 'Summarise a batch'
            Code    = @'
1..200 | ForEach-Object { "$base/json?n=$_" } |
    Invoke-AsyncWebBatch -ThrottleLimit 32 |
    Measure-AsyncWebBatch
'@
            Remarks = 'Sends 200 requests, 32 at a time, and shows how many succeeded, the status histogram, the bytes received, latency percentiles, the wall time and the request rate.'
        }
        @{
            Title   = 'Count failures by ErrorId'
            Code    = @'
"$base/json", "$base/status/404", "$base/status/503", 'http://127.0.0.1:1/' |
    Invoke-AsyncWebBatch 2>&1 |
    Measure-AsyncWebBatch |
    Format-List Count, Succeeded, Failed, FailureSummary, StatusHistogram

$summary = "$base/json", "$base/status/500" | Invoke-AsyncWebBatch -FailuresAsResults | Measure-AsyncWebBatch
$summary.FailuresByErrorId['HttpStatus']
'@
            Remarks = 'Error records merged with 2>&1, or failed results from -FailuresAsResults, count as failures under their ErrorId: here HttpStatus twice and ConnectionRefused once. FailuresByErrorId is a dictionary for scripts; FailureSummary is the same as one line of text.'
        }
        @{
            Title   = 'Compare throttle limits'
            Code    = @'
foreach ($limit in 1, 8, 32) {
    $summary = 1..40 | ForEach-Object { "$base/delay/20?n=$_" } |
        Invoke-AsyncWebBatch -ThrottleLimit $limit |
        Measure-AsyncWebBatch
    [pscustomobject]@{
        ThrottleLimit     = $limit
        RequestsPerSecond = $summary.RequestsPerSecond
        P90Ms             = $summary.P90Ms
        WallTime          = $summary.WallTime
    }
}
'@
            Remarks = 'Runs the same 40 requests of 20 ms each at three limits: the wall time falls from about a second to well under 0.1 s as more requests are in flight, while each request''s latency stays about the same.'
        }
        @{
            Title   = 'Merge the summaries of shards'
            Code    = @'
$calls = 1..60 | ForEach-Object { @{ Uri = "$base/delay/$($_ % 7 * 10)?n=$_"; Key = "k$_" } }
$parts = 0..2 | ForEach-Object { $calls | Invoke-AsyncWebBatch -Partition "$_/3" -PartitionKey Key | Measure-AsyncWebBatch }
$parts | Format-Table Count, P50Ms, P99Ms, WallTime
$parts | Measure-AsyncWebBatch
'@
            Remarks = 'Three shards, each summarised on its own as a worker on another host would, then merged: the merged summary counts all 60 requests, and its percentiles come from all 60 latencies, exactly as if one summary had seen every result. Summaries that come back deserialized (Invoke-Command, Receive-Job, Import-Clixml) merge the same way.'
        }
        @{
            Title   = 'Summarise results saved as Clixml or CSV'
            Code    = @'
$results = 1..20 | ForEach-Object { "$base/json?n=$_" } | Invoke-AsyncWebBatch -FailuresAsResults
$results | Export-Clixml ./results.xml
Import-Clixml ./results.xml | Measure-AsyncWebBatch | Select-Object Count, Succeeded, P90Ms

$results | Select-Object Index, Uri, StatusCode, Success, ErrorId, ElapsedMs, Elapsed,
    @{ Name = 'StartTimeUtc'; Expression = { $_.StartTimeUtc.ToString('o') } }, ContentLength, Skipped, Attempts |
    Export-Csv ./results.csv
Import-Csv ./results.csv | Measure-AsyncWebBatch | Select-Object Count, Succeeded, P90Ms, WallTime
'@
            Remarks = 'Results read back from a Clixml file, or from a CSV file with these columns, give the same summary as the live results did, wall time included.'
        }
        @{
            Title   = 'Find the slow hosts, and why they are slow'
            Code    = @'
$port = ([uri]$base).Port
$uris = @(1..5 | ForEach-Object { "$base/json?n=$_" }) + @(1..5 | ForEach-Object { "http://localhost:$port/delay/300?n=$_" })
$results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 4 -FailuresAsResults
$summary = $results | Measure-AsyncWebBatch -SlowThresholdSec 0.2
'p99 first byte {0:N0} ms, {1} host(s) above 200 ms' -f $summary.TimeToFirstByte.P99Ms, $summary.SlowHosts.Count
$summary.SlowHosts | Format-Table Host, Count, P50Ms, P99Ms, MaxMs
$summary | Format-List TimeToFirstByte, Connect, ConnectionReuseRatio
'@
            Remarks = 'Ten requests to two hosts of the same server (127.0.0.1 and localhost are different hosts): one answers at once, the other after 300 ms. The summary puts the 300 ms in the time to first byte (the server thinking), not in connecting, and lists localhost as the one slow host. Each result carries the same phases (TimeToFirstByteMs, ConnectMs ...) for a closer look: $results | Format-Table -View Timings.'
        }
        @{
            Title   = 'Fail a deployment when the API got slower'
            Code    = @'
$port = ([uri]$base).Port
$uris = @(1..20 | ForEach-Object { "$base/json?n=$_" }) + @(1..4 | ForEach-Object { "http://localhost:$port/delay/300?n=$_" })
$summary = $uris | Invoke-AsyncWebBatch -FailuresAsResults |
    Measure-AsyncWebBatch -ErrorAction SilentlyContinue -ErrorVariable failed -Threshold @(
        'p95(TimeToFirstByteMs) < 500'
        'FailureRate < 1%'
        'p99(Elapsed){host=localhost} < 200'
    )
$summary.Thresholds | Format-Table Expression, Observed, Unit, Held
if ($failed) { 'would stop the pipeline: ' + ($failed.Exception.Message -join '; ') }
'@
            Remarks = 'Three gates: the batch''s 95th percentile time to first byte, its failure rate, and the 99th percentile of one host, which answers after 300 ms and so fails its gate. Each failed threshold is a ThresholdFailed error; here they are kept in $failed; in CI use -ErrorAction Stop (or $ErrorActionPreference = ''Stop'') and the first failed threshold ends the script, after the summary has been written.'
        }
        @{
            Title   = 'Keep the results and the summary'
            Code    = @'
New-Item -ItemType Directory -Force -Path ./files | Out-Null
$results = 1..10 | ForEach-Object { @{ Uri = "$base/bytes/$($_ * 10000)"; OutFile = "./files/part$_.bin" } } |
    Invoke-AsyncWebBatch -Force -FailuresAsResults
$summary = $results | Measure-AsyncWebBatch
'{0} files, {1:N0} bytes in {2:N2} s' -f $summary.Succeeded, $summary.Bytes, $summary.WallTime.TotalSeconds
$results | Sort-Object ElapsedMs -Descending | Select-Object -First 3 Index, ElapsedMs, OutFile
'@
            Remarks = 'Collect the results once, then summarise them and still look at individual items, here the three slowest downloads. Bytes counts what was written to disk.'
        }
    )

    Links       = @(
        @{ Text = 'Invoke-AsyncWebBatch' }
        @{ Text = 'Measure-Object' }
    )
}

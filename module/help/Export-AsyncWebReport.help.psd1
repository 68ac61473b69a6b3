# Help source for Export-AsyncWebReport. Build-Help.ps1 turns it into AsyncWeb.dll-Help.xml; syntax, types,
# positions, pipeline input, aliases, defaults and allowed ranges come from the compiled cmdlet.
@{
    Synopsis    = 'Writes a batch''s results as one self-contained HTML report: summary, latency histogram, hosts, failures and a waterfall of the slowest requests.'

    Description = @'
Export-AsyncWebReport reads the results of Invoke-AsyncWebBatch from the pipeline and writes one HTML page that any browser opens from disk or an attachment, with nothing loaded from the network (inline CSS and SVG, no script, no fonts; a Content-Security-Policy forbids the rest):
- the summary Measure-AsyncWebBatch gives for the same results: count, succeeded, failed, skipped, p50, p90, p99 and max latency, requests per second, wall time, bytes, connection reuse and the status histogram;
- where the time went: each phase's count and percentiles (queue wait, DNS, connect, TLS, first byte, transfer);
- a latency histogram (SVG): 40 equal bins up to the 99th percentile and one above it, each bar's count on hover;
- hosts: per host, requests, failures, latency percentiles, the 99th percentile time to first byte and the last per-host limit (-AdaptiveThrottle, -ThrottleLimitPerHost); the 100 busiest hosts when there are more, and the page says so;
- failures by ErrorId, with the first failure's URI and message;
- a waterfall of the slowest requests (SVG): each row's bars are its phases (queued, DNS, connect, TLS, first byte, transfer; a request without a response in red) and the pale rest of its time (retries, pauses); -WaterfallCount rows (default 100), the slowest of all, and the page says "N of M requests shown".

Every value on the page is HTML-escaped, so a hostile URI, header or message is text, never markup. URIs show user-info and the values of sensitive query parameters as ***, and messages hide the values of the request's sensitive headers and query parameters, as in a HAR from Export-AsyncWebHar; no body is ever in the report.

Results come live, deserialized, or as the error records Invoke-AsyncWebBatch wrote (merged with 2>&1); anything else is a NotAWebBatchResult error. The page is written when the input ends, beside its target, and renamed into place; an existing file is replaced unless -NoClobber (then FileExists).

The examples use $base for the server address and run as written against AsyncWeb's bundled test server, which this one line starts from a clone of the repository (after ./build.ps1 Build; README, Recipes, uses the same line): `Import-Module ./tests/TestHelpers.psm1; $base = (Get-TestServer).Http`. Or set $base to a server of your own, such as 'http://127.0.0.1:5000'.
'@

    Parameters  = @{
        Path                    = 'The HTML file to write. Replaced when it exists, unless -NoClobber.'
        InputObject             = 'A result of Invoke-AsyncWebBatch (live or deserialized), or an error record it wrote (merged with 2>&1). Usually given through the pipeline.'
        Title                   = 'The page''s title and heading (escaped as every value is).'
        WaterfallCount          = 'How many of the slowest requests the waterfall shows; the page says how many of how many. 0 leaves it empty.'
        SlowThresholdSec        = 'As Measure-AsyncWebBatch''s: the threshold of the summary''s SlowHosts, in seconds.'
        SensitiveQueryParameter = 'More query parameter names whose values are hidden, beside the defaults and those the batch was given.'
        NoClobber               = 'Keep an existing file: stop with FileExists instead of replacing it.'
        PassThru                = 'Write the written file (System.IO.FileInfo) to the pipeline.'
    }

    Inputs      = @(
        @{ Type = 'AsyncWeb.WebBatchResult'; Description = 'The results of Invoke-AsyncWebBatch, successful or (with -FailuresAsResults) failed.' }
        @{ Type = 'System.Management.Automation.ErrorRecord'; Description = 'Error records written by Invoke-AsyncWebBatch, merged into the pipeline with 2>&1.' }
        @{ Type = 'Deserialized.AsyncWeb.WebBatchResult'; Description = 'Results that came through remoting, a job or Import-Clixml.' }
    )

    Outputs     = @(
        @{ Type = 'System.IO.FileInfo'; Description = 'With -PassThru, the file written; otherwise nothing.' }
    )

    Notes       = @'
Memory: the summary keeps every latency sample (8 bytes a request per phase, as Measure-AsyncWebBatch does); the waterfall keeps only its -WaterfallCount slowest requests, so 100,000 results make a page of the same size as 1,000 (bench/scenarios/17-Export.ps1 measures it, and the time Chromium takes to open it).
'@

    Examples    = @(
        @{
            Title   = 'A report for the change review'
            Code    = @'
1..50 | ForEach-Object { "$base/delay/$($_ * 2)" } |
    Invoke-AsyncWebBatch -ThrottleLimit 8 -FailuresAsResults |
    Export-AsyncWebReport -Path ./report.html -Title 'API latency after the change' -PassThru
'@
            Remarks = 'Writes report.html: attach it to the review, or open it with Invoke-Item. The waterfall shows all 50 requests, slowest first.'
        }
        @{
            Title   = 'Failures on the page'
            Code    = @'
"$base/json", "$base/status/503", 'http://127.0.0.1:1/' |
    Invoke-AsyncWebBatch 2>&1 |
    Export-AsyncWebReport ./failures.html -PassThru
'@
            Remarks = 'Error records merged with 2>&1 count as the failed results they carry: the page lists HttpStatus and ConnectionRefused with their first URI and message.'
        }
        @{
            Title   = 'A large sweep, sampled'
            Code    = @'
1..2000 | ForEach-Object { "$base/json?n=$_" } |
    Invoke-AsyncWebBatch -ThrottleLimit 32 |
    Export-AsyncWebReport ./sweep.html -WaterfallCount 25 -PassThru |
    Select-Object Name, Length
'@
            Remarks = 'The waterfall shows the 25 slowest of 2,000 requests and says "25 of 2,000 requests shown"; the page stays small whatever the batch''s size.'
        }
    )
}

# Help source for Export-AsyncWebHar. Build-Help.ps1 turns it into AsyncWeb.dll-Help.xml; syntax, types,
# positions, pipeline input, aliases, defaults and allowed ranges come from the compiled cmdlet.
@{
    Synopsis    = 'Writes the results of a batch as a HAR 1.2 file, which browsers'' developer tools and HAR viewers open.'

    Description = @'
Export-AsyncWebHar reads the results of Invoke-AsyncWebBatch from the pipeline, as Export-Csv reads objects, and writes them to one HAR 1.2 file (HTTP Archive, the format of the Network tab of browsers' developer tools): one entry per request, each page of an item its own entry.

Each entry has the request (method, URL, the headers the item itself carried, the query string), the response (status, HTTP version, headers, content size and type) and the timings, mapped from the result's phases: blocked = QueueWaitMs, dns = DnsLookupMs, connect = ConnectMs plus TlsHandshakeMs (HAR's connect includes ssl), ssl = TlsHandshakeMs, send = 0 (not measured apart), wait = TimeToFirstByteMs, receive = TransferMs; -1 where a phase was not seen (a reused connection took 0). The entry starts when the request was queued (StartTime less QueueWaitMs), and its time is the sum of its timings. A request that got no response has status 0, its time until it failed as wait, and its ErrorId in _error (its message, redacted, in _errorMessage). Retries are one entry, the last attempt's phases, with _attempts and _elapsedMs (the item's whole time, with retry delays); other custom fields: _index, _pageIndex, _hostLimit, _hostWaitMs, _connectionReused.

Secrets never reach the file: URLs and queryString show user-info and the values of sensitive query parameters as *** (the defaults, the batch's -SensitiveQueryParameter and this command's); the values of Authorization, Proxy-Authorization and Cookie headers, and of any header named like a key, token, secret, password or signature (X-Api-Key, X-Auth-Token), are ***; cookies are listed by name with the value ***, and Set-Cookie shows name=*** with its attributes; and the values of the request's secrets are hidden wherever they come back (an echoed body, a Location, an error message), as an error record's ErrorDetails hides them. Session and batch headers (-Headers, New-AsyncWebSession) are not on results, so the request headers are the item's own.

Bodies are left out unless -IncludeContent: then text bodies up to -MaximumContentBytes are written, with the same secrets hidden; binary bodies (RawContent) and downloads never are, because nothing in them can be checked for secrets. Every left-out body says why in its content's comment.

Results come in any shape they travel in: live, deserialized (remoting, jobs, Export-Clixml and Import-Clixml), or the error records Invoke-AsyncWebBatch wrote (merged with 2>&1). Results that were not sent in this run (FromJournal, -SkipExisting, invalid input) are no request and have no entry; the log's comment counts them. Anything else is a NotAWebBatchResult error. Entries are in the order the results arrive (HAR prefers start order; viewers sort them).

The file is written beside its target and renamed into place when complete: a stopped pipeline leaves the old file, or none. An existing file is replaced unless -NoClobber (then FileExists); a failed write is FileWriteFailed.

The examples use $base for the server address and run as written against AsyncWeb's bundled test server, which this one line starts from a clone of the repository (after ./build.ps1 Build; README, Recipes, uses the same line): `Import-Module ./tests/TestHelpers.psm1; $base = (Get-TestServer).Http`. Or set $base to a server of your own, such as 'http://127.0.0.1:5000'.
'@

    Parameters  = @{
        Path                    = 'The HAR file to write. Replaced when it exists, unless -NoClobber.'
        InputObject             = 'A result of Invoke-AsyncWebBatch (live or deserialized), or an error record it wrote (merged with 2>&1). Usually given through the pipeline.'
        IncludeContent          = 'Write text bodies (content.text), with the request''s secrets hidden, up to -MaximumContentBytes each. Binary bodies and downloads are never written.'
        MaximumContentBytes     = 'With -IncludeContent: a text body larger than this many UTF-8 bytes is left out, and its content''s comment says so. Default 65536.'
        SensitiveQueryParameter = 'More query parameter names whose values are hidden in URLs, query strings and text, beside the defaults (sig, token, key, password, X-Amz-Signature ...) and those the batch was given.'
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
The file streams: entries are written as results arrive, so a batch of any size goes through in bounded memory (bench/scenarios/17-Export.ps1 measures 100,000 results).

On Windows PowerShell 5.1 the connection is not visible: dns, connect and ssl are -1, and wait includes opening a connection when one was opened.
'@

    Examples    = @(
        @{
            Title   = 'Send me the HAR'
            Code    = @'
"$base/json", "$base/delay/100", "$base/status/404" |
    Invoke-AsyncWebBatch -FailuresAsResults |
    Export-AsyncWebHar -Path ./batch.har -PassThru
'@
            Remarks = 'Writes one entry per request to batch.har, the failure included (status 404, _error HttpStatus). Open it in a browser''s developer tools (Network tab, Import HAR) or any HAR viewer.'
        }
        @{
            Title   = 'Bodies, with the secrets hidden'
            Code    = @'
@{ Uri = "$base/echo?token=abc123"; Headers = @{ Authorization = 'Bearer s3cr3t-t0ken' } } |
    Invoke-AsyncWebBatch |
    Export-AsyncWebHar -Path ./echo.har -IncludeContent -MaximumContentBytes 1MB
Select-String -Path ./echo.har -Pattern 's3cr3t-t0ken', 'abc123' -SimpleMatch | Measure-Object | Select-Object Count
'@
            Remarks = 'The echo endpoint returns the request''s headers in its body; the file has the body, but the token appears nowhere: not in the Authorization header, not in the URL or query string, not in the echoed body. The count is 0.'
        }
        @{
            Title   = 'Results from elsewhere'
            Code    = @'
"$base/json", "$base/bytes/100" | Invoke-AsyncWebBatch | Export-Clixml ./results.xml
Import-Clixml ./results.xml | Export-AsyncWebHar ./later.har -PassThru
'@
            Remarks = 'Deserialized results (Import-Clixml, Receive-Job, Invoke-Command) make the same entries as the live ones.'
        }
    )
}

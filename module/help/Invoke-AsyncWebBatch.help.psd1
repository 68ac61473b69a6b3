# Help source for Invoke-AsyncWebBatch. Build-Help.ps1 turns it into AsyncWeb.dll-Help.xml; syntax, types,
# positions, pipeline input, aliases, defaults and allowed ranges come from the compiled cmdlet.
@{
    Synopsis    = 'Sends many HTTP requests concurrently from one pipeline call and streams one result per input item as requests finish.'

    Description = @'
Invoke-AsyncWebBatch takes URIs, or objects that describe requests, from the pipeline or from -Uri and keeps up to -ThrottleLimit of them in flight at once. Each input item gets exactly one result: an AsyncWeb.WebBatchResult with the status, headers, content (or the file written), timings and attempts. Results leave the pipeline as soon as their request finishes, in completion order, or in input order with -Ordered; the Index property says which input item a result belongs to.

An input item can be a string or System.Uri, or any object or hashtable with a Uri, Url or Href property (CSV rows from Import-Csv work as they are). Such an object may also carry Method, Headers, Body, ContentType, OutFile, Sha256, InFile, Form, Proxy and NoProxy, which override the cmdlet's parameters for that item only.

Upstream is read only as fast as results leave (at most twice -ThrottleLimit items held at once, at most -ThrottleLimit of them in flight), so a batch of a million lines runs in bounded memory. Ctrl+C or Select-Object -First cancels the requests still in flight.

An API that returns its data in pages is followed page by page with -FollowRelLink (Link headers, as Invoke-RestMethod does) or -NextLink (a link in the JSON body): every page is a result with the item's Index and its PageIndex, pages of one item one after another and pages of different items concurrently. When the first page reveals the last one, -PageParameter fetches the remaining pages at once. -IfChanged makes downloads conditional: a file that has not changed on the server since the last run is not fetched again (Skipped, SkipReason NotModified).

To spread one input over several machines, pods or jobs, give each run -Partition 'i/N': it sends only its shard of the input, chosen by host (or by -PartitionKey) with a fixed hash, so N runs anywhere are disjoint and together complete. Their results (also after remoting, Start-Job or Export-Clixml) and their summaries merge exactly in Measure-AsyncWebBatch.

A failed item (refused connection, timeout, 4xx/5xx status, a file that could not be written ...) is written as a non-terminating error whose FullyQualifiedErrorId starts with a stable ErrorId such as ConnectionRefused or HttpStatus, and the batch goes on. -ErrorVariable collects them, -FailuresAsResults turns them into results with Success = $false, and -ErrorAction Stop cancels the rest of the batch at the first failure. Transient failures can be retried with -MaximumRetryCount (exponential backoff with jitter, Retry-After honoured). The error record of a 4xx/5xx answer carries the server's body in ErrorDetails.Message, as Invoke-RestMethod's does (the first 4096 characters of the text, decoded by its charset, with the request's secrets shown as ***), so $_.ErrorDetails.Message | ConvertFrom-Json reads an API's JSON error; the result (TargetObject) keeps the whole body in Content. A hashtable item with a key no request field reads (Metod, Header) is that item's error, UnknownItemKey, naming the nearest key; an object property one or two letters from a known name (a CSV column Metod) is warned about once.

The examples use $base for the server address and run as written against AsyncWeb's bundled test server, which this one line starts from a clone of the repository (after ./build.ps1 Build; README, Recipes, uses the same line): `Import-Module ./tests/TestHelpers.psm1; $base = (Get-TestServer).Http`. Or set $base to a server of your own, such as 'http://127.0.0.1:5000'.
'@

    Parameters  = @{
        Uri                        = 'The requests to send: URI strings or System.Uri values, or objects and hashtables with a Uri, Url or Href property and, optionally, Method, Headers, Body, ContentType, OutFile, Sha256, InFile and Form properties that override the parameters for that item. Relative URIs need -BaseUri, or -Session with a base URI. A host without its scheme (example.com/x, localhost:8080/x) fails with ErrorId MissingScheme, naming the http:// and https:// URIs meant: plain http is never assumed. Usually given through the pipeline.'
        Method                     = 'HTTP method for items that do not name their own. Any method token is accepted, custom verbs too; tab completion offers GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS and TRACE.'
        Headers                    = 'Headers sent with every request, as a hashtable. An item''s own Headers add to these and override them by name; these override the headers of -Session. Authorization, Proxy-Authorization and Cookie values are never shown in messages or verbose output.'
        Body                       = 'Request body for items that have no Body of their own: a string (sent as is), a byte array, or any other object or hashtable, which is sent as JSON. A hashtable is form-encoded instead when -ContentType is application/x-www-form-urlencoded. A hashtable (or other dictionary) body of a GET or HEAD goes into the query string instead, as Invoke-RestMethod puts it there: key=value pairs, URL-encoded, added to an existing query with &; an array value repeats its key. A string or byte array body of a GET stays a body.'
        ContentType                = 'Content-Type of the body. When omitted it is application/json for objects, hashtables and strings that look like JSON, text/plain for other strings and application/octet-stream for byte arrays. A charset parameter sets the encoding of string bodies.'
        UserAgent                  = 'User-Agent header sent with every request.'
        ThrottleLimit              = 'Most requests in flight at once across the whole batch. While every slot is busy, finished results are written and no more input is read.'
        ThrottleLimitPerHost       = 'Most requests in flight at once to one host (host and port), on top of -ThrottleLimit. Use it to be polite to each server of a batch that spans many. 0 applies only the global limit. With -AdaptiveThrottle it is where each host''s limit starts. Items waiting for their host never hold up other hosts'' items.'
        TimeoutSec                 = 'Longest time, in seconds, for one attempt from sending the request to the last byte of the body. An attempt that takes longer fails with ErrorId RequestTimeout (and is retried when -MaximumRetryCount allows). 0 means no limit.'
        TotalTimeoutSec            = 'Longest time, in seconds, for the whole item: every attempt, the delays between retries and any rate-limit wait. An item that takes longer fails with ErrorId TotalTimeout. Distinct from -TimeoutSec, which limits each attempt. 0 means no limit.'
        ConnectTimeoutSec          = 'Longest time, in seconds, to open a TCP connection, DNS lookup included. A slower connection fails with ErrorId ConnectTimeout. 0 means no limit. A name is looked up once for all the requests that need it meanwhile and the answer kept 60 s (a failure 5 s); a name with several addresses connects by Happy Eyeballs (RFC 8305: the next address 250 ms after the last, or at once when it fails; the first connection wins). Cannot be combined with -Session; set it on New-AsyncWebSession instead. On Windows PowerShell 5.1 there is no separate connect timeout: opening a connection counts against the first wait (ConnectTimeoutSec + OperationTimeoutSec). A reused connection opens nothing: there the wait for the headers is bounded by -OperationTimeoutSec alone.'
        OperationTimeoutSec        = 'Longest silence from the server, in seconds, the wait for the response headers included, on a new connection as on a reused one: the silence counts from the moment the request is on a connection (until then, while a new connection is opened, ConnectTimeoutSec + OperationTimeoutSec is allowed), and each wait for the next piece of the body may last OperationTimeoutSec. A stalled response fails with ErrorId OperationTimeout and a message that says what was awaited and for how long, while a steadily flowing download may take as long as it needs. 0 means no limit. On Windows PowerShell 5.1, and over HTTP/2, the handler does not tell when the request is on a connection, so there the wait for the headers may last ConnectTimeoutSec + OperationTimeoutSec.'
        SkipHttpErrorCheck         = 'Treats 4xx and 5xx responses as ordinary results (Success = $true, with their StatusCode and content) instead of HttpStatus errors.'
        SkipCertificateCheck       = 'Accepts any TLS certificate, expired, self-signed or for another name. Only for test servers. Cannot be combined with -Session; set it on New-AsyncWebSession instead.'
        MaximumRedirection         = 'Most redirects followed for one request. When a response would need one more, the item fails with ErrorId TooManyRedirects; 0 returns the 3xx response itself as the result.'
        AllowInsecureRedirect      = 'Follows redirects from HTTPS to HTTP. Without it such a redirect fails with ErrorId InsecureRedirect.'
        Ordered                    = 'Writes results in input order instead of completion order. Requests still run concurrently; at most 4 x ThrottleLimit finished results wait for an earlier slow one, and their bodies count against -MaximumBufferSize, so memory stays bounded.'
        MaximumResponseSize        = 'The largest body kept in memory, in bytes (default 256 MiB), whether its length is declared, unknown or only known once decoded: a larger one fails the item with ErrorId ResponseTooLarge (a gzip bomb stops there). Download large bodies with -OutFile or -OutDirectory instead. A body is buffered as it arrives, never as declared.'
        MaximumBufferSize          = 'The most body bytes the whole batch holds in memory at once (default 512 MiB): bodies being read, and finished results not yet taken by the pipeline (a slow consumer, or -Ordered results waiting for an earlier one). While it is spent, no new request starts and a body that would overflow it waits, except the running item with the lowest index, which always proceeds when nothing else can free memory, so the batch never deadlocks. Memory for bodies stays within this plus one -MaximumResponseSize, whatever -ThrottleLimit is.'
        Proxy                      = 'Proxy server for every request, instead of the proxy settings of the environment. Cannot be combined with -Session; set it on New-AsyncWebSession instead. Per item: a Proxy property (an absolute http, https, socks4, socks4a or socks5 URI; http only on Windows PowerShell) sends that item through its own proxy, a connection pool per proxy, also with -Session; a bad one, or one with a user name or password in it, is that item''s InvalidProxy error. With -UnixSocket, or a -Resolve or -ConnectTo entry (the batch''s or the item''s) for its host and port, an item''s Proxy is ConflictingParameters; entries for other names do not matter, and a redirect or next page to a pinned name keeps the item''s proxy.'
        ProxyCredential            = 'Credential for the proxy given by -Proxy, and for the proxies items name in their Proxy property (the credential is never read from data nor shown). Cannot be combined with -Session.'
        NoProxy                    = 'Connects directly, ignoring proxy settings from the environment (HTTP_PROXY, HTTPS_PROXY). Cannot be combined with -Session. Per item: a NoProxy property ($true, or true/false/1/0 in a CSV column; empty: the batch''s choice) sends that item straight to the server.'
        HttpVersion                = 'Pins the HTTP version: 1.0, 1.1, 2.0 (h2 by ALPN over https, h2c by prior knowledge over http), or 3.0 where the runtime supports QUIC. A server that does not speak it makes the item fail with ErrorId HttpVersionNotSupported. Without -HttpVersion the version is negotiated, as curl and browsers do: over https HTTP/2 when the server offers it by ALPN (several connections to a host when the streams of one are all in use), HTTP/1.1 otherwise; over plain http HTTP/1.1 (no h2c upgrade). The result''s ProtocolVersion says what was spoken. Windows PowerShell 5.1 speaks 1.0 and 1.1 only, so there the default is HTTP/1.1.'
        Session                    = 'A session from New-AsyncWebSession: its base URI (relative URIs resolve against it), default headers, cookies, bearer token or basic credential, and its own warm connection pool, reused across calls.'
        TraceParent                = 'A W3C traceparent (00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>) whose trace the batch joins: every request carries its trace id and flags, with a new span id per attempt whose parent is the given id. Without it the batch joins the current Activity''s trace (PowerShell 7), else starts a trace of its own. A value that is not a traceparent stops the command with InvalidTraceParent before anything is sent. tracestate is not derived from it; give one with -Headers if the trace needs it. An empty value (an unset $env:TRACEPARENT) is the same as none given.'
        NoTraceParent              = 'Send no traceparent header and start no activities. By default every request carries one (a new span id per attempt, one trace id per batch); a traceparent header given with -Headers or an item''s Headers is sent instead of it, as given, for that request.'
        SummaryVariable            = 'The name of a variable (without $) that is set in the caller''s scope to the batch''s summary: the same WebBatchSummary Measure-AsyncWebBatch makes, counting every item the batch finished, whichever stream it left by: successes, failures written as error records, skipped items and items the journal had already done (each page of a paged item is a result, so it counts as one). Set when the batch ends, also when it is stopped (Ctrl+C, -ErrorAction Stop, Select-Object -First), with what was finished by then. Not with -AsJob (summarise Receive-Job $job 2>&1 instead); a name starting with + is refused (merge summaries with $a, $b | Measure-AsyncWebBatch).'
        FailuresAsResults          = 'Writes failed items as results with Success = $false and an Error property (ErrorId, Category, Message) instead of as error records, so one variable holds the whole batch.'
        OutFile                    = 'Streams the response body to this file instead of keeping it in memory; an item''s own OutFile property wins. The file holds the server''s bytes as sent, as curl -o saves them: the request asks for no encoding (Accept-Encoding: identity) and nothing is decoded, so a server that compresses anyway yields its compressed bytes. The file appears only when the download is complete (written beside it, then moved into place). Only a 2xx answer with a body becomes the file: a HEAD, 1xx, 204, 205, 304 or a returned 3xx writes nothing and leaves an existing file as it is, even with -Force (the result''s OutFile is then empty). An existing file fails the item with ErrorId FileExists unless -Force or -SkipExisting is given (Invoke-WebRequest overwrites it). A missing folder of the file is created before the request is sent; one that cannot be made fails the item with ErrorId OutDirectoryUnusable before anything is sent. An OutFile that names an existing folder saves inside it, named as -OutDirectory names.'
        OutDirectory               = 'Streams response bodies into this folder (created when missing), each named from the Content-Disposition header or the last segment of the URL, made safe for the file system. Two items of the batch that would write the same file fail the second with ErrorId DuplicateOutFile.'
        Sha256                     = 'Expected SHA-256 of the downloaded body, as 64 hexadecimal characters; an item''s own Sha256 property wins. The body is hashed as it is written; a mismatch fails the item with ErrorId HashMismatch and the file is not kept. A checked download''s result carries the hash in its Sha256 property.'
        ComputeSha256              = 'Hashes every download (SHA-256, as it is written) and puts the hash in the result''s Sha256 property. Without it only downloads with an expected hash (-Sha256, or an item''s Sha256 property), a -JournalPath or -IfChanged (whose records keep the hash) are hashed, and the Sha256 of the others is empty: hashing costs about a core-second per GiB, which slows large downloads on a busy machine.'
        Force                      = 'Overwrites files that already exist at the OutFile or OutDirectory target. Cannot be combined with -SkipExisting.'
        SkipExisting               = 'Leaves files that already exist alone: their result has Skipped = $true. With an OutFile the request is not even sent; with -OutDirectory the name can come from the response, so the request is sent but nothing is written. Cannot be combined with -Force.'
        Resume                     = 'Continues interrupted downloads with a Range request instead of starting over. A failed download keeps its partial file for the next run; the server''s ETag or Last-Modified makes sure the rest belongs to the same file.'
        MaximumRetryCount          = 'Retries after a transient failure: a connection failure (not a name that does not resolve, nor a certificate that failed validation), a timeout, or a status listed in -RetryStatusCode. 0 sends each request once. POST, PATCH and custom methods are retried only with -RetryAllMethods.'
        RetryIntervalSec           = 'Base delay, in seconds, of the exponential backoff between retries; each wait is randomised (jitter) so that many items do not retry in step.'
        MaximumRetryDelaySec       = 'Longest wait, in seconds, between two attempts, however far the backoff has grown.'
        MaximumRetryAfterSec       = 'Longest Retry-After, in seconds, honoured on 429 and 503 responses: the next attempt waits what the server asks for. When the server asks for longer than this, the item is not retried early: it ends with that 429 or 503 (the server said "not before then"), and -Verbose says so. The same answer (or rate-limit headers at zero remaining) pauses the whole host: its waiting items and retries wait, for at most this long, while other hosts go on. 0 turns host pauses off.'
        RetryStatusCode            = 'HTTP statuses that count as transient and are retried.'
        RetryAllMethods            = 'Retries non-idempotent methods too (POST, PATCH and custom methods). Use it only when the server tolerates receiving the same request twice.'
        CircuitBreakerThreshold    = 'Turns on a circuit breaker per host: it opens after this many failures in a row for that host (each attempt counts; failures are connection errors other than DNS, timeouts and 5xx or retryable statuses — a 404 counts as a success). With -CircuitBreakerFailureRatio below 1 it opens instead when at least that share of the host''s requests in the last five minutes failed, once it has had at least this many. While the circuit is open, items for that host fail at once with ErrorId CircuitOpen instead of waiting on a server that is down. 0 turns the breaker off; otherwise at least 2.'
        CircuitBreakerFailureRatio = 'Share (0.01 to 1) of a host''s requests in the last five minutes that must have failed for its circuit to open, once it has had at least -CircuitBreakerThreshold requests; 0.5 opens it when at least half of them failed. The default, 1, means failures in a row. Has no effect without -CircuitBreakerThreshold.'
        CircuitBreakerBreakSec     = 'How long, in seconds, an open circuit stays open before one probe request is let through; a successful probe closes it again.'
        RequestsPerSecond          = 'Most request starts per second, for APIs with a rate limit; requests wait their turn. 0 means no limit. Applies to the whole batch unless -RateLimitPerHost is given.'
        RateLimitPerHost           = 'Applies -RequestsPerSecond to each host separately instead of to the whole batch.'
        InFile                     = 'Streams the request body from this file, with Content-Length from the file; an item''s own InFile property (a CSV column) wins. The file is opened anew, from its first byte, for every attempt and redirect, so a retried upload re-sends every byte, and memory stays flat whatever its size. Relative paths resolve against the PowerShell location. Content-Type is -ContentType (or the item''s ContentType) when given; otherwise, as Invoke-WebRequest does, application/x-www-form-urlencoded for POST and none for other methods. A missing or unreadable file fails that item with ErrorId InvalidInFile (-InFile itself missing stops the command before anything is sent). Cannot be combined with -Body or -Form.'
        Form                       = 'Sends a multipart/form-data body, as Invoke-WebRequest -Form does; an item''s own Form property wins. Each key is a field: strings and other values are text fields, FileInfo values (Get-Item, Get-ChildItem) are file parts streamed from disk with their file name and a Content-Type from the extension (text/csv, image/png, application/json ... else application/octet-stream), and arrays repeat the field once per element. A hashtable value describes one part: File (a FileInfo or path) or Value, and optionally FileName and ContentType. Use [ordered]@{} to keep the order of the fields. Files are re-read for every attempt; a missing file fails the item with ErrorId InvalidInFile. Cannot be combined with -Body, -InFile or -ContentType.'
        Authentication             = 'How -Credential, -Token or -UseDefaultCredentials are used, as Invoke-WebRequest -Authentication: Basic sends -Credential and Bearer (or OAuth, the same) sends -Token as the Authorization header of every request; Negotiate and NTLM answer the server''s 401 challenge through the runtime''s handler, with -Credential or the current user''s identity (-UseDefaultCredentials). Without it, -Credential is sent as Basic and -Token as Bearer. Credentials go only to each item''s own origin (scheme, host and port): a redirect to another origin does not carry them. Over http an item fails with ErrorId UnencryptedAuthentication unless -AllowUnencryptedAuthentication is given. On Linux and macOS NTLM needs the gss-ntlmssp package, or .NET''s managed NTLM (see the README). Cannot be combined with -Session; set it on New-AsyncWebSession instead.'
        Credential                 = 'User name and password (Get-Credential; DOMAIN\user for Negotiate and NTLM). Sent as Basic unless -Authentication says Negotiate or NTLM; only to each item''s own origin, over https unless -AllowUnencryptedAuthentication. The password is never shown. Cannot be combined with -Token, -UseDefaultCredentials or -Session.'
        Token                      = 'Bearer token, as a SecureString, sent as "Authorization: Bearer <token>" to each item''s own origin (-Authentication Bearer or OAuth, or none). An item''s own Authorization header wins. Never shown. Cannot be combined with -Credential or -Session.'
        UseDefaultCredentials      = 'Answers Negotiate or NTLM challenges with the identity of the current user (Kerberos or NTLM single sign-on), only on each item''s own origin. With -Authentication Negotiate or NTLM only that scheme is answered. Cannot be combined with -Credential, Basic, Bearer or -Session.'
        AllowUnencryptedAuthentication = 'Sends -Credential, -Token or the current user''s identity over plain http too, where they travel readable by anyone on the path (Invoke-WebRequest''s switch of the same name). Without it such items fail with ErrorId UnencryptedAuthentication and the https items of the batch go on.'
        Certificate                = 'Client certificate for mutual TLS, with its private key (Get-PfxCertificate, a Cert: drive item, or X509CertificateLoader): offered in every TLS handshake of the batch. A certificate without its private key stops the command with ErrorId CertificateWithoutPrivateKey. Batches with the same certificate (same thumbprint) share connections. Cannot be combined with -CertificateThumbprint or -Session.'
        CertificateThumbprint      = 'Thumbprint of a client certificate to find in the CurrentUser\My certificate store, else in LocalMachine\My (Windows; .NET on Linux and macOS has a CurrentUser\My store too). Spaces and case do not matter. Not found: ErrorId CertificateNotFound.'
        SslProtocol                = 'TLS versions allowed, as Invoke-WebRequest -SslProtocol: Default (the operating system''s choice), Tls12, Tls13, or both (Tls12, Tls13). TLS 1.0 and 1.1 are not offered: .NET marks them obsolete and current systems refuse them. On Windows PowerShell 5.1, Default offers TLS 1.2 (and 1.3 where Windows has it) when the process setting ([Net.ServicePointManager]::SecurityProtocol) would not; Tls13 on .NET Framework 4.7.2 stops with ErrorId TlsVersionNotSupported. Cannot be combined with -Session.'
        Resolve                    = 'host:port:address[,address...] entries, as curl --resolve: requests to that host and port connect to these addresses (by Happy Eyeballs: interleaved by family, the next one 250 ms after the last or at once when it fails) instead of looking the name up, while the Host header, SNI, the certificate check, cookies and credentials stay on the name. * as host: any host (named entries first). IPv6 addresses bare or in [brackets]. Per item: a Resolve property (a string or several), whose entries come before the batch''s. A redirect or next page to another host or port connects as usual. A bad entry: ErrorId InvalidResolve (the batch''s stop it; an item''s fail that item). Not with -UnixSocket or -Proxy (ConflictingParameters). PowerShell 7 only (ConnectPinNotSupported on Windows PowerShell).'
        ConnectTo                  = 'host:port:tohost:toport entries, as curl --connect-to: requests to that host and port connect to tohost:toport instead (tohost looked up as usual, or pinned by -Resolve), the Host header, SNI and certificate check staying on the name. Empty host or port: any; empty tohost or toport: the same. Per item: a ConnectTo property. A bad entry: ErrorId InvalidConnectTo. Not with -UnixSocket or -Proxy. PowerShell 7 only.'
        EveryAddress               = 'One request per address of each item''s host: A and AAAA records (looked up once per name, on the pipeline thread, within -ConnectTimeoutSec), or the addresses of a -Resolve entry for it (after any -ConnectTo). Each request is pinned to its address (retries, redirects on that host:port and next pages stay on it) with the Host header, SNI and certificate check on the name, and its result says which in TargetAddress (RemoteAddress too, once connected): is every backend behind a name healthy. Each request has an Index of its own, an item''s addresses numbered in turn (Input is the item). A name that cannot be looked up is sent once and fails with DnsResolutionFailed. Not with -OutFile, -OutDirectory, -JournalPath, -Partition, -UnixSocket or -Proxy (ConflictingParameters). PowerShell 7 only.'
        UnixSocket                 = 'Path of a Unix domain socket that every connection goes to instead of TCP, as Invoke-WebRequest -UnixSocket (Docker''s /var/run/docker.sock, for example). The URI still gives the Host header, the path and the per-host limits; use http://localhost with -BaseUri or in absolute URIs. No socket at the path fails each item with ErrorId ConnectionRefused; -ConnectTimeoutSec, -ThrottleLimit and the other limits apply as over TCP. PowerShell 7 only: Windows PowerShell stops with ErrorId UnixSocketNotSupported. Cannot be combined with -Proxy or -Session.'
        BaseUri                    = 'Absolute http:// or https:// URI that relative URIs (''/containers/json'') resolve against, as New-AsyncWebSession -BaseUri does for a session. Credentials still go to each item''s own origin. Cannot be combined with -Session, whose base URI applies.'
        SensitiveQueryParameter    = 'More query parameter names whose values are shown as *** wherever a URI is shown: verbose messages, error messages, ToString(), the default table view and the job''s command line. These are always hidden, in any letter case: sig, signature, token, access_token, api_key, apikey, key, password, secret, code, X-Amz-Signature, X-Amz-Credential, X-Goog-Signature; user:password in a URI is shown as ***@. The Uri and FinalUri properties keep the real URIs.'
        Partition                  = 'Sends only shard i of N of the input, written ''i/N'' with i from 0 (''0/4'' is the first of four), so that N runs (on N hosts, pods or jobs) each take a disjoint part and together all of it. Items are assigned by their host (or by -PartitionKey) with a fixed hash, the same on every machine and version, so each host lives in one shard and per-host limits, circuit breakers and backoff stay correct. Items of other shards are skipped without output; Index is still the position in the whole input. An item without a usable URI (or key) belongs to shard 0, which reports it. ''*/N'' takes i from $env:JOB_COMPLETION_INDEX, which a Kubernetes Indexed Job sets in each pod. A value that is not a shard stops the command with ErrorId InvalidPartition.'
        PartitionKey               = 'With -Partition: the property (or hashtable key, or CSV column) whose value assigns an item to a shard, instead of its host; items with the same value always run together. Items without that property belong to shard 0, and a warning at the end says how many there were.'
        AdaptiveThrottle           = 'Adapts each host''s concurrency limit to how it answers, as TCP adapts its window (AIMD): a 429, a 503 or a timeout halves the host''s limit (once per wave of requests, so a burst of refusals halves it once), and a clean window (as many good answers as the limit) raises it by one, between -MinimumThrottleLimitPerHost and -MaximumThrottleLimitPerHost. Each host starts at -ThrottleLimitPerHost when given, else at the maximum. Use it with -MaximumRetryCount, so refused items are tried again. -Verbose tells each change and each host''s final limit; every result carries HostLimit (its host''s limit when it finished) and Measure-AsyncWebBatch reports the final limit of each host in HostLimits.'
        MinimumThrottleLimitPerHost = 'With -AdaptiveThrottle: the lowest a host''s limit goes (default 1).'
        MaximumThrottleLimitPerHost = 'With -AdaptiveThrottle: the highest a host''s limit goes (default: -ThrottleLimit).'
        JournalPath                = 'Records every finished item in this file, one JSON line each (index, a key of the request, method, URI with its secrets as ***, status, success, ErrorId, OutFile, Sha256, time), written and handed to the operating system before the item''s result is emitted. Run the same command again with the same journal and the items that succeeded are not sent again: each gets a result with Skipped and FromJournal set, carrying the journal''s status, OutFile and Sha256; everything else runs. So after Ctrl+C, a crash or kill -9, the two runs together handle each item exactly once (an item whose request was in flight when the process died is sent again: see -IdempotencyKey). An item is known by the request it sends: its input position (or -JournalKey), method, URI, body (a JSON or form body by its content, in any order of members), -InFile and -Form files (path, length, last write time) and headers, credentials and User-Agent excepted; so an item whose body changed is sent again (with a new Idempotency-Key), and a journal of another command matches nothing. Done means no error and a final status below 400, also under -SkipHttpErrorCheck (a 503 then runs again). A journal of AsyncWeb 0.2.0 (format 1) is refused (ErrorId UnsupportedJournalVersion). A torn last line (a process killed mid-write) is ignored and cut off. The file is locked against a second batch while in use; it is synced to disk at the end of the batch, so a power loss (not a kill) can lose the last lines written, whose items then run again. A file that is not an AsyncWeb journal is refused (ErrorId InvalidJournal), one that cannot be written too (JournalUnusable); a write that fails mid-batch (a full disk) ends the batch with JournalUnusable, and the journal is freed for the next one. An item whose pages are followed (-FollowRelLink, -NextLink, -PageParameter) is one line, written with the result that ends it once its last page was fetched, and recorded as succeeded only when every page succeeded; a re-run gives a journaled item one Skipped, FromJournal result with PageIndex 0, and fetches every page of the items not journaled.'
        JournalKey                 = 'The property (or hashtable key, or CSV column) that identifies an item in the journal and in its Idempotency-Key, instead of its input position: for input whose order may change between runs. The method, URI, body and headers (credentials excepted) still count, so a changed request runs again. Values should be unique; an item without it fails with ErrorId MissingJournalKey.'
        IdempotencyKey             = 'Sends an Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header, as Stripe and many APIs honour it) with every request whose method is not GET, HEAD, OPTIONS or TRACE. The value is derived from the run id and the item''s key, so it is the same on every attempt and on every run of the same -JournalPath: a server that honours it answers a repeat with its first answer instead of acting twice. Such requests are retried like idempotent ones (no -RetryAllMethods needed). An Idempotency-Key header you give wins. The next pages of an item (-FollowRelLink, -NextLink) carry a key derived from the item''s and the page number, so no page is answered with another page''s replay.'
        RunId                      = 'The run the Idempotency-Keys derive from. By default it is the journal''s (written in its first line when the journal is created), or a new one for a batch without a journal; give the same value to repeat a batch without a journal. A value that differs from the journal''s stops the command with ErrorId ConflictingParameters.'
        AsJob                      = 'Runs the batch as a background job in this session and returns the job at once. Receive-Job streams the results as they finish (failures arrive in the job''s error stream, or as results with -FailuresAsResults); Stop-Job cancels the requests in flight. Pipeline input is read before the command returns. When the command feeding the pipeline fails, the job still sends the items it received, delivers their results, and then ends as Failed with that error in its error stream (ErrorId PipelineInputFailed).'
        FollowRelLink              = 'Follows the pages of each item, as Invoke-RestMethod -FollowRelLink does: while a response has a Link header with rel="next", that URI (resolved against the page''s own URI) is requested next, with the item''s method, headers and body. Every page is a result of its own with the item''s Index and its PageIndex (0 for the first), so Group-Object Index gathers one item''s pages; pages of one item come one after another, pages of different items concurrently under the usual limits. Several Link headers, several links in one header and a rel with several values ("next last") are understood. Credentials (Authorization, Cookie, the session''s token) go only to pages on the item''s own origin. A next link to a page the item already fetched ends its pages with ErrorId PaginationLoop; an unusable one with InvalidNextLink; one from HTTPS to HTTP with InsecureRedirect unless -AllowInsecureRedirect. A failed page ends the item''s pages with that page''s error. Cannot be combined with -OutFile or -OutDirectory.'
        MaximumFollowRelLink       = 'Most pages per item, the first included, as Invoke-RestMethod counts them: 1 fetches only the first page. Reaching it ends the item''s pages quietly (-Verbose says so). Without it, an item may have 10,000 pages: more (a next link on the 10,000th page, or a first page that announces more) is the item''s TooManyPages error in the next page''s place. Applies to -FollowRelLink, -NextLink and -TotalCount alike.'
        NextLink                   = 'Property path of the next page''s link in each page''s JSON body, for APIs that put it there instead of a Link header: ''next'', ''links.next'', ''data[0].href'' or ''@odata.nextLink''. Names are separated by dots; a name that itself contains a dot, bracket or quote may be written as [''name''] (a quote inside doubled); without brackets, where the body has a property named by several dotted names together, the longest wins, so ''@odata.nextLink'' works as written. A relative link resolves against the page''s URI; a missing, null or empty value ends the pages; a body that is not JSON or a value that is not text ends them with ErrorId InvalidNextLink. Only that value is read (System.Text.Json): the body is not turned into PowerShell objects. With -FollowRelLink too, a page without a link in its body may still have one in its Link header.'
        PageParameter              = 'The query parameter that numbers pages from 1 (for example page). When the first page reveals the last one, the remaining pages are fetched concurrently instead of one after another: with -FollowRelLink, when its rel="next" and rel="last" links differ in nothing but this number (pages next to last), or with -TotalCount and -PageSize (pages 2 to the last, counted from the number in the item''s URI, else 1). Exactly those pages are requested, each once, each a result with its PageIndex, within -ThrottleLimit, -ThrottleLimitPerHost (or -AdaptiveThrottle) and -MaximumFollowRelLink; a page to a paused host (Retry-After, rate-limit headers) waits for it as any request to that host does. When the links do not say so exactly, pages are followed one by one.'
        TotalCount                 = 'Property path (as for -NextLink) of the number of records in the first page''s JSON body, for example ''meta.total''. With -PageParameter and -PageSize it gives the last page, ceiling(total / PageSize), and the remaining pages are fetched concurrently. A first page without such a whole number there ends the item with ErrorId InvalidTotalCount, unless -FollowRelLink or -NextLink can follow its links instead.'
        PageSize                   = 'Records per page, with -TotalCount: the number of records the API puts on each page (the per_page or limit your URI asks for).'
        Stream                     = 'Emits a response as it arrives, for every item of the batch at once: each server-sent event, JSON line, text line or element of a top-level JSON array becomes an AsyncWeb.WebBatchStreamItem (Index, Uri, RedactedUri, Sequence from 1, Format, Event, Id, Data, ContentObject, Received, Input) while the response is still open, and when the stream ends the item''s usual WebBatchResult follows, with its status and headers, no body, StreamItemCount and TimeToFirstStreamItemMs; a failure is the item''s usual error (or failed result with -FailuresAsResults). The format comes from the Content-Type (text/event-stream; application/x-ndjson, application/jsonl; application/json-seq; JSON; other text as lines) unless -StreamFormat names one. A stream that is silent longer than -OperationTimeoutSec fails with OperationTimeout; -TimeoutSec and -TotalTimeoutSec bound its whole length only when given. An event stream reconnects as the server-sent events standard says, with Last-Event-ID, up to -MaximumRetryCount times in a row without an event; a 204 or an HTTP error ends it. Items wait for the pipeline in a queue of at most 8 MiB (or -MaximumBufferSize, if smaller): a slow consumer slows the readers. Each open stream holds a -ThrottleLimit slot. Cannot be combined with -FollowRelLink, -NextLink, -TotalCount, -OutFile or -OutDirectory (ConflictingParameters). Per item: a Stream property ($true or $false) overrides it.'
        StreamFormat               = 'How a streamed body is cut into items: Auto (default: from the Content-Type; a JSON body streams the elements of a top-level array, or else each top-level JSON value), ServerSentEvents, JsonLines, JsonSequence, Lines or JsonArray (elements of a top-level JSON array, read incrementally with flat memory). Giving it implies -Stream. Per item: a StreamFormat property (an unknown name is that item''s InvalidStreamFormat error).'
        MaximumStreamItemBytes     = 'The largest event, line or array element of a stream, in bytes (default 16 MiB): a larger one ends that item''s stream with StreamItemTooLarge, after the items before it were emitted. Only the unit being cut is held, never the whole body.'
        IfChanged                  = 'Downloads only what changed on the server since the last run. After each download it keeps the server''s ETag and Last-Modified with the file''s length, last write time and SHA-256 (in a hidden folder .asyncweb-validators of the download directory, one small file per URL, written whole or not at all); the next run asks with If-None-Match and If-Modified-Since, and a 304 Not Modified becomes a result with Skipped = $true and SkipReason NotModified, its OutFile and Sha256, and the file untouched. A file that was deleted or changed locally (another length or last write time), one whose recorded SHA-256 is not the -Sha256 expected, or a -Resume partial file waiting to be continued is fetched again without asking. Works with -OutFile and -OutDirectory (the record is found by URL before the response names the file). A changed file replaces the old one, as with -Force; cannot be combined with -SkipExisting. Only GET downloads take part; other items are sent as usual.'
    }

    DefaultValues = @{
        UserAgent       = 'AsyncWeb/<module version> (PowerShell <platform>)'
        RetryStatusCode = '408, 429, 500, 502, 503, 504'
        MaximumResponseSize = '268435456 (256 MiB)'
        MaximumBufferSize   = '536870912 (512 MiB)'
        MaximumThrottleLimitPerHost = 'ThrottleLimit (the value of -ThrottleLimit)'
        PageSize            = 'None (required with -TotalCount)'
        MaximumStreamItemBytes = '16777216 (16 MiB)'
    }

    Inputs      = @(
        @{ Type = 'System.String'; Description = 'A URI to request.' }
        @{ Type = 'System.Uri'; Description = 'A URI to request.' }
        @{ Type = 'System.Collections.IDictionary'; Description = 'A hashtable with a Uri (or Url, Href) key and optional Method, Headers, Body, ContentType, OutFile, Sha256, InFile and Form keys.' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Uri, Url or Href property and the same optional properties, such as the rows of Import-Csv.' }
    )

    Outputs     = @(
        @{ Type = 'AsyncWeb.Commands.AsyncWebJob'; Description = 'With -AsJob: the job running the batch (Receive-Job returns its WebBatchResult objects).' }
        @{ Type = 'AsyncWeb.WebBatchStreamItem'; Description = 'With -Stream: one per event, line or array element of a response while it is open: Index and Uri (the item''s), RedactedUri, Sequence (from 1 in each item), Format, Event and Id (server-sent events), Data (the text), ContentObject (Data parsed as JSON by PowerShell''s own parser, on first use), Received and Input. The item''s WebBatchResult follows when its stream ends.' }
        @{ Type = 'AsyncWeb.WebBatchResult'; Description = 'One per input item: Index, Uri, FinalUri, Method, StatusCode, Success, Skipped, Headers, ContentType, ContentLength, Content (text bodies), RawContent (binary bodies), OutFile, Sha256, Resumed, Elapsed, StartTime, StartTimeUtc, Attempts, Error, Input, ProtocolVersion, BytesSent (request body bytes sent), PageIndex (which page of its item: 0 for the first; -FollowRelLink, -NextLink, -TotalCount make one result per page) and SkipReason (FileExists for -SkipExisting, NotModified for -IfChanged); where the time went: QueueWaitMs, DnsLookupMs, ConnectMs, TlsHandshakeMs, TimeToFirstByteMs, TransferMs, ConnectionReused, RemoteAddress, RemotePort, TlsProtocol and TlsCipherSuite; plus ContentObject (the body as Invoke-RestMethod returns it: JSON as objects, XML as an XmlDocument, other text as the string, null for binary bodies; parsed on first use only), RedactedUri (the URI with its secrets as ***), ErrorId, and TraceId and SpanId (the W3C ids its last attempt''s traceparent header carried; empty with -NoTraceParent). Failed items are written as error records instead, unless -FailuresAsResults is given; the record''s TargetObject is the result.' }
    )

    Notes       = @'
ErrorIds are stable; scripts can match on them with $_.FullyQualifiedErrorId -like 'HttpStatus,*' or, with -FailuresAsResults, on $_.Error.ErrorId.
The input item: EmptyUri, InvalidUri, RelativeUriWithoutBase, UnsupportedScheme, MissingScheme (a host written without http:// or https://; the message names both URIs meant), InvalidHeader, InvalidMethod, InvalidBody, InvalidOutFile, InvalidInFile (a file to upload is missing or unreadable), UnencryptedAuthentication (credentials would go over plain http), MissingJournalKey (the item lacks the property -JournalKey names), UnknownItemKey (a hashtable item has a key no request field reads, such as Metod; the message names the nearest key), InvalidRequest (the request could not be built from the item as given: its content or headers threw, not the network; not retried).
Reaching the server: DnsResolutionFailed, ConnectionRefused, ConnectionReset, ResponseTruncated (the connection closed cleanly before the body reached its Content-Length; retried like a reset), ConnectionFailed, TlsHandshakeFailed (a certificate that failed validation is not retried).
Time limits: ConnectTimeout, OperationTimeout, RequestTimeout (one attempt), TotalTimeout (the whole item across retries).
The response: HttpStatus, TooManyRedirects, InsecureRedirect, InvalidRedirect, ProtocolError, ResponseHeadersTooLarge, ResponseTooLarge, HttpVersionNotSupported, TooManyContentEncodings (an in-memory response lists more than 5 content codings; not retried).
Files: FileExists, DuplicateOutFile, FileWriteFailed, HashMismatch.
Pages (-FollowRelLink, -NextLink, -TotalCount), as the result in the next page's place: PaginationLoop (the next link leads to a page the item already fetched), InvalidNextLink (the next link is not a usable http or https URI, the body is not JSON, or the value at -NextLink is not text), InvalidTotalCount (the first page has no whole number at -TotalCount and there are no links to follow); a next link from HTTPS to HTTP is InsecureRedirect unless -AllowInsecureRedirect. A property path that cannot be read stops the command with InvalidPropertyPath before anything is sent.
Streams (-Stream), after the units that arrived: StreamItemTooLarge (a unit larger than -MaximumStreamItemBytes), StreamFormatError (a body that is not what its stream format says, or a reconnected event stream that is no longer text/event-stream); an item's Stream or StreamFormat that cannot be used is InvalidStreamFormat.
Resilience: CircuitOpen, RateLimited. Cancellation: Canceled.
Parameters that cannot work together stop the command before anything is sent: ConflictingParameters, ParameterConflictsWithSession, SessionDisposed, InvalidHttpVersion, InvalidCircuitBreakerThreshold, InvalidBaseUri (its message never quotes the value), OutDirectoryUnusable; for authentication CredentialRequired, TokenRequired and, on New-AsyncWebSession, CredentialWithoutBaseUri; TlsVersionNotSupported (-SslProtocol Tls13 on .NET Framework 4.7.2).
Elsewhere: -AsJob's job ends Failed with AsyncWebJobFailed (or PipelineInputFailed when its input failed); Measure-AsyncWebBatch skips what is not a result with NotAWebBatchResult, stops at a -Threshold that does not parse with InvalidThreshold, and writes ThresholdFailed for each threshold that did not hold; a -TraceParent that is not a W3C traceparent stops the command with InvalidTraceParent; a journal of another format (such as 0.2.0's) stops the command with UnsupportedJournalVersion.

Secrets in URIs are never shown: user:password and the values of sensitive query parameters (see -SensitiveQueryParameter) appear as *** in verbose and error messages, ToString() and the default view; the Uri and FinalUri properties keep the real URIs for scripts.

Bodies larger than -MaximumResponseSize (256 MiB) are not kept in memory (ErrorId ResponseTooLarge): download them with -OutFile or -OutDirectory. In-memory bodies are decompressed (gzip, deflate, and brotli on PowerShell 7) and text bodies decoded by their charset (UTF-8 by default); Headers show the response as the server sent it. HEAD, 1xx, 204, 205 and 304 answers have no body and none is read.

A download killed hard (kill -9, a crash) leaves its temporary file (.<name>.<pid>.<random>.asyncweb-tmp); the next batch that downloads into that folder removes those whose process has exited and which nobody holds open.

Without -Session, batches with the same connection settings share a pool of warm connections for the life of the module.

Traces: every request carries a W3C traceparent header, unless -NoTraceParent: the batch's trace id (from -TraceParent, else the current Activity on PowerShell 7, else new), and a new span id per attempt, so a retry is a new span of the same trace; a redirect is followed within the attempt's span. The result's TraceId and SpanId say what the last attempt sent. On PowerShell 7 the module's ActivitySource, named AsyncWeb, starts one activity per attempt (kind Client, named after the method) when something listens to it, such as an OpenTelemetry SDK with AddSource('AsyncWeb'): with the attributes http.request.method, url.full (redacted as in every message), server.address, server.port, http.request.resend_count, http.response.status_code, network.protocol.version and error.type (the ErrorId); no header value is recorded. Without a caller's trace, the batch is then a span of its own (Invoke-AsyncWebBatch), the parent of its requests'. Windows PowerShell 5.1 has no ActivitySource: there the header and TraceId and SpanId only.

Where the time went: every result carries the phases of its last request in milliseconds, as curl's -w does. QueueWaitMs is the wait before the first attempt (a ThrottleLimit or ThrottleLimitPerHost slot, a RequestsPerSecond permit), kept apart from the request's own phases: DnsLookupMs, ConnectMs and TlsHandshakeMs (0 when ConnectionReused is true; TlsHandshakeMs is null over plain http), TimeToFirstByteMs (last byte sent to response headers) and TransferMs (headers to the end of the body). RemoteAddress and RemotePort name the address actually connected to (over -UnixSocket there is none: both are null, as DnsLookupMs is, while ConnectMs and ConnectionReused are measured as over TCP); TlsProtocol and TlsCipherSuite what TLS negotiated. A phase that cannot be seen is null: over HTTP/2 only the request that opened a connection gets its phases; on Windows PowerShell 5.1 only QueueWaitMs, TimeToFirstByteMs and TransferMs are filled. Format-Table -View Timings shows them; Measure-AsyncWebBatch summarises them.

Fan-out over PowerShell remoting, one shard per host (the README has the full recipe):
    $sessions = New-PSSession -HostName h1, h2, h3 -UserName ops -KeyFilePath ~/.ssh/id_ed25519
    $n = $sessions.Count
    for ($i = 0; $i -lt $n; $i++) { Invoke-Command -Session $sessions[$i] { Import-Module AsyncWeb; $global:Shard = "$using:i/$using:n" } }
    Invoke-Command -Session $sessions -ThrottleLimit $n { $using:uris | Invoke-AsyncWebBatch -Partition $Shard -FailuresAsResults } | Measure-AsyncWebBatch
In a Kubernetes Indexed Job, -Partition '*/N' takes the shard from $env:JOB_COMPLETION_INDEX (docs/kubernetes in the repository). A -Partition that is not a shard, a missing JOB_COMPLETION_INDEX, or -PartitionKey without -Partition stops the command with ErrorId InvalidPartition before anything is sent.

One host, one backoff: a 429 or 503 with Retry-After, or rate-limit headers that say nothing remains (RateLimit-Remaining/RateLimit-Reset, RateLimit of the IETF draft, X-RateLimit-Remaining/X-RateLimit-Reset), pause that whole host until then, at most -MaximumRetryAfterSec: its waiting items and its retries wait (a retrying item gives its slot to other hosts meanwhile), other hosts go on. -Verbose says when a host pauses and resumes, the progress bar shows it, and each result's HostWaitMs says how long the item waited for its host.

Journal and idempotency keys: with -JournalPath, a batch killed or stopped can be run again with the same command and journal: items that succeeded are not sent again (their results say FromJournal). A journal that is not one stops the command with InvalidJournal, one that cannot be written (or is in use by another batch) with JournalUnusable. -IdempotencyKey makes the items that were in flight when the process died safe to send again, with a server that honours Idempotency-Key.

Results that arrive through remoting, jobs or Import-Clixml are Deserialized.AsyncWeb.WebBatchResult objects with the same table view; they carry StartTimeUtc (exact) instead of StartTime, and no RawContent or ContentObject.
'@

    Examples    = @(
        @{
            Title   = 'One GET'
            Code    = @'
$result = Invoke-AsyncWebBatch -Uri "$base/json"
$result | Select-Object StatusCode, ContentType, ContentLength, ElapsedMs
$result.ContentObject.name
'@
            Remarks = 'Sends one GET and reads the JSON body of the result: ContentObject is the body parsed as Invoke-RestMethod would return it. The same cmdlet that runs thousands of requests is a fine way to send one.'
        }
        @{
            Title   = 'A concurrent batch from a list'
            Code    = @'
1..20 | ForEach-Object { "$base/delay/200?n=$_" } | Set-Content ./urls.txt
Get-Content ./urls.txt |
    Invoke-AsyncWebBatch -ThrottleLimit 10 |
    Sort-Object Index |
    Format-Table Index, StatusCode, ElapsedMs, Uri
'@
            Remarks = 'Requests every URL of a text file, ten at a time: twenty requests of 200 ms each take about 0.4 s instead of 4 s. Results arrive in completion order; Sort-Object Index (or -Ordered) restores the order of the list.'
        }
        @{
            Title   = 'A JSON POST with a bearer token'
            Code    = @'
$token = ConvertTo-SecureString 'demo-token' -AsPlainText -Force
$api = New-AsyncWebSession -BaseUri $base -Token $token -AllowUnencryptedAuthentication
$orders = 1..3 | ForEach-Object { @{ Uri = '/echo'; Body = @{ id = $_; sku = "A-$_" } } }
$orders | Invoke-AsyncWebBatch -Session $api -Method POST -Ordered |
    ForEach-Object { $_.ContentObject.body }
$api.Dispose()
'@
            Remarks = 'Each hashtable is one request: its Body is converted to JSON and sent with Content-Type application/json to /echo, resolved against the session''s base URI. The session adds "Authorization: Bearer demo-token" to every request to its base URI''s origin, and to no other host; the token is never shown in output, errors or verbose messages. -AllowUnencryptedAuthentication is there because the local test server speaks plain http; an https:// API needs no switch. Read the token from a vault or with Read-Host -AsSecureString rather than writing it in a script.'
        }
        @{
            Title   = 'Throttling: in flight at once, per host, and per second'
            Code    = @'
$uris = 1..100 | ForEach-Object { "$base/delay/50?n=$_" }
$uris | Invoke-AsyncWebBatch -ThrottleLimit 64 -ThrottleLimitPerHost 8 |
    Measure-AsyncWebBatch | Select-Object Count, Succeeded, WallTime, RequestsPerSecond

1..10 | ForEach-Object { "$base/json?page=$_" } |
    Invoke-AsyncWebBatch -RequestsPerSecond 20 |
    Measure-AsyncWebBatch | Select-Object Count, Succeeded, WallTime, RequestsPerSecond
'@
            Remarks = 'The first batch keeps at most 64 requests in flight overall but only 8 to any one host, so this single-host batch runs 8 at a time. The second starts at most 20 requests per second, for APIs that count calls rather than connections; add -RateLimitPerHost to give each host its own budget.'
        }
        @{
            Title   = 'Timeouts: connect, silence, and the whole request'
            Code    = @'
"$base/json", "$base/drip?bytes=10&intervalMs=3000", "$base/drip?bytes=20&intervalMs=300" |
    Invoke-AsyncWebBatch -ConnectTimeoutSec 5 -OperationTimeoutSec 1 -TimeoutSec 2 -FailuresAsResults -Ordered |
    Format-Table Index, StatusCode, ErrorId, ElapsedMs
'@
            Remarks = 'The JSON answers at once. The first /drip sends its headers, then falls silent for 3 s before each byte, so -OperationTimeoutSec 1 ends it after a second with ErrorId OperationTimeout. The second /drip sends a byte every 0.3 s, never silent for long, but would need 6 s in all, so -TimeoutSec 2 ends it with ErrorId RequestTimeout. -ConnectTimeoutSec bounds opening the connection (ErrorId ConnectTimeout). The batch takes about 2 s, not 30.'
        }
        @{
            Title   = 'A download batch into a folder, skipping what is already there'
            Code    = @'
$reports = 1..5 | ForEach-Object { "$base/content-disposition?name=report-$_.csv" }
$reports | Invoke-AsyncWebBatch -OutDirectory ./reports -SkipExisting |
    Format-Table Index, StatusCode, ContentLength, Skipped, OutFile

# Run it again: nothing is written twice.
$reports | Invoke-AsyncWebBatch -OutDirectory ./reports -SkipExisting |
    Measure-AsyncWebBatch | Select-Object Count, Skipped
'@
            Remarks = 'Streams each body to ./reports under the name the server gives in Content-Disposition (or the last segment of the URL). Every file appears only once it is complete. The second run finds the files and marks every result Skipped; use -Force to overwrite instead, and -Resume to continue interrupted downloads.'
        }
        @{
            Title   = 'A download batch from a CSV file, one OutFile per row'
            Code    = @'
New-Item -ItemType Directory -Force -Path ./data | Out-Null
@(
    [pscustomobject]@{ Url = "$base/bytes/1000"; OutFile = './data/small.bin' }
    [pscustomobject]@{ Url = "$base/bytes/250000"; OutFile = './data/large.bin' }
) | Export-Csv -Path ./downloads.csv

Import-Csv ./downloads.csv |
    Invoke-AsyncWebBatch -SkipExisting -ThrottleLimit 4 -ComputeSha256 |
    Format-Table Index, ContentLength, Skipped, Sha256, OutFile
'@
            Remarks = 'Each CSV row names its URL and its target file; -ComputeSha256 fills the Sha256 column of what was downloaded (a Sha256 column in the CSV would check every download against it instead). Rows whose file already exists are skipped without sending a request, so the command can be run again after a failure to fetch only what is missing.'
        }
        @{
            Title   = 'Retries with backoff'
            Code    = @'
$key = New-Guid
"$base/retry/${key}?failures=2&status=503" |
    Invoke-AsyncWebBatch -MaximumRetryCount 3 -RetryIntervalSec 0.2 |
    Select-Object StatusCode, Attempts, ElapsedMs

"$base/retry/${key}-busy?failures=1&status=429&retryAfter=1" |
    Invoke-AsyncWebBatch -MaximumRetryCount 2 -MaximumRetryAfterSec 5 |
    Select-Object StatusCode, Attempts, ElapsedMs
'@
            Remarks = 'The test server''s /retry endpoint fails the first calls for a key. The first request gets 503 twice and succeeds on the third attempt after short, jittered waits. The second gets 429 with Retry-After: 1 and waits the second the server asked for. Connection failures, timeouts and 408, 429, 500, 502, 503 and 504 are retried; POST is retried only with -RetryAllMethods.'
        }
        @{
            Title   = 'Handling failures with -ErrorVariable and ErrorIds'
            Code    = @'
$uris = "$base/json", "$base/status/404", "$base/status/503", 'http://127.0.0.1:1/'
$ok = $uris | Invoke-AsyncWebBatch -ErrorVariable failed -ErrorAction SilentlyContinue
"$(@($ok).Count) succeeded, $($failed.Count) failed"
$failed | ForEach-Object { '{0,-18} {1}' -f $_.TargetObject.Error.ErrorId, $_.TargetObject.Uri }
$notFound = $failed | Where-Object { $_.FullyQualifiedErrorId -like 'HttpStatus,*' -and $_.TargetObject.StatusCode -eq 404 }
"$(@($notFound).Count) not found"
'@
            Remarks = 'Successes go down the pipeline; each failure is an error record in $failed whose FullyQualifiedErrorId starts with a stable ErrorId (HttpStatus, ConnectionRefused, ...) and whose TargetObject is the full result. Leave out -ErrorAction SilentlyContinue to also see the errors as they happen.'
        }
        @{
            Title   = 'Failures as results, or stop at the first one'
            Code    = @'
$results = "$base/json", "$base/status/500", "$base/status/404" | Invoke-AsyncWebBatch -FailuresAsResults
$results | Where-Object { -not $_.Success } |
    ForEach-Object { '{0} {1}: {2}' -f $_.StatusCode, $_.ErrorId, $_.Error.Message }

try {
    "$base/json", "$base/status/500", "$base/delay/3000" | Invoke-AsyncWebBatch -ErrorAction Stop
}
catch {
    "Stopped: $($_.FullyQualifiedErrorId)"
}
'@
            Remarks = 'With -FailuresAsResults every item, good or bad, is a result; filter on Success and read ErrorId and Error.Message. With -ErrorAction Stop the first failure ends the command: the requests still in flight (here the 3 s delay) are cancelled and the error can be caught.'
        }
        @{
            Title   = 'A batch as a background job'
            Code    = @'
$job = 1..20 | ForEach-Object { "$base/delay/100?n=$_" } | Invoke-AsyncWebBatch -AsJob -ThrottleLimit 5
$job | Receive-Job -Wait | Measure-AsyncWebBatch | Select-Object Count, Succeeded, WallTime
Remove-Job $job

$slow = 1..10 | ForEach-Object { "$base/delay/30000?n=$_" } | Invoke-AsyncWebBatch -AsJob
Stop-Job $slow
$slow.State
Remove-Job $slow
'@
            Remarks = 'The first job runs twenty requests while the prompt stays free; Receive-Job -Wait streams the results as they finish. Stop-Job ends the second job at once and cancels its requests on the server.'
        }
        @{
            Title   = 'One input, several workers: shards'
            Code    = @'
$calls = 1..40 | ForEach-Object { @{ Uri = "$base/json?n=$_"; Tenant = "tenant-$($_ % 8)" } }
$module = (Get-Module AsyncWeb).ModuleBase
$jobs = foreach ($shard in 0, 1) {
    Start-Job { Import-Module $using:module; $using:calls | Invoke-AsyncWebBatch -Partition "$using:shard/2" -PartitionKey Tenant }
}
$results = $jobs | Receive-Job -Wait -AutoRemoveJob
$results | Group-Object { $_.Input.Tenant } | Sort-Object Name | Format-Table Count, Name
$results | Measure-AsyncWebBatch | Select-Object Count, Succeeded, P50Ms, WallTime
'@
            Remarks = 'Two process jobs run shard 0 and shard 1 of the same 40 calls. -PartitionKey Tenant keeps every call of a tenant in one shard (without it, calls go by host); each job sends only its share, Index stays the position in the whole list, and together the jobs send every call once. The results come back deserialized and Measure-AsyncWebBatch summarises them as one batch. The same works with Invoke-Command on many hosts, or in a Kubernetes Indexed Job with -Partition ''*/N''.'
        }
        @{
            Title   = 'Memory bounded by bytes: one body, and the whole batch'
            Code    = @'
"$base/bytes/500000", "$base/bytes/2000000", "$base/json" |
    Invoke-AsyncWebBatch -MaximumResponseSize 1MB -MaximumBufferSize 4MB -FailuresAsResults -Ordered |
    Format-Table Index, StatusCode, ContentLength, ErrorId

1..50 | ForEach-Object { "$base/bytes/1000000?n=$_" } |
    Invoke-AsyncWebBatch -ThrottleLimit 32 -MaximumBufferSize 8MB |
    ForEach-Object { Start-Sleep -Milliseconds 10; $_ } |
    Measure-AsyncWebBatch | Select-Object Count, Succeeded, Bytes
'@
            Remarks = 'In the first batch the 2 MB body is more than -MaximumResponseSize allows in memory, so that item fails with ResponseTooLarge while the others succeed; download such bodies with -OutFile instead. In the second, 32 requests may be in flight, but a slow consumer never has more than about 8 MB of bodies waiting for it: new requests start as it takes results.'
        }
        @{
            Title   = 'A hashtable as the query string of a GET'
            Code    = @'
$result = Invoke-AsyncWebBatch "$base/echo?page=2" -Body ([ordered]@{ q = 'web 01'; tag = 'a', 'b' })
$result.Uri.Query
$result.ContentObject.query
'@
            Remarks = 'As with Invoke-RestMethod, a hashtable body of a GET (or HEAD) is URL-encoded into the query string and added to the query the URI already has: ?page=2&q=web+01&tag=a&tag=b. Each value of an array repeats its key. Other methods send a hashtable as a JSON body.'
        }
        @{
            Title   = 'Per-item methods and headers, in input order'
            Code    = @'
@(
    @{ Uri = "$base/echo"; Method = 'PUT'; Body = 'plain text' }
    @{ Uri = "$base/echo"; Method = 'DELETE'; Headers = @{ 'X-Reason' = 'cleanup' } }
    @{ Uri = "$base/status/204"; Method = 'HEAD' }
) | Invoke-AsyncWebBatch -Headers @{ 'X-Batch' = 'nightly' } -Ordered |
    Format-Table Index, Method, StatusCode, Uri
'@
            Remarks = 'Each hashtable chooses its own method, body and headers; -Headers are added to every request, and an item''s own headers win on the same name. -Ordered writes the results in the order of the input.'
        }
        @{
            Title   = 'Upload every file in a folder'
            Code    = @'
New-Item -ItemType Directory -Force -Path ./artifacts | Out-Null
1..3 | ForEach-Object { Set-Content -Path "./artifacts/build-$_.log" -Value "build $_ passed" }

Get-ChildItem ./artifacts -File |
    ForEach-Object { @{ Uri = "$base/echo?name=$($_.Name)"; InFile = $_.FullName } } |
    Invoke-AsyncWebBatch -Method PUT -ContentType 'text/plain' -ThrottleLimit 4 -MaximumRetryCount 3 |
    Format-Table Index, StatusCode, BytesSent, @{ n = 'ServerSha256'; e = { $_.ContentObject.bodySha256 } }
'@
            Remarks = 'Each file becomes one PUT whose body is streamed from disk (the InFile key), four at a time, with up to three retries: every retry opens the file again and re-sends all of it. BytesSent is the number of body bytes sent, and the test server''s /echo answers with the SHA-256 of what it received. A missing file would fail only its own item, with ErrorId InvalidInFile.'
        }
        @{
            Title   = 'A multipart form with fields and files'
            Code    = @'
Set-Content -Path ./report.csv -Value "host,status`nweb01,ok"
$form = [ordered]@{
    team   = 'ops'
    tags   = 'nightly', 'linux'
    report = Get-Item ./report.csv
    meta   = @{ Value = '{"source":"cron"}'; ContentType = 'application/json' }
}
$result = Invoke-AsyncWebBatch -Uri "$base/multipart" -Method POST -Form $form
$result.ContentObject.parts | Format-Table name, fileName, contentType, length
'@
            Remarks = 'Sends multipart/form-data as Invoke-WebRequest -Form does: text fields, an array as a repeated field, and a FileInfo as a file part streamed from disk with its name and a Content-Type from its extension (text/csv). A hashtable value describes one part, here a JSON text part. The test server''s /multipart endpoint parses the body with ASP.NET Core''s multipart reader and lists the parts it received.'
        }
        @{
            Title   = 'Every page of a paginated API, for every tenant'
            Code    = @'
$tenants = 'acme', 'globex', 'initech' | ForEach-Object { [pscustomobject]@{ Name = $_; Uri = "$base/pages/link?count=3&tenant=$_" } }
$pages = $tenants | Invoke-AsyncWebBatch -FollowRelLink -Ordered
$pages | Format-Table Index, PageIndex, StatusCode, Uri
$pages | Group-Object Index | ForEach-Object {
    [pscustomobject]@{ Tenant = $_.Group[0].Input.Name; Pages = $_.Count; Items = @($_.Group.ContentObject.items).Count }
}
'@
            Remarks = 'Each tenant''s first page answers with a Link header whose rel="next" names the next page; AsyncWeb follows it, with the item''s headers, to the last page. Every page is a result: Index says which tenant (input item) it belongs to and PageIndex which page, so Group-Object Index gathers one tenant''s pages, and Input is the tenant''s row. Tenants are fetched concurrently; with -Ordered each tenant''s pages come out in order before the next tenant''s. -MaximumFollowRelLink caps the pages per tenant, the first included.'
        }
        @{
            Title   = 'A next link in the body, and all remaining pages at once'
            Code    = @'
Invoke-AsyncWebBatch "$base/pages/json?count=4&style=odata" -NextLink '@odata.nextLink' |
    Format-Table Index, PageIndex, StatusCode, Uri

Invoke-AsyncWebBatch "$base/pages/json?count=6&size=2&delayMs=200" -TotalCount meta.total -PageSize 2 -PageParameter page |
    Sort-Object PageIndex | Format-Table PageIndex, ElapsedMs, Uri
'@
            Remarks = 'The first call follows the link an OData API puts in each page''s body; ''@odata.nextLink'' works as written (a name with a dot can also be written [''@odata.nextLink'']). The second reads the record count of the first page (meta.total = 12 records, 2 a page: 6 pages) and requests pages 2 to 6 concurrently, each once: six pages of 200 ms take about 0.4 s instead of 1.2 s.'
        }
        @{
            Title   = 'A mirror that fetches only what changed'
            Code    = @'
$files = 1..5 | ForEach-Object { "$base/files/report-$_" }
$first = $files | Invoke-AsyncWebBatch -OutDirectory ./mirror -IfChanged
$again = $files | Invoke-AsyncWebBatch -OutDirectory ./mirror -IfChanged
$again | Format-Table StatusCode, Skipped, SkipReason, ContentLength, OutFile
'@
            Remarks = 'The first run downloads the five files and keeps each one''s ETag and Last-Modified in ./mirror/.asyncweb-validators. The second run asks with If-None-Match and If-Modified-Since; the server answers 304 Not Modified without a body, and each result says Skipped = True, SkipReason NotModified, with the file untouched. A file that changed on the server, or was deleted or edited locally, is downloaded again.'
        }
        @{
            Title   = 'One host, one backoff: a 429 with Retry-After pauses the host, not the batch'
            Code    = @'
$key = [guid]::NewGuid().ToString('N')
$other = $base -replace '127\.0\.0\.1', 'localhost'
$uris = foreach ($i in 1..6) { "$base/pause/$key`?retryAfter=1"; "$other/delay/50?n=$i" }
$uris | Invoke-AsyncWebBatch -ThrottleLimit 2 -MaximumRetryCount 2 |
    Sort-Object Index | Format-Table Index, StatusCode, Attempts, HostWaitMs, Uri
'@
            Remarks = 'The first request to the /pause host answers 429 with Retry-After: 1. That host pauses for a second: its other items (and the retry of the first) wait, and HostWaitMs shows how long, while the items for the other host (localhost) run at once. -Verbose says when the host pauses and resumes.'
        }
        @{
            Title   = 'A concurrency limit that finds what each host allows'
            Code    = @'
$key = [guid]::NewGuid().ToString('N')
1..60 | ForEach-Object { "$base/limited/$key`?max=4&delayMs=20" } |
    Invoke-AsyncWebBatch -ThrottleLimit 16 -AdaptiveThrottle -MaximumRetryCount 10 -RetryIntervalSec 0.02 |
    Measure-AsyncWebBatch | Select-Object Count, Succeeded, HostLimits
'@
            Remarks = 'The /limited endpoint refuses (429) more than 4 requests at once. -AdaptiveThrottle starts the host at 16 (-ThrottleLimit), halves its limit on refusals and raises it by one after each clean window; the refused items are retried. HostLimits shows where the host''s limit ended.'
        }
        @{
            Title   = 'A batch that survives a crash: the journal'
            Code    = @'
$journal = Join-Path $PWD 'orders.journal'
$orders = 1..5 | ForEach-Object { @{ Uri = "$base/echo?order=$_"; Method = 'POST'; Body = @{ order = $_ } } }
$first = $orders | Invoke-AsyncWebBatch -JournalPath $journal -IdempotencyKey
# ... the process dies, or you stop it; run the same command again:
$again = $orders | Invoke-AsyncWebBatch -JournalPath $journal -IdempotencyKey
$again | Format-Table Index, StatusCode, Skipped, FromJournal
'@
            Remarks = 'The second run sends nothing: every item succeeded in the first and its result comes from the journal (Skipped, FromJournal). Had the first run been killed halfway, the second would send only the rest. With -IdempotencyKey each POST carries an Idempotency-Key that is the same in both runs, so an order that was in flight when the first run died is not placed twice by a server that honours the header.'
        }
        @{
            Title   = 'Signed URLs stay secret in messages'
            Code    = @'
$signed = "$base/json?X-Amz-Signature=abc123&session=s3ssion&page=2"
$result = Invoke-AsyncWebBatch $signed -SensitiveQueryParameter session -Verbose 4>&1 |
    ForEach-Object { "$_" }
$result
'@
            Remarks = 'X-Amz-Signature is hidden by default and -SensitiveQueryParameter adds session: the verbose lines and the result''s ToString() show X-Amz-Signature=***&session=***&page=2. The result''s Uri property still holds the real URI, for scripts that need it.'
        }
        @{
            Title   = 'Credentials only where they belong: Basic over https, refused over http'
            Code    = @'
$https = (Invoke-RestMethod "$base/listeners").https
$credential = [pscredential]::new('alice', (ConvertTo-SecureString 'S3cret' -AsPlainText -Force))
"$https/basic-auth/alice/S3cret", "$base/basic-auth/alice/S3cret" |
    Invoke-AsyncWebBatch -Credential $credential -SkipCertificateCheck -FailuresAsResults -Ordered |
    Format-Table Index, StatusCode, ErrorId, Uri
'@
            Remarks = '-Credential alone is sent as Basic (use -Authentication Negotiate or NTLM for Windows authentication, -Token for a bearer token), to each item''s own origin only. The https item is let in; the http one fails with ErrorId UnencryptedAuthentication without being sent, because the password would cross the network readable; -AllowUnencryptedAuthentication allows it. /listeners is the test server''s list of its addresses; -SkipCertificateCheck because its certificate is self-signed.'
        }
        @{
            Title   = 'A client certificate (mutual TLS) over TLS 1.2'
            Code    = @'
$mtls = (Invoke-RestMethod "$base/listeners").mtls
$key = [System.Security.Cryptography.RSA]::Create(2048)
$request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=build-agent', $key, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
$made = $request.CreateSelfSigned((Get-Date).AddDays(-1), (Get-Date).AddDays(1))
$certificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($made.Export('Pfx'), $null)

$result = Invoke-AsyncWebBatch "$mtls/echo" -Certificate $certificate -SslProtocol Tls12 -SkipCertificateCheck
$result.ContentObject.tlsProtocol
$result.ContentObject.clientCertificate.subject
'@
            Remarks = 'The certificate (with its private key) is offered in the TLS handshake; the test server''s mtls listener asks for one and /echo says which it got, and which TLS version was negotiated. In practice the certificate comes from a .pfx (Get-PfxCertificate) or the certificate store: -CertificateThumbprint finds it in CurrentUser\My or LocalMachine\My. The key is never shown.'
        }
        @{
            Title   = 'Query the Docker API over a Unix socket'
            Code    = @'
$socket = (Invoke-RestMethod "$base/listeners").unix
'/json', '/echo?q=1' |
    Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost -Ordered |
    Format-Table Index, StatusCode, ContentLength, Uri
'@
            Remarks = 'Every connection goes to the Unix domain socket instead of TCP; the URIs give the Host header and the path, and relative ones resolve against -BaseUri. Against Docker: ''/containers/json'', ''/images/json'' | Invoke-AsyncWebBatch -UnixSocket /var/run/docker.sock -BaseUri http://localhost. Here the socket is the test server''s. PowerShell 7 only.'
        }
        @{
            Title   = 'Check a virtual host on the new load balancer before DNS moves (curl --resolve)'
            Code    = @'
$port = ([uri]$base).Port
"http://api.example.test:$port/echo", "http://api.example.test:$port/json" |
    Invoke-AsyncWebBatch -Resolve "api.example.test:${port}:127.0.0.1" -Ordered |
    Format-Table Index, StatusCode, RemoteAddress, @{ n = 'Host'; e = { $_.ContentObject.headers.Host } }, Uri
'@
            Remarks = 'api.example.test resolves nowhere; -Resolve connects it to 127.0.0.1 (the new load balancer, say) while the Host header, SNI and the certificate check stay on the name, as curl --resolve api.example.test:443:10.0.0.5 does. RemoteAddress shows where the request went. -ConnectTo ''api.example.test:443:lb-2.example.com:443'' connects to another name instead (curl --connect-to). Per item: a Resolve or ConnectTo property. PowerShell 7 only.'
        }
        @{
            Title   = 'Is every backend behind a name healthy? (-EveryAddress)'
            Code    = @'
$port = ([uri]$base).Port
"http://api.example.test:$port/json" |
    Invoke-AsyncWebBatch -EveryAddress -Resolve "api.example.test:${port}:127.0.0.1,127.0.0.3" -FailuresAsResults -ConnectTimeoutSec 2 |
    Sort-Object Index | Format-Table Index, TargetAddress, StatusCode, @{ n = 'Error'; e = { $_.Error.ErrorId } }
'@
            Remarks = 'One request per address of the name, each tagged with its TargetAddress, the Host header and SNI on the name. Without -Resolve the addresses come from DNS (A and AAAA). Here 127.0.0.1 is the test server and nothing listens at 127.0.0.3 on that port: ConnectionRefused for that backend. PowerShell 7 only.'
        }
        @{
            Title   = 'The same calls through another proxy, and one straight to the server (a proxy per item)'
            Code    = @'
$proxyA, $proxyB = (Invoke-RestMethod "$base/proxies").uri
$port = ([uri]$base).Port
@(
    @{ Uri = "http://via-a.invalid:$port/echo"; Proxy = $proxyA }
    @{ Uri = "http://via-b.invalid:$port/echo"; Proxy = $proxyB }
    @{ Uri = "$base/echo"; NoProxy = $true }
) | Invoke-AsyncWebBatch -Ordered | Format-Table Index, StatusCode, Uri
'@
            Remarks = 'Each item names its own way out: a Proxy property (or a Proxy column of Import-Csv rows) or NoProxy; the others use -Proxy, or the environment''s proxy. Here the proxies are the test server''s two forward proxies, which take names under .invalid to the server itself. Each proxy gets a connection pool of its own; -ProxyCredential answers all of them.'
        }
        @{
            Title   = 'Windows authentication (NTLM) to an intranet endpoint'
            Code    = @'
# On Linux without the gss-ntlmssp package, let .NET use its own NTLM (before the first NTLM request).
if (-not $IsWindows) { [AppContext]::SetSwitch('System.Net.Security.UseManagedNtlm', $true) }
$credential = [pscredential]::new('CORP\alice', (ConvertTo-SecureString 'S3cret' -AsPlainText -Force))
"$base/ntlm/alice/S3cret" |
    Invoke-AsyncWebBatch -Authentication NTLM -Credential $credential -AllowUnencryptedAuthentication -FailuresAsResults |
    Select-Object StatusCode, ErrorId, @{ n = 'User'; e = { $_.ContentObject.user } }
'@
            Remarks = 'The server answers 401 with WWW-Authenticate: NTLM and the runtime''s handler completes the NTLM exchange with the credential, only for this item''s origin. -UseDefaultCredentials instead of -Credential uses the current user''s identity (single sign-on); -Authentication Negotiate prefers Kerberos. -AllowUnencryptedAuthentication only because the test server speaks plain http.'
        }
        @{
            Title   = 'Count every item, failures kept as errors (-SummaryVariable)'
            Code    = @'
$ok = "$base/json", "$base/status/500", "$base/problem/422" |
    Invoke-AsyncWebBatch -SummaryVariable summary -ErrorAction SilentlyContinue
"$(@($ok).Count) result(s) in the pipeline"
$summary | Select-Object Count, Succeeded, Failed, @{ n = 'ByErrorId'; e = { $_.FailuresByErrorId.Keys -join ', ' } }
'@
            Remarks = 'The two failures leave by the error stream, so a piped Measure-AsyncWebBatch would count only the success; $summary counts all three (Count 3, Succeeded 1, Failed 2). It is the summary Measure-AsyncWebBatch makes, and it is set also when the batch is stopped early.'
        }
        @{
            Title   = 'Read an API''s error body, as with Invoke-RestMethod'
            Code    = @'
$null = "$base/problem/422" | Invoke-AsyncWebBatch -ErrorVariable failed -ErrorAction SilentlyContinue
$failed | ForEach-Object { ($_.ErrorDetails.Message | ConvertFrom-Json).error }
'@
            Remarks = 'The error record of a 4xx/5xx answer carries the server''s body in ErrorDetails.Message (its first 4096 characters, decoded by its charset, the request''s secrets as ***), as Invoke-RestMethod''s does; here "name is required". The record''s TargetObject, the result, keeps the whole body in Content.'
        }
        @{
            Title   = 'Where the time went'
            Code    = @'
$results = "$base/delay/300", "$base/drip?bytes=3&intervalMs=100", "$base/json" |
    Invoke-AsyncWebBatch -ThrottleLimit 1
$results | Format-Table -View Timings
$results | Select-Object Index, QueueWaitMs, ConnectionReused, TimeToFirstByteMs, TransferMs, RemoteAddress, RemotePort
'@
            Remarks = 'One request at a time: the server thinks for 300 ms before the first answer (time to first byte), sends the second one''s body a byte every 100 ms (transfer), and the later items wait for their turn (QueueWaitMs), which is kept apart from their own time. The second and third requests reuse the first one''s connection, so their DNS, connect and TLS times are 0. On Windows PowerShell 5.1 the connection columns are empty.'
        }
        @{
            Title   = 'Stream an LLM-style completion (server-sent events from a POST)'
            Code    = @'
$chat = @{ Uri = "$base/sse/complete"; Method = 'POST'; Body = @{ prompt = 'say hello to the stream' } }
$chat | Invoke-AsyncWebBatch -Stream |
    Where-Object { $_ -is [AsyncWeb.WebBatchStreamItem] -and $_.Event -eq 'message' -and $_.Data -ne '[DONE]' } |
    ForEach-Object { $_.ContentObject.token }
'@
            Remarks = 'Each event of the text/event-stream answer is a WebBatchStreamItem as soon as it arrives (Event, Id, Data, and ContentObject: the data parsed as JSON), while the response is still open; the item''s result follows when the stream ends, with StreamItemCount. Against an LLM API the same shape takes its URI, a -Token and its JSON body.'
        }
        @{
            Title   = 'Watch several endless streams at once (Kubernetes-style JSON lines)'
            Code    = @'
'pods', 'services' | ForEach-Object { "$base/stream/endless/$_-demo?intervalMs=100" } |
    Invoke-AsyncWebBatch -Stream |
    Select-Object -First 6 |
    Format-Table Index, Sequence, Data
'@
            Remarks = 'Both watches stream at once, one JSON line a unit; Select-Object -First ends them both (every open stream is closed at once, as with Ctrl+C). A stream silent longer than -OperationTimeoutSec (30 s) fails with OperationTimeout; pass -OperationTimeoutSec 0 for a watch that may be quiet for long. Against Kubernetes: "$api/api/v1/namespaces/default/pods?watch=1" with -Token.'
        }
        @{
            Title   = 'Docker-style events over a Unix socket'
            Code    = @'
$socket = (Invoke-RestMethod "$base/listeners").unix
'/ndjson?count=3' | Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost -Stream |
    Where-Object { $_ -is [AsyncWeb.WebBatchStreamItem] } |
    ForEach-Object { $_.ContentObject.n }
'@
            Remarks = 'Here the socket is the test server''s. Against Docker: Invoke-AsyncWebBatch http://localhost/events -UnixSocket /var/run/docker.sock -Stream -OperationTimeoutSec 0 emits each event as Docker writes it, until Ctrl+C. PowerShell 7 only.'
        }
        @{
            Title   = 'A large JSON array to CSV, one element at a time'
            Code    = @'
Invoke-AsyncWebBatch "$base/stream/array?count=5000" -Stream |
    Where-Object { $_ -is [AsyncWeb.WebBatchStreamItem] } |
    ForEach-Object { $_.ContentObject | Select-Object id, name } |
    Export-Csv ./items.csv
(Import-Csv ./items.csv).Count
'@
            Remarks = 'The array''s elements are cut from the body as it arrives and parsed one by one, so a 1 GiB array never sits in memory: at most 8 MiB of elements wait for the pipeline, and a slow Export-Csv slows the download instead.'
        }
    )

    Links       = @(
        @{ Text = 'New-AsyncWebSession' }
        @{ Text = 'Measure-AsyncWebBatch' }
        @{ Text = 'Invoke-WebRequest' }
        @{ Text = 'ForEach-Object' }
    )
}

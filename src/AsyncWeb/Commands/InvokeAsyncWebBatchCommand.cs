using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using AsyncWeb.Engine;
using AsyncWeb.Files;
using AsyncWeb.Resilience;

namespace AsyncWeb.Commands;

/// <summary>
/// Sends many HTTP requests concurrently from one pipeline call and streams a result per input
/// item as requests finish. Thin: binds parameters into options, hands items to the engine, and
/// writes what the engine finished, always from the pipeline thread.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AsyncWebBatch", DefaultParameterSetName = "Default")]
[OutputType(typeof(WebBatchResult))]
public sealed partial class InvokeAsyncWebBatchCommand : PSCmdlet, IDisposable, IConnectionParameters
{
    private BatchEngine? _engine;
    private BatchPump? _pump;
    private AsyncWebJob? _job;
    private RequestSpecBuilder? _builder;
    private ProgressReporter? _progress;
    private ShardFilter? _shard;
    private long _nextIndex;
    private ScriptBlock? _toJson;
    private UriRedactor _redactor = UriRedactor.Default;
    private IDisposable? _clientLease;
    private bool _inputComplete;
    private ItemIdentities? _identities;
    private BatchJournal? _journal;
    private ClientAuthentication? _authentication;

    /// <summary>URIs, or objects with Uri/Url/Href (and optional Method, Headers, Body, ContentType, OutFile, Sha256, InFile, Form) properties or keys.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Url", "Href", "InputObject")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    public object?[] Uri { get; set; } = Array.Empty<object>();

    /// <summary>HTTP method for items that do not name one (any token, custom verbs too).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MethodCompleter))]
    [ValidateNotNullOrEmpty]
    public string Method { get; set; } = "GET";

    /// <summary>Headers sent with every request; an item's own Headers add to and override them.</summary>
    [Parameter]
    public IDictionary? Headers { get; set; }

    /// <summary>Body: a string, byte[], or an object/hashtable sent as JSON (form-encoded with that -ContentType).</summary>
    [Parameter]
    public object? Body { get; set; }

    /// <summary>Content-Type of the body.</summary>
    [Parameter]
    public string? ContentType { get; set; }

    /// <summary>User-Agent header; default AsyncWeb/version.</summary>
    [Parameter]
    public string? UserAgent { get; set; }

    /// <summary>Most requests in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>Most requests in flight to one host (host:port); 0 for only the global limit.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int ThrottleLimitPerHost { get; set; }

    /// <summary>Longest time for one attempt, headers and body; 0 for none (the default).</summary>
    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double TimeoutSec { get; set; }

    /// <summary>Longest time for the whole item across retries and their delays; 0 for none (the default).</summary>
    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double TotalTimeoutSec { get; set; }

    /// <summary>Longest time to open a TCP connection, DNS included; 0 for none. Default 10.</summary>
    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double ConnectTimeoutSec { get; set; } = 10;

    /// <summary>Longest silence from the server: waiting for headers, and between body reads; 0 for none. Default 30.</summary>
    [Parameter]
    [Alias("OperationTimeoutSeconds")]
    [ValidateRange(0.0, 2147483.0)]
    public double OperationTimeoutSec { get; set; } = 30;

    /// <summary>Treat 4xx/5xx responses as ordinary results instead of errors.</summary>
    [Parameter]
    public SwitchParameter SkipHttpErrorCheck { get; set; }

    /// <summary>Accept any TLS certificate (test servers only).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Redirects followed per request; 0 returns the 3xx response itself. Default 5.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRedirection { get; set; } = 5;

    /// <summary>Allow following a redirect from HTTPS to HTTP.</summary>
    [Parameter]
    public SwitchParameter AllowInsecureRedirect { get; set; }

    /// <summary>Emit results in input order (memory stays bounded: at most 4 × ThrottleLimit results wait).</summary>
    [Parameter]
    public SwitchParameter Ordered { get; set; }

    /// <summary>The largest body kept in memory, in bytes (default 256 MiB); a larger one fails with ResponseTooLarge.</summary>
    [Parameter]
    [ValidateRange(1L, 2147483591L)]
    public long MaximumResponseSize { get; set; } = BatchOptions.DefaultMaximumResponseSize;

    /// <summary>The most body bytes the batch holds in memory at once (default 512 MiB): admission waits while they exceed it.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaximumBufferSize { get; set; } = BatchOptions.DefaultMaximumBufferSize;

    /// <summary>Proxy server for every request.</summary>
    [Parameter]
    public Uri? Proxy { get; set; }

    /// <summary>Credential for the proxy.</summary>
    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>Ignore proxy settings from the environment.</summary>
    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    /// <summary>
    /// The HTTP version to speak, pinned: 1.0, 1.1, 2.0 or 3.0 (where the runtime supports QUIC). Not given:
    /// negotiated, HTTP/2 over https when the server offers it by ALPN, HTTP/1.1 otherwise and over http.
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(HttpVersionCompleter))]
    public Version? HttpVersion { get; set; }

    /// <summary>A session from New-AsyncWebSession: base URI, headers, cookies, credentials, its own connection pool.</summary>
    [Parameter]
    public AsyncWebSession? Session { get; set; }

    /// <summary>Write failures as results with Success = $false instead of errors.</summary>
    [Parameter]
    public SwitchParameter FailuresAsResults { get; set; }

    /// <summary>Stream the body to this file (per item: an OutFile property).</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>Stream bodies into this directory, named by Content-Disposition or the URL.</summary>
    [Parameter]
    public string? OutDirectory { get; set; }

    /// <summary>Expected SHA-256 of the body (per item: a Sha256 property).</summary>
    [Parameter]
    public string? Sha256 { get; set; }

    /// <summary>Hash every download (SHA-256) into the result's Sha256; without it only downloads with an expected -Sha256 are hashed.</summary>
    [Parameter]
    public SwitchParameter ComputeSha256 { get; set; }

    /// <summary>Overwrite existing files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Do not download items whose file already exists; their result says Skipped.</summary>
    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    /// <summary>Continue partial downloads with Range requests (the partial file is kept on failure).</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>Download only what changed (issue 13): keep each file's ETag and Last-Modified, ask with If-None-Match / If-Modified-Since, skip on 304.</summary>
    [Parameter]
    public SwitchParameter IfChanged { get; set; }

    /// <summary>Retries after a transient failure (connection, timeout, 408/429/5xx). Default 0.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRetryCount { get; set; }

    /// <summary>Base delay of the exponential backoff (with jitter). Default 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 3600.0)]
    public double RetryIntervalSec { get; set; } = 1;

    /// <summary>Longest backoff delay between attempts. Default 30.</summary>
    [Parameter]
    [ValidateRange(0.0, 3600.0)]
    public double MaximumRetryDelaySec { get; set; } = 30;

    /// <summary>Longest Retry-After wait honoured on 429/503. Default 60.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double MaximumRetryAfterSec { get; set; } = 60;

    /// <summary>Statuses that are retried. Default 408, 429, 500, 502, 503, 504.</summary>
    [Parameter]
    [ValidateRange(100, 599)]
    public int[]? RetryStatusCode { get; set; }

    /// <summary>Retry non-idempotent methods (POST, PATCH, custom) too.</summary>
    [Parameter]
    public SwitchParameter RetryAllMethods { get; set; }

    /// <summary>Open a host's circuit after this many failures in a row (0: no breaker; otherwise at least 2). Each attempt counts; failures are connection errors, timeouts and 5xx/retryable statuses.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int CircuitBreakerThreshold { get; set; }

    /// <summary>Open a host's circuit when at least this share of its requests in the last 5 minutes failed (with at least CircuitBreakerThreshold requests). Default 1: failures in a row.</summary>
    [Parameter]
    [ValidateRange(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 1.0;

    /// <summary>How long an open circuit stays open before one probe request is let through. Default 30.</summary>
    [Parameter]
    [ValidateRange(0.5, 86400.0)]
    public double CircuitBreakerBreakSec { get; set; } = 30;

    /// <summary>Most request starts per second (0: no limit).</summary>
    [Parameter]
    [ValidateRange(0.0, 1000000.0)]
    public double RequestsPerSecond { get; set; }

    /// <summary>Apply -RequestsPerSecond to each host separately.</summary>
    [Parameter]
    public SwitchParameter RateLimitPerHost { get; set; }

    /// <summary>More query parameter names whose values are shown as *** (sig, token, key, password ... always are).</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? SensitiveQueryParameter { get; set; }

    /// <summary>Send only shard i of N of the input: 'i/N' (i from 0), or '*/N' with i from $env:JOB_COMPLETION_INDEX. Items go to shards by host (or -PartitionKey) with a fixed hash; Index stays the input position.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }

    /// <summary>With -Partition: the property (or hashtable key) whose value assigns an item to a shard, instead of its host.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PartitionKey { get; set; }

    /// <summary>Run the batch as a background job: Receive-Job streams results, Stop-Job cancels what is in flight.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    // Uploads (issue 12)

    /// <summary>Stream the body from this file, re-read from the start for every attempt (per item: an InFile property).</summary>
    [Parameter]
    public string? InFile { get; set; }

    /// <summary>Send a multipart/form-data body: text fields, FileInfo values as streamed file parts, arrays as repeated fields (per item: a Form property).</summary>
    [Parameter]
    public IDictionary? Form { get; set; }

    // Authentication, TLS and Unix sockets (issue 12); on New-AsyncWebSession too. Credentials go to each item's own origin.

    /// <summary>Basic and Bearer (OAuth) send -Credential or -Token with every request; Negotiate and NTLM answer the server's challenge.</summary>
    [Parameter]
    public WebAuthentication Authentication { get; set; }

    /// <summary>User and password: Basic unless -Authentication says Negotiate or NTLM.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Bearer token (never shown).</summary>
    [Parameter]
    public SecureString? Token { get; set; }

    /// <summary>Answer Negotiate or NTLM challenges with the identity of the current user.</summary>
    [Parameter]
    public SwitchParameter UseDefaultCredentials { get; set; }

    /// <summary>Allow credentials over plain http, where they travel in clear text.</summary>
    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    /// <summary>Client certificate (with its private key) for mutual TLS.</summary>
    [Parameter]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Thumbprint of a client certificate in CurrentUser\My (or LocalMachine\My).</summary>
    [Parameter]
    public string? CertificateThumbprint { get; set; }

    /// <summary>TLS versions allowed: Default (the system's), Tls12, Tls13.</summary>
    [Parameter]
    public WebSslProtocol SslProtocol { get; set; }

    /// <summary>Connect to this Unix domain socket instead of TCP; the URI still names the host and path (PowerShell 7 only).</summary>
    [Parameter]
    public string? UnixSocket { get; set; }

    /// <summary>Relative URIs resolve against this (without -Session).</summary>
    [Parameter]
    public Uri? BaseUri { get; set; }

    // Host-aware flow control, the journal and idempotency keys (issue 14).

    /// <summary>Adapt each host's concurrency limit to its answers: halved on 429, 503 and timeouts, one more after a clean window (AIMD); starts at -ThrottleLimitPerHost (else the maximum).</summary>
    [Parameter]
    public SwitchParameter AdaptiveThrottle { get; set; }

    /// <summary>With -AdaptiveThrottle: the lowest a host's limit goes. Default 1.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int MinimumThrottleLimitPerHost { get; set; } = 1;

    /// <summary>With -AdaptiveThrottle: the highest a host's limit goes. Default: -ThrottleLimit.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int MaximumThrottleLimitPerHost { get; set; }

    /// <summary>Record every finished item in this file (JSON lines); run again with it, only the items that did not succeed are sent.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>The property (or hashtable key, or CSV column) that identifies an item in the journal and its Idempotency-Key, instead of its input position.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalKey { get; set; }

    /// <summary>Send an Idempotency-Key header with every request that is not GET, HEAD, OPTIONS or TRACE: the same for every attempt and every run of the journal; such requests are retried like idempotent ones.</summary>
    [Parameter]
    public SwitchParameter IdempotencyKey { get; set; }

    /// <summary>The run the Idempotency-Keys derive from (default: the journal's, or new); give the same value to repeat a batch without a journal.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RunId { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _redactor = SensitiveQueryParameter is null ? UriRedactor.Default : new UriRedactor(SensitiveQueryParameter);
        RejectHandlerSettingsWithSession();
        if (CircuitBreakerThreshold is > 0 and < ResilienceProvider.MinimumBreakerThreshold)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-CircuitBreakerThreshold must be 0 (no breaker) or at least {ResilienceProvider.MinimumBreakerThreshold}: a breaker opens after that many failures in a row"),
                "InvalidCircuitBreakerThreshold", ErrorCategory.InvalidArgument, CircuitBreakerThreshold));
        }

        if (Force && SkipExisting)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Force and -SkipExisting contradict each other; choose one"), "ConflictingParameters", ErrorCategory.InvalidArgument, null));
        }

        if (IfChanged && SkipExisting)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-IfChanged replaces a file that changed on the server; -SkipExisting never replaces one: choose one"),
                "ConflictingParameters", ErrorCategory.InvalidArgument, null));
        }

        var pagination = PaginationParameters();

        var partition = ParsePartition();
        var adaptive = AdaptiveSettings();

        var options = new BatchOptions
        {
            ThrottleLimit = ThrottleLimit,
            ThrottleLimitPerHost = ThrottleLimitPerHost,
            Ordered = Ordered,
            Timeout = Seconds(TimeoutSec),
            OperationTimeout = Seconds(OperationTimeoutSec),
            TotalTimeout = Seconds(TotalTimeoutSec),
            ConnectTimeout = Session?.ConnectTimeout ?? Seconds(ConnectTimeoutSec),
            SkipHttpErrorCheck = SkipHttpErrorCheck,
            MaximumRedirection = MaximumRedirection,
            AllowInsecureRedirect = AllowInsecureRedirect,
            HttpVersion = ValidVersion(HttpVersion),
            ExistingFile = Force || IfChanged ? ExistingFileAction.Overwrite : SkipExisting ? ExistingFileAction.Skip : ExistingFileAction.Fail,
            Resume = Resume,
            ComputeSha256 = ComputeSha256,
            MaximumResponseSize = MaximumResponseSize,
            MaximumBufferSize = MaximumBufferSize,
            VerboseEvents = IsVerbose(),
            Redactor = _redactor,
            Retry = new RetrySettings(
                MaximumRetryCount,
                Seconds(RetryIntervalSec),
                Seconds(MaximumRetryDelaySec),
                Seconds(MaximumRetryAfterSec),
                RetryStatusCode ?? RetrySettings.DefaultStatusCodes,
                RetryAllMethods),
            CircuitBreaker = CircuitBreakerThreshold > 0
                ? new CircuitBreakerSettings(CircuitBreakerFailureRatio, TimeSpan.FromMinutes(5), CircuitBreakerThreshold, Seconds(CircuitBreakerBreakSec))
                : null,
            RequestsPerSecond = RequestsPerSecond,
            RateLimitPerHost = RateLimitPerHost,
            Pagination = pagination,
            IfChanged = IfChanged,
            AdaptiveThrottle = adaptive,
            Journal = _journal = OpenJournal(),
        };

        var lease = Session is not null ? null : ClientPool.Rent(Connection(new HandlerSettings(
            SkipCertificateCheck,
            Proxy,
            CredentialKey.From(ProxyCredential?.GetNetworkCredential()),
            NoProxy,
            Seconds(ConnectTimeoutSec),
            0,
            HandlerSettings.DefaultPooledConnectionLifetime)));
        _clientLease = lease;
        var client = lease?.Value ?? Session!.Client;

        var outDirectory = OutDirectory is null ? null : PrepareDirectory(OutDirectory);
        try
        {
            _builder = CreateBuilder(outDirectory);
        }
        catch (InvalidItemException invalid)
        {
            // -Headers (or the session's headers) apply to every item: nothing can be sent.
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(invalid.Message), invalid.ErrorId, ErrorCategory.InvalidArgument, null));
        }

        _shard = partition is null ? null : new ShardFilter(partition, PartitionKey, _builder!);

        _engine = new BatchEngine(client, options);
        _identities = JournalPath is null && !IdempotencyKey ? null : new ItemIdentities(_journal, JournalKey, IdempotencyKey, RunId, _redactor);
        if (_journal is not null)
        {
            WriteVerbose($"journal {_journal.Path}: run {_journal.RunId}, {_journal.Succeeded:N0} item(s) succeeded before and are not sent again{(_journal.TornTail ? "; a torn last line (a process killed mid-write) was cut off" : string.Empty)}");
            if (_journal.UnreadableLines > 0)
            {
                WriteWarning($"The journal {_journal.Path} has {_journal.UnreadableLines:N0} unreadable line(s), which were skipped: the items they recorded run again.");
            }
        }

        if (AsJob)
        {
            _job = new AsyncWebJob(_redactor.RedactText(MyInvocation.Line), _engine, _clientLease, FailuresAsResults);
            JobRepository.Add(_job);
            _job.Start();
            WriteObject(_job);
            return;
        }

        _progress = ProgressReporter.Create(this, _shard is null && MyInvocation.BoundParameters.ContainsKey(nameof(Uri)) ? Uri.Length : -1);
        var engine = _engine;
        _pump = new BatchPump(engine, Emit, _progress is null ? null : () => _progress.Update(engine));
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var item in Uri ?? new object?[] { null })
        {
            // Index is the input position, also of the items another shard sends.
            var index = _nextIndex++;
            if (_shard?.Keeps(item) == false)
            {
                continue;
            }

            var (spec, immediate) = Prepare(index, item);
            if (_job is not null)
            {
                _job.Enqueue(spec, immediate);
            }
            else
            {
                Guarded(() => _pump!.Admit(spec, immediate));
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        _inputComplete = true;

        if (_shard?.Warning is { } warning)
        {
            WriteWarning(warning);
        }

        if (_job is not null)
        {
            _job.CompleteAdding();
            return;
        }

        Guarded(() =>
        {
            _pump!.DrainToEnd();
            _progress?.Complete();
        });

        foreach (var line in _engine!.Flow.FinalLimits())
        {
            WriteVerbose(line);
        }

        if (_identities is { Replayed: > 0 } identities)
        {
            WriteVerbose($"journal: {identities.Replayed:N0} item(s) had succeeded in an earlier run and were not sent (their results say FromJournal)");
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _engine?.Cancel();

    /// <summary>Cancels whatever is still in flight (e.g. after Select-Object -First) and releases the batch; a job owns its engine.</summary>
    public void Dispose()
    {
        if (_job is null)
        {
            _engine?.Dispose();
            _clientLease?.Dispose();
            _journal?.Dispose();
        }
        else if (!_inputComplete)
        {
            // The pipeline ended before EndProcessing: an upstream error (or a stop). The job must still end.
            _job.InputEnded(UpstreamFailure.Of(this));
        }

        _engine = null;
        _clientLease = null;
    }

    /// <summary>Turns one input object into a request, or into the error result of a bad item.</summary>
    private (RequestSpec? Spec, WebBatchResult? Immediate) Prepare(long index, object? item)
    {
        RequestSpec spec;
        try
        {
            spec = _builder!.Build(index, item);
        }
        catch (InvalidItemException invalid)
        {
            return (null, InvalidItem(index, item, invalid));
        }

        if (PaginatedDownload(index, item, spec) is { } refused)
        {
            return (null, refused);
        }

        try
        {
            // -JournalPath / -IdempotencyKey: the item's key; an item the journal says succeeded is not sent again.
            if (_identities?.Identify(spec) is { } done)
            {
                return (null, done);
            }
        }
        catch (InvalidItemException invalid)
        {
            return (null, InvalidItem(index, item, invalid));
        }

        if (spec.OutFile is not null && !_engine!.Claims.TryClaim(spec.OutFile, index, out var owner))
        {
            return (null, InvalidItem(index, item, new InvalidItemException(ErrorIds.DuplicateOutFile,
                $"'{spec.OutFile}' is already the target of item {owner} in this batch")));
        }

        return (spec, null);
    }

    /// <summary>-ErrorAction Stop, a stopped pipeline or Select-Object -First: cancel the rest, let files clean up, rethrow.</summary>
    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (OperationCanceledException)
        {
            Abandon(_engine!);
            throw new PipelineStoppedException();
        }
        catch
        {
            Abandon(_engine!);
            throw;
        }
    }

    private RequestSpecBuilder CreateBuilder(string? outDirectory) => new(
        new RequestDefaults
        {
            Method = Method,
            Headers = Headers,
            Body = Body,
            ContentType = ContentType,
            UserAgent = UserAgent,
            OutFile = OutFile,
            OutDirectory = outDirectory,
            Sha256 = Sha256,
            Session = Session,
            InFile = InFile,
            Form = Form,
            Authentication = _authentication,
            AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
            BaseUri = BaseUri,
        },
        ToJson,
        path => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));

    private WebBatchResult InvalidItem(long index, object? item, InvalidItemException invalid) => new()
    {
        Index = index,
        Input = item,
        Method = Method.ToUpperInvariant(),
        Redactor = _redactor,
        Error = new WebBatchError(invalid.ErrorId, invalid.ErrorId is ErrorIds.DuplicateOutFile ? FailureCategory.File : FailureCategory.InvalidInput,
            _redactor.RedactText(invalid.Message)), // the message quotes the item's text
    };

    private void Emit(EngineEvent next)
    {
        if (next.Verbose is not null)
        {
            WriteVerbose(next.Verbose);
            return;
        }

        var result = next.Result!;
        if (result.Error is null || FailuresAsResults)
        {
            WriteObject(result);
        }
        else
        {
            WriteError(ErrorRecords.For(result));
        }
    }

    /// <summary>-ErrorAction Stop, a stopped pipeline or an upstream failure: cancel the rest and let files clean up.</summary>
    private static void Abandon(BatchEngine engine)
    {
        engine.Cancel();
        engine.WaitForRunningToEnd(TimeSpan.FromSeconds(2));
    }

    private string ToJson(object value)
    {
        _toJson ??= ScriptBlock.Create("param($o) ConvertTo-Json -InputObject $o -Depth 32 -Compress -WarningAction SilentlyContinue");
        var output = _toJson.Invoke(value);
        return output.Count == 0 ? "null" : output[0]?.BaseObject?.ToString() ?? "null";
    }

    private string PrepareDirectory(string path)
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "OutDirectoryUnusable", ErrorCategory.WriteError, path));
        }

        return full;
    }

    /// <summary>-AdaptiveThrottle's bounds (null without it); bounds without it, or crossed, end the command before anything is sent.</summary>
    private AdaptiveThrottleSettings? AdaptiveSettings()
    {
        var bounded = MyInvocation.BoundParameters.ContainsKey(nameof(MinimumThrottleLimitPerHost)) || MyInvocation.BoundParameters.ContainsKey(nameof(MaximumThrottleLimitPerHost));
        if (!AdaptiveThrottle)
        {
            if (bounded)
            {
                Conflict("-MinimumThrottleLimitPerHost and -MaximumThrottleLimitPerHost bound -AdaptiveThrottle; add -AdaptiveThrottle, or use -ThrottleLimitPerHost for a fixed limit");
            }

            return null;
        }

        var maximum = MaximumThrottleLimitPerHost > 0 ? MaximumThrottleLimitPerHost : ThrottleLimit;
        if (MinimumThrottleLimitPerHost > maximum)
        {
            Conflict($"-MinimumThrottleLimitPerHost {MinimumThrottleLimitPerHost} is above the maximum {maximum} (-MaximumThrottleLimitPerHost, else -ThrottleLimit)");
        }

        return new AdaptiveThrottleSettings(ThrottleLimitPerHost > 0 ? ThrottleLimitPerHost : maximum, MinimumThrottleLimitPerHost, maximum);
    }

    /// <summary>-JournalPath opened and read (null without it); an unusable journal, or -JournalKey/-RunId without a use, end the command.</summary>
    private BatchJournal? OpenJournal()
    {
        if (JournalPath is null && !IdempotencyKey && (JournalKey is not null || RunId is not null))
        {
            Conflict("-JournalKey and -RunId identify items for -JournalPath or -IdempotencyKey; add one of them");
        }

        if (JournalPath is null)
        {
            return null;
        }

        try
        {
            return BatchJournal.Open(SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath), RunId);
        }
        catch (JournalException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(invalid.Message, invalid), invalid.ErrorId,
                invalid.ErrorId == BatchJournal.UnusableId ? ErrorCategory.WriteError : ErrorCategory.InvalidArgument, JournalPath));
            return null;
        }
    }

    private void Conflict(string message) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "ConflictingParameters", ErrorCategory.InvalidArgument, null));

    /// <summary>-Partition 'i/N' (or '*/N' from $env:JOB_COMPLETION_INDEX); a bad value ends the command before anything is sent.</summary>
    private ShardPartition? ParsePartition()
    {
        try
        {
            if (Partition is null)
            {
                return PartitionKey is null ? null : throw new ArgumentException("-PartitionKey says how to split the input; give -Partition 'i/N' too");
            }

            return ShardPartition.Parse(Partition, Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(invalid, "InvalidPartition", ErrorCategory.InvalidArgument, Partition));
            return null;
        }
    }

    private void RejectHandlerSettingsWithSession()
    {
        if (Session is null)
        {
            return;
        }

        foreach (var name in new[] { nameof(SkipCertificateCheck), nameof(Proxy), nameof(ProxyCredential), nameof(NoProxy), nameof(ConnectTimeoutSec),
            nameof(Authentication), nameof(Credential), nameof(Token), nameof(UseDefaultCredentials), nameof(AllowUnencryptedAuthentication),
            nameof(Certificate), nameof(CertificateThumbprint), nameof(SslProtocol), nameof(UnixSocket), nameof(BaseUri) })
        {
            if (MyInvocation.BoundParameters.ContainsKey(name))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-{name} cannot be combined with -Session: the session owns its connections; set it on New-AsyncWebSession"),
                    "ParameterConflictsWithSession", ErrorCategory.InvalidArgument, name));
            }
        }

        if (Session.IsDisposed)
        {
            ThrowTerminatingError(new ErrorRecord(new ObjectDisposedException("AsyncWebSession", "the session was disposed; create a new one with New-AsyncWebSession"),
                "SessionDisposed", ErrorCategory.InvalidArgument, Session));
        }
    }

    /// <summary>Adds the certificate, TLS versions, Unix socket and credentials (issue 12) to the pool's settings; a misfit stops the batch.</summary>
    private HandlerSettings Connection(HandlerSettings settings)
    {
        if (BaseUri is not null && (!BaseUri.IsAbsoluteUri || (BaseUri.Scheme != System.Uri.UriSchemeHttp && BaseUri.Scheme != System.Uri.UriSchemeHttps)))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-BaseUri '{BaseUri}' must be an absolute http:// or https:// URI"), "InvalidBaseUri", ErrorCategory.InvalidArgument, BaseUri));
        }

        if (UnixSocket is not null && Proxy is not null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-UnixSocket and -Proxy both say where to connect; choose one"), "ConflictingParameters", ErrorCategory.InvalidArgument, null));
        }

        (settings, _authentication) = ConnectionBinding.Apply(this, settings);
        return settings;
    }

    private Version? ValidVersion(Version? version)
    {
        if (version is null)
        {
            return null;
        }

        var normal = new Version(version.Major, Math.Max(version.Minor, 0));
#if NET
        if (normal == System.Net.HttpVersion.Version10 || normal == System.Net.HttpVersion.Version11
            || normal == System.Net.HttpVersion.Version20 || normal == System.Net.HttpVersion.Version30)
        {
            return normal;
        }

        const string supported = "use 1.0, 1.1, 2.0 or 3.0";
#else
        // Windows PowerShell's HTTP stack (.NET Framework's HttpClientHandler) speaks HTTP/1.x only.
        if (normal == System.Net.HttpVersion.Version10 || normal == System.Net.HttpVersion.Version11)
        {
            return normal;
        }

        const string supported = "use 1.0, 1.1 (2.0 and 3.0 need PowerShell 7.4 or later)";
#endif

        ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-HttpVersion {version} is not supported; {supported}"),
            "InvalidHttpVersion", ErrorCategory.InvalidArgument, version));
        return normal;
    }

    private bool IsVerbose()
    {
        if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var value))
        {
            return value is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(value);
        }

        return GetVariableValue("VerbosePreference") is ActionPreference preference && preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Batch;
using AsyncWeb.Binding;
using AsyncWeb.Connections;
using AsyncWeb.Journal;
using AsyncWeb.Requests;
using AsyncWeb.Security;

namespace AsyncWeb.Commands;

/// <summary>
/// Sends many HTTP requests concurrently from one pipeline call and streams a result per input
/// item as requests finish. Thin: binds parameters into options, hands items to the engine, and
/// writes what the engine finished, always from the pipeline thread.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AsyncWebBatch", DefaultParameterSetName = "Default")]
[OutputType(typeof(WebBatchResult), typeof(WebBatchStreamItem))]
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
    private ItemKeyCheck? _keyCheck;
    private AsyncWeb.Streaming.WebStreamFormat? _stream;

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

    /// <summary>Treat 4xx/5xx responses as ordinary results instead of errors.</summary>
    [Parameter]
    public SwitchParameter SkipHttpErrorCheck { get; set; }

    /// <summary>Redirects followed per request; 0 returns the 3xx response itself. Default 5.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRedirection { get; set; } = 5;

    /// <summary>Allow following a redirect from HTTPS to HTTP.</summary>
    [Parameter]
    public SwitchParameter AllowInsecureRedirect { get; set; }

    /// <summary>A session from New-AsyncWebSession: base URI, headers, cookies, credentials, its own connection pool.</summary>
    [Parameter]
    public AsyncWebSession? Session { get; set; }

    /// <summary>Write failures as results with Success = $false instead of errors.</summary>
    [Parameter]
    public SwitchParameter FailuresAsResults { get; set; }

    /// <summary>More query parameter names whose values are shown as *** (sig, token, key, password ... always are).</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? SensitiveQueryParameter { get; set; }

    /// <summary>Run the batch as a background job: Receive-Job streams results, Stop-Job cancels what is in flight.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Stream the body from this file, re-read from the start for every attempt (per item: an InFile property).</summary>
    [Parameter]
    public string? InFile { get; set; }

    /// <summary>Send a multipart/form-data body: text fields, FileInfo values as streamed file parts, arrays as repeated fields (per item: a Form property).</summary>
    [Parameter]
    public IDictionary? Form { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _redactor = SensitiveQueryParameter is null ? UriRedactor.Default : new UriRedactor(SensitiveQueryParameter);
        RejectHandlerSettingsWithSession();
        var partition = ParsePartition();
        StartSummary();
        var options = CreateOptions();

        var connect = ConnectRulesOf();
        var routes = Routes(Session is not null ? null : Connection(new HandlerSettings(
            SkipCertificateCheck,
            Proxy,
            CredentialKey.From(ProxyCredential?.GetNetworkCredential()),
            NoProxy,
            Seconds(ConnectTimeoutSec),
            0,
            HandlerSettings.DefaultPooledConnectionLifetime)));
        _clientLease = routes;

        var outDirectory = OutDirectory is null ? null : PrepareDirectory(OutDirectory);
        try
        {
            _builder = CreateBuilder(outDirectory, connect);
        }
        catch (InvalidInputException invalid)
        {
            // -Headers (or the session's headers) apply to every item: nothing can be sent.
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(invalid.Message), invalid.ErrorId, ErrorCategory.InvalidArgument, null));
        }

        _shard = partition is null ? null : new ShardFilter(partition, PartitionKey, _builder!);
        _keyCheck = new ItemKeyCheck(PipelinePropertyNames(), new[] { JournalKey, PartitionKey });

        _engine = new BatchEngine(routes, options);
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

        _progress = ProgressReporter.Create(this, _shard is null && !EveryAddress && MyInvocation.BoundParameters.ContainsKey(nameof(Uri)) ? Uri.Length : -1);
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

            if (EveryAddress)
            {
                foreach (var (spec, immediate) in PrepareEveryAddress(index, item))
                {
                    Admit(spec, immediate);
                }
            }
            else
            {
                var (spec, immediate) = Prepare(index, item);
                Admit(spec, immediate);
            }
        }
    }

    /// <summary>Hands one prepared item (or its immediate result) to the job or the pump; runs once per item, without a closure.</summary>
    private void Admit(RequestSpec? spec, WebBatchResult? immediate)
    {
        if (_job is not null)
        {
            _job.Enqueue(spec, immediate);
        }
        else
        {
            Guarded((Pump: _pump!, Spec: spec, Immediate: immediate), static item => item.Pump.Admit(item.Spec, item.Immediate));
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
        CloseJournal();
        PublishSummary();

        foreach (var line in _engine!.Flow.FinalLimits())
        {
            WriteVerbose(line);
        }

        if (_engine.PeakBufferedBytes > 0)
        {
            WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                $"memory: at most {_engine.PeakBufferedBytes:N0} bytes of bodies and headers held at once (-MaximumBufferSize {MaximumBufferSize:N0})"));
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
            PublishStoppedSummary();
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
        var (spec, invalid) = Build(index, item);
        return spec is null ? (null, invalid) : Admissible(index, item, spec);
    }

    /// <summary>Builds the request of one input object, or the error result of a bad item.</summary>
    private (RequestSpec? Spec, WebBatchResult? Immediate) Build(long index, object? item)
    {
        foreach (var warning in _keyCheck!.Warnings(item))
        {
            WriteWarning(warning);
        }

        try
        {
            _keyCheck.CheckKeys(item);
            return (_builder!.Build(index, item), null);
        }
        catch (InvalidInputException invalid)
        {
            return (null, InvalidItem(index, item, invalid));
        }
    }

    /// <summary>The request as it may be sent (a download of pages refused, the journal consulted, its file claimed), or the result in its place.</summary>
    private (RequestSpec? Spec, WebBatchResult? Immediate) Admissible(long index, object? item, RequestSpec spec)
    {
        if ((PaginatedDownload(index, item, spec) ?? PaginatedStream(index, item, spec)) is { } refused)
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
        catch (InvalidInputException invalid)
        {
            return (null, InvalidItem(index, item, invalid));
        }

        if (spec.OutFile is not null && !_engine!.Claims.TryClaim(spec.OutFile, index, out var owner))
        {
            return (null, InvalidItem(index, item, new InvalidInputException(ErrorIds.DuplicateOutFile,
                $"'{spec.OutFile}' is already the target of item {owner} in this batch")));
        }

        return (spec, null);
    }

    /// <summary>-ErrorAction Stop, a stopped pipeline or Select-Object -First: cancel the rest, let files clean up, rethrow.</summary>
    private void Guarded(Action action) => Guarded(action, static run => run());

    private void Guarded<TState>(TState state, Action<TState> action)
    {
        try
        {
            action(state);
        }
        catch (OperationCanceledException)
        {
            Abandon(_engine!);
            throw new PipelineStoppedException();
        }
        catch (JournalException unwritable)
        {
            // -JournalPath could not be written: results not in the journal are never emitted, so the batch ends.
            Abandon(_engine!);
            ThrowTerminatingError(JournalError(unwritable));
        }
        catch
        {
            Abandon(_engine!);
            throw;
        }
    }

    /// <summary>The names (and aliases) of parameters bound from the pipeline by property name: an item may carry them.</summary>
    private IEnumerable<string> PipelinePropertyNames() =>
        MyInvocation.MyCommand.Parameters.Values
            .Where(p => p.ParameterSets.Values.Any(s => s.ValueFromPipelineByPropertyName))
            .SelectMany(p => p.Aliases.Prepend(p.Name));

    private RequestSpecBuilder CreateBuilder(string? outDirectory, ConnectRules connect) => new(
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
            Connect = connect,
            ConnectConflict = UnixSocket is not null || Session?.UnixSocket is not null ? "-UnixSocket says where every request connects"
                : Proxy is not null || Session?.Proxy is not null ? "-Proxy connects every request (the proxy connects, not AsyncWeb)" : null,
            Authentication = _authentication,
            AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
            BaseUri = BaseUri,
            UnixSocket = UnixSocket is not null || Session?.UnixSocket is not null,
            Stream = _stream,
            StreamFormat = StreamFormat,
        },
        ToJson,
        path => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));

    private WebBatchResult InvalidItem(long index, object? item, InvalidInputException invalid) => new()
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

        if (next.StreamItem is { } item)
        {
            WriteObject(item);
            return;
        }

        var result = next.Result!;
        CountForSummary(result);
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
}

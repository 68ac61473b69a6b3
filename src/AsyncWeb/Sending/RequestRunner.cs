using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Connections;
using AsyncWeb.Downloads;
using AsyncWeb.Hosts;
using AsyncWeb.Requests;
using AsyncWeb.Resilience;
using AsyncWeb.Streaming;
using AsyncWeb.Timeouts;
using AsyncWeb.Timing;
using AsyncWeb.Tracing;

namespace AsyncWeb.Sending;

/// <summary>
/// Runs one item: its attempts through the resilience pipeline, and in each attempt build → send →
/// follow redirects → read (into memory, or to a file). Never throws for a request failure: every
/// outcome becomes a <see cref="WebBatchResult"/>. Each rule it applies lives in its own file.
/// </summary>
internal sealed partial class RequestRunner : IDisposable
{
    private readonly BatchOptions _options;
    private readonly ResilienceProvider _resilience;
    private readonly Action<string>? _verbose;
    private readonly TransferCounter _received = new();
    private readonly TransferCounter _sent = new();
    private readonly RequestSender _sender;
    private readonly DownloadTargets _targets;
    private readonly DownloadSink _sink;
    private readonly ResponseBodyReader _bodies;
    private readonly BodyBudget _budget;
    private readonly ConditionalFetch? _ifChanged;
    private readonly HostFlow _flow;
    private readonly HostAdmission _hostGate;
    private readonly StreamSession _streams;
    private readonly DeadlineClock _deadlines;

    public RequestRunner(ClientRoutes clients, BatchOptions options, FileClaims claims, BodyBudget budget, Action<string>? verbose, HostFlow flow, HostAdmission hostGate, IStreamSink streams)
    {
        _budget = budget;
        _options = options;
        _verbose = verbose;
        _flow = flow;
        _hostGate = hostGate;
        _resilience = new ResilienceProvider(options, verbose, flow);
        _sender = new RequestSender(clients, options, _sent);
        _targets = new DownloadTargets(claims, options.ExistingFile);
        _sink = new DownloadSink(options.ExistingFile, options.Resume, _received);
        _bodies = new ResponseBodyReader(options.MaximumResponseSize, _received);
        _ifChanged = options.IfChanged ? new ConditionalFetch(options, verbose) : null;
        _streams = new StreamSession(_sender, options, streams, _received, verbose);
        _deadlines = new DeadlineClock(options);
    }

    /// <summary>Releases the rate limiters' timers and the deadlines' timer.</summary>
    public void Dispose()
    {
        _resilience.Dispose();
        _deadlines.Dispose();
    }

    /// <summary>Body bytes received by every request so far (for progress).</summary>
    public long BytesReceived => _received.Value;

    /// <summary>Request body bytes sent by every request so far, retries and redirects included (for progress).</summary>
    public long BytesSent => _sent.Value;


    /// <summary>
    /// Runs one item to its result and hands it to <paramref name="finished"/>; a defect becomes the item's result too.
    /// The item's deadline, attempts and result are one async frame: each frame that waits for the network costs an
    /// allocation per request, so the item's steps are written out here rather than awaited one in another.
    /// </summary>
    public async Task RunAsync(RequestSpec spec, CancellationToken batchToken, Action<RequestSpec, WebBatchResult> finished)
    {
        WebBatchResult result;
        try
        {
            var startTime = DateTimeOffset.Now;
            var started = Stopwatch.GetTimestamp();
            var probe = RequestProbe.Start(spec.Received);
            _verbose?.Invoke($"{spec.Label} {spec.Method} {_options.Redactor.Redact(spec.Uri)}");

            AttemptOutcome outcome;
            var attempts = 0;
            AttemptSpan span = default;
            var given = TraceParent.In(spec.Headers); // a traceparent the item gives wins over tracing
            using (var lease = _budget.Open(spec.Index, spec.PageIndex))
            {
                // An -OutFile that must not be written is decided before anything is sent; a HEAD never writes, so its
                // OutFile is no target at all.
                var fileTarget = spec.OutFile is null || spec.Method == "HEAD" ? null : _targets.ForFile(spec.OutFile);
                if (fileTarget is { Writes: false })
                {
                    outcome = Unwritten(new AttemptOutcome(), fileTarget);
                }
                else
                {
                    // The item's attempts, within its total deadline.
                    var traced = _options.Trace is not null && given is null;
                    var conditional = _ifChanged?.Prepare(spec); // -IfChanged: asks only if the file changed on the server
                    var sending = conditional?.Spec ?? spec;
                    using var item = _deadlines.Item(batchToken);
                    try
                    {
                        if (_resilience.PassesThrough)
                        {
                            // No retry, breaker or rate limit (the default): the one attempt runs here, without the closure,
                            // delegate and async frame the resilience pipeline's callback costs per item.
                            await WaitForHostAsync(sending, retry: false, item.Token).ConfigureAwait(false);
                            attempts = 1;
                            (outcome, span) = await AttemptAsync(sending, fileTarget, probe, lease, 1, traced, item.Token).ConfigureAwait(false);
                        }
                        else
                        {
                            var tally = new AttemptTally();
                            try
                            {
                                outcome = await AttemptsAsync(sending, fileTarget, probe, lease, traced, tally, item.Token).ConfigureAwait(false);
                            }
                            finally
                            {
                                (attempts, span) = (tally.Count, tally.Last);
                            }
                        }

                        outcome = conditional is null ? outcome : _ifChanged!.Finish(conditional, outcome);
                    }
                    catch (OperationCanceledException ex)
                    {
                        (outcome, span) = (Ended(item.Expired(batchToken), attempts), SpanOf(ex, span));
                    }
                    catch (ResilienceRefusedException refused)
                    {
                        outcome = AttemptOutcome.Fail(refused.ErrorId, FailureCategory.Refused, refused.Message, refused.InnerException);
                    }
                }

                var ended = Stopwatch.GetTimestamp();
                result = outcome.ToResult(spec, startTime, Stopwatch.GetElapsedTime(started, ended), attempts, _options.Redactor, probe.Snapshot(started, ended));

                // The result holds its body and headers until the pipeline takes it (BatchEngine gives the bytes back then).
                lease.HandOver(BodyBudget.HeldBy(result));
            }

            FlowFacts(result, spec);
            TraceFacts(result, given, span, attempts);
            _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Label} {outcome.Describe()} in {result.Elapsed.TotalMilliseconds:0} ms, {result.ContentLength:N0} bytes, {attempts} attempt(s): {_options.Redactor.Redact(spec.Uri)}"));
        }
        catch (Exception ex)
        {
            result = Defect(spec, ex);
        }

        finished(spec, result);
    }

    /// <summary>An item cancelled: by its own deadline (TotalTimeoutSec), or with the batch.</summary>
    private AttemptOutcome Ended(bool expired, int attempts) => expired
        ? AttemptOutcome.Fail(ErrorIds.TotalTimeout, FailureCategory.Timeout, string.Create(CultureInfo.InvariantCulture,
            $"the item did not complete within {_options.TotalTimeout.TotalSeconds:0.###} s across {attempts} attempt(s) (TotalTimeoutSec)"))
        : AttemptOutcome.Fail(ErrorIds.Canceled, FailureCategory.Canceled, "the batch was cancelled");

    /// <summary>The runner turns every request failure into a result; an exception here is a defect, still reported per item.</summary>
    private WebBatchResult Defect(RequestSpec spec, Exception ex) => new()
    {
        Index = spec.Index,
        PageIndex = spec.PageIndex,
        TargetAddress = spec.TargetAddress,
        Uri = spec.Uri,
        Method = spec.Method,
        Input = spec.Input,
        Redactor = _options.Redactor,
        Error = _options.Redactor.Redact(new WebBatchError(ErrorIds.ConnectionFailed, FailureCategory.Connection, "internal error: " + ex.Message, ex)),
        ItemKey = spec.ItemKey,
    };

    /// <summary>What the item went through at its host: the time it waited for a paused host, the host's limit, its journal key.</summary>
    private void FlowFacts(WebBatchResult result, RequestSpec spec)
    {
        result.HostWait = spec.HostWait.Total;
        result.HostLimit = _flow.LimitsHosts ? _flow.LimitFor(spec.HostKey) : null;
        result.ItemKey = spec.ItemKey;
    }

    /// <summary>The trace the item's last attempt was sent in: its span, or the traceparent its own headers gave; none when nothing was sent.</summary>
    private static void TraceFacts(WebBatchResult result, string? given, AttemptSpan span, int attempts)
    {
        if (span.SpanId != 0)
        {
            result.TraceId = span.TraceId;
            result.SpanIdValue = span.SpanId;
        }
        else if (attempts > 0 && given is not null && TraceParent.TryParse(given, out var parsed, out _))
        {
            result.TraceId = parsed.TraceId;
            result.SpanIdValue = parsed.ParentId;
        }
    }
}

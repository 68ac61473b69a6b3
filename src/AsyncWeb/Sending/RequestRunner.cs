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
internal sealed class RequestRunner : IDisposable
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

    public async Task<WebBatchResult> RunAsync(RequestSpec spec, CancellationToken batchToken)
    {
        var startTime = DateTimeOffset.Now;
        var started = Stopwatch.GetTimestamp();
        var probe = RequestProbe.Start(spec.Received);
        _verbose?.Invoke($"{spec.Label} {spec.Method} {_options.Redactor.Redact(spec.Uri)}");

        AttemptOutcome outcome;
        int attempts;
        AttemptSpan span;
        WebBatchResult result;
        var given = TraceParent.In(spec.Headers); // a traceparent the item gives wins over tracing
        using (var lease = _budget.Open(spec.Index, spec.PageIndex))
        {
            (outcome, attempts, span) = await ExecuteAsync(spec, probe, lease, given is null, batchToken).ConfigureAwait(false);
            var ended = Stopwatch.GetTimestamp();
            result = outcome.ToResult(spec, startTime, Stopwatch.GetElapsedTime(started, ended), attempts, _options.Redactor, probe.Snapshot(started, ended));

            // The result holds its body and headers until the pipeline takes it (BatchEngine gives the bytes back then).
            lease.HandOver(BodyBudget.HeldBy(result));
        }

        FlowFacts(result, spec);
        TraceFacts(result, given, span, attempts);
        _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{spec.Label} {outcome.Describe()} in {result.Elapsed.TotalMilliseconds:0} ms, {result.ContentLength:N0} bytes, {attempts} attempt(s): {_options.Redactor.Redact(spec.Uri)}"));
        return result;
    }

    /// <summary>
    /// The item's attempts, within its total deadline. An -OutFile that must not be written is decided
    /// before anything is sent; a HEAD never writes, so its OutFile is no target at all.
    /// </summary>
    private async Task<(AttemptOutcome Outcome, int Attempts, AttemptSpan Span)> ExecuteAsync(RequestSpec spec, RequestProbe probe, BudgetLease lease, bool mayTrace, CancellationToken batchToken)
    {
        var fileTarget = spec.OutFile is null || spec.Method == "HEAD" ? null : _targets.ForFile(spec.OutFile);
        if (fileTarget is { Writes: false })
        {
            return (Unwritten(new AttemptOutcome(), fileTarget), 0, default);
        }

        var attempts = 0;
        AttemptSpan span = default;
        var traced = _options.Trace is not null && mayTrace;
        var conditional = _ifChanged?.Prepare(spec); // -IfChanged: asks only if the file changed on the server
        var sending = conditional?.Spec ?? spec;
        using var item = _deadlines.Item(batchToken);
        try
        {
            AttemptOutcome outcome;
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

            return (conditional is null ? outcome : _ifChanged!.Finish(conditional, outcome), attempts, span);
        }
        catch (OperationCanceledException ex) when (item.Expired(batchToken))
        {
            return (AttemptOutcome.Fail(ErrorIds.TotalTimeout, FailureCategory.Timeout, string.Create(CultureInfo.InvariantCulture,
                $"the item did not complete within {_options.TotalTimeout.TotalSeconds:0.###} s across {attempts} attempt(s) (TotalTimeoutSec)")), attempts, SpanOf(ex, span));
        }
        catch (OperationCanceledException ex)
        {
            return (AttemptOutcome.Fail(ErrorIds.Canceled, FailureCategory.Canceled, "the batch was cancelled"), attempts, SpanOf(ex, span));
        }
        catch (ResilienceRefusedException refused)
        {
            return (AttemptOutcome.Fail(refused.ErrorId, FailureCategory.Refused, refused.Message, refused.InnerException), attempts, span);
        }
    }

    /// <summary>
    /// The attempts of an item through the resilience pipeline (retries, breaker, rate limit), counted in <paramref name="tally"/>.
    /// The callback's closure is made here, not in <see cref="ExecuteAsync"/>: an async method makes the closure of a
    /// lambda when it starts, so there the pass-through path paid for it on every item.
    /// </summary>
    private Task<AttemptOutcome> AttemptsAsync(RequestSpec spec, DownloadTarget? fileTarget, RequestProbe probe, BudgetLease lease, bool traced, AttemptTally tally, CancellationToken token) =>
        _resilience.ExecuteAsync(spec, async (s, ct) =>
        {
            // A paused host (Retry-After, rate-limit headers) holds every attempt back, and a host over its lowered
            // adaptive limit holds retries back; the item's slot goes to others meanwhile.
            await WaitForHostAsync(s, tally.Count > 0, ct).ConfigureAwait(false);
            tally.Count++;
            var (answered, attemptSpan) = await AttemptAsync(s, fileTarget, probe, lease, tally.Count, traced, ct).ConfigureAwait(false);
            tally.Last = attemptSpan;
            return answered;
        }, token);

    /// <summary>The span of the attempt a cancellation ended, else the last one that returned.</summary>
    private static AttemptSpan SpanOf(OperationCanceledException cancellation, AttemptSpan last) =>
        cancellation is AttemptCanceledException ended ? ended.Span : last;

    /// <summary>Waits while the item's host is paused (or, for a retry, over its lowered limit); throws when the item is cancelled.</summary>
    private async Task WaitForHostAsync(RequestSpec spec, bool retry, CancellationToken token)
    {
        await _hostGate.WaitForHostAsync(spec, retry, token).ConfigureAwait(false);
        token.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// One attempt, within its deadlines, in its own span (traced: with a traceparent); every failure becomes an
    /// outcome with its ErrorId. The host's flow sees it start and what it answered (adaptive limits, rate-limit headers).
    /// </summary>
    private async Task<(AttemptOutcome Outcome, AttemptSpan Span)> AttemptAsync(RequestSpec spec, DownloadTarget? fileTarget, RequestProbe probe, BudgetLease lease, int attempt, bool traced, CancellationToken itemToken)
    {
        lease.Reset();
        var window = _flow.Starting(spec.HostKey);
        // One span per attempt, started here: an activity is Activity.Current for this attempt only.
        var span = traced ? AttemptSpan.Start(_options.Trace!, spec.Method, spec.Uri, _options.Redactor, attempt) : default;
        AttemptOutcome? answered = null;
        try
        {
            using var deadline = _deadlines.Start(itemToken);
            probe.AttemptStarting();
            try
            {
                var resume = fileTarget is not null && _options.Resume ? ResumeState.Read(fileTarget.Path) : null;
                var (answer, refused) = await _sender.SendResumingAsync(spec, Hop.First(spec), 0, resume, fileTarget?.Path, deadline, span.Header).ConfigureAwait(false);
                var outcome = refused ?? await ReadAsync(spec, answer!, fileTarget, lease, deadline, span.Header, itemToken).ConfigureAwait(false);
                var sent = deadline.BytesSent;
                answered = sent == outcome.BytesSent ? outcome : outcome with { BytesSent = sent }; // no copy of the outcome for a bodiless request
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !itemToken.IsCancellationRequested)
            {
                answered = AttemptFailure.Of(ex, spec, deadline, _options);
            }
            catch (OperationCanceledException ex) when (span.SpanId != 0)
            {
                throw new AttemptCanceledException(span, ex); // the item ends here; its result keeps the span this attempt sent
            }
        }
        finally
        {
            span.Finish(answered?.StatusCode ?? 0, answered is null ? ErrorIds.Canceled : answered.Failure?.ErrorId, answered?.ProtocolVersion);
        }

        _flow.Observe(spec, window, answered);
        return (answered, span);
    }

    /// <summary>
    /// Reads the answer: to its download target (for -OutDirectory decided now, from the response), or into
    /// memory: also a download's 3xx, 4xx/5xx or bodiless answer, which never becomes the file.
    /// </summary>
    private async Task<AttemptOutcome> ReadAsync(RequestSpec spec, Answer answer, DownloadTarget? fileTarget, BudgetLease lease, AttemptDeadline deadline, string? traceParent, CancellationToken itemToken)
    {
        try
        {
            var target = fileTarget;
            if (IsDownload(spec, answer) && target is null)
            {
                target = _targets.ForDirectory(spec.OutDirectory!, spec.Uri, answer.Response.Content.Headers.ContentDisposition, spec.Index);
                if (target.Writes && _options.Resume && answer.Status == 200 && ResumeState.Read(target.Path) is { } partial && ResumeState.CanContinue(answer.Response, partial))
                {
                    // Into a directory the name arrives with the response: a partial file of that name with this
                    // response's validator is continued by a second request, for the rest only. The first response
                    // is let go before it is sent, and its connection with it: with one connection per host, the
                    // second request would otherwise wait for the first to end, which only it could end.
                    var (hop, followed) = (answer.Hop, answer.Followed);
                    answer.Dispose();
                    var (second, refused) = await _sender.SendResumingAsync(spec, hop, followed, partial, target.Path, deadline, traceParent).ConfigureAwait(false);
                    if (refused is not null)
                    {
                        return refused;
                    }

                    answer = second!;
                }
            }

            // The headers are in memory already (the handler bounds them at MaxResponseHeadersLength): they count
            // against -MaximumBufferSize as the first bytes of the response, and the body waits for room after them.
            var headers = ResponseHeaders.Collect(answer.Response);
            await lease.ReserveAsync(ResponseHeaders.SizeOf(headers), deadline).ConfigureAwait(false);
            deadline.Restart();
            if (spec.Stream is not null && answer.Status is >= 200 and < 300 && ResponseBodyReader.HasBody(answer.Hop.Method, answer.Status))
            {
                // -Stream: the body's items go to the pipeline as they arrive; the result that ends it has none.
                var opened = AttemptOutcome.FromResponse(answer.Response, answer.Hop.Uri, _options, headers: headers);
                return await _streams.ReadAsync(spec, answer, opened, deadline, traceParent, itemToken).ConfigureAwait(false);
            }

            if (!IsDownload(spec, answer))
            {
                var body = await _bodies.ReadAsync(answer.Response, answer.Hop.Method, lease, deadline).ConfigureAwait(false);
                return AttemptOutcome.FromResponse(answer.Response, answer.Hop.Uri, _options, body, headers);
            }

            var head = AttemptOutcome.FromResponse(answer.Response, answer.Hop.Uri, _options, headers: headers);
            if (!target!.Writes)
            {
                return Unwritten(head, target);
            }

            var written = await _sink.WriteAsync(target.Path, answer.Response, answer.Resume, spec.ExpectedSha256, _options.HashEveryDownload, deadline).ConfigureAwait(false);
            return head with { OutFile = written.OutFile, ContentLength = written.ContentLength, Sha256 = written.Sha256, Resumed = written.Resumed, Failure = written.Failure };
        }
        finally
        {
            answer.Dispose();
        }
    }

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

    /// <summary>A body for the file system: a 2xx answer that has a body, to a request with a download target.</summary>
    private static bool IsDownload(RequestSpec spec, Answer answer) =>
        spec.IsDownload && answer.Status is >= 200 and < 300 && ResponseBodyReader.HasBody(answer.Hop.Method, answer.Status);

    /// <summary>The outcome of a download target that is not written: skipped (with its path) or failed.</summary>
    private static AttemptOutcome Unwritten(AttemptOutcome head, DownloadTarget target) =>
        target.Skip ? head with { Skipped = true, SkipReason = SkipReasons.FileExists, OutFile = target.Path } : head with { Failure = target.Failure };
}

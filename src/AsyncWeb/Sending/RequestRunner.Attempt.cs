using System;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Downloads;
using AsyncWeb.Requests;
using AsyncWeb.Timeouts;
using AsyncWeb.Timing;
using AsyncWeb.Tracing;

namespace AsyncWeb.Sending;

/// <summary>One attempt of an item: wait for its host, send, follow, read; every failure becomes an outcome.</summary>
internal sealed partial class RequestRunner
{
    /// <summary>
    /// The attempts of an item through the resilience pipeline (retries, breaker, rate limit), counted in <paramref name="tally"/>.
    /// The callback's closure is made here, not in <see cref="RunAsync"/>: an async method makes the closure of a
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
    private Task WaitForHostAsync(RequestSpec spec, bool retry, CancellationToken token)
    {
        var waiting = _hostGate.WaitForHostAsync(spec, retry, token);
        if (!waiting.IsCompletedSuccessfully)
        {
            return WaitedForHostAsync(waiting, token);
        }

        // Nothing paused (the usual case): no async frame.
        token.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }

    private static async Task WaitedForHostAsync(Task waiting, CancellationToken token)
    {
        await waiting.ConfigureAwait(false);
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
    private async ValueTask<AttemptOutcome> ReadAsync(RequestSpec spec, Answer answer, DownloadTarget? fileTarget, BudgetLease lease, AttemptDeadline deadline, string? traceParent, CancellationToken itemToken)
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

    /// <summary>A body for the file system: a 2xx answer that has a body, to a request with a download target.</summary>
    private static bool IsDownload(RequestSpec spec, Answer answer) =>
        spec.IsDownload && answer.Status is >= 200 and < 300 && ResponseBodyReader.HasBody(answer.Hop.Method, answer.Status);

    /// <summary>The outcome of a download target that is not written: skipped (with its path) or failed.</summary>
    private static AttemptOutcome Unwritten(AttemptOutcome head, DownloadTarget target) =>
        target.Skip ? head with { Skipped = true, SkipReason = SkipReasons.FileExists, OutFile = target.Path } : head with { Failure = target.Failure };
}


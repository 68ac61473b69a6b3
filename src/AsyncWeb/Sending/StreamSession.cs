using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Requests;
using AsyncWeb.Resilience;
using AsyncWeb.Streaming;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Sending;

/// <summary>
/// An item's open response (-Stream), read into items until it ends, and for an event stream its reconnections as
/// the server-sent events standard has them: after the body ends, cleanly or not, wait the stream's reconnection
/// time (its retry: field, else -RetryIntervalSec) and send the request again with Last-Event-ID, up to
/// -MaximumRetryCount reconnections in a row that bring no event; a 204, an HTTP error status or a response that
/// is no longer text/event-stream ends it. Other formats are never sent again once an item was emitted: that would
/// emit their items twice.
/// </summary>
internal sealed class StreamSession
{
    private readonly RequestSender _sender;
    private readonly BatchOptions _options;
    private readonly StreamItemReader _reader;
    private readonly Action<string>? _verbose;

    public StreamSession(RequestSender sender, BatchOptions options, IStreamSink sink, TransferCounter received, Action<string>? verbose)
    {
        _sender = sender;
        _options = options;
        _verbose = verbose;
        _reader = new StreamItemReader(sink, received, options.Redactor, options.MaximumStreamItemBytes);
    }

    /// <summary>Streams <paramref name="answer"/> (a 2xx with a body; the caller disposes it) and what follows it; the outcome says how it ended.</summary>
    public async Task<AttemptOutcome> ReadAsync(RequestSpec spec, Answer answer, AttemptOutcome head, AttemptDeadline deadline, string? traceParent, CancellationToken itemToken)
    {
        var (framer, format) = _reader.FramerFor(spec.Stream!.Value, answer.Response);
        var events = framer as ServerSentEventFramer; // reconnects: one framer keeps its last event ID and retry across connections
        var progress = new StreamProgress(format);
        Answer? current = answer;
        Exception? failure = null;
        var sinceEvent = 0; // reconnections since the last one that brought an event
        while (true)
        {
            var before = progress.Items;
            if (current is not null)
            {
                try
                {
                    await _reader.ReadAsync(spec, current.Response, framer, progress, deadline).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !itemToken.IsCancellationRequested)
                {
                    failure = ex;
                }
                finally
                {
                    if (!ReferenceEquals(current, answer))
                    {
                        current.Dispose();
                    }
                }
            }

            if (progress.Items > before)
            {
                sinceEvent = 0;
            }

            if (events is null || failure is StreamUnitTooLargeException or StreamFormatException
                || sinceEvent >= _options.Retry.MaximumRetryCount)
            {
                return Ended(head, progress, failure, deadline);
            }

            sinceEvent++;
            AttemptOutcome? ended;
            (current, ended, failure) = await ReconnectAsync(spec, events, progress, deadline, traceParent, itemToken).ConfigureAwait(false);
            if (ended is not null)
            {
                return Totals(ended, progress);
            }

            if (current is not null)
            {
                events.BeginNewConnection();
                head = AttemptOutcome.FromResponse(current.Response, current.Hop.Uri, _options);
            }
        }
    }

    /// <summary>Waits the reconnection time and sends the request again with Last-Event-ID: the next answer to stream, or how the stream ended.</summary>
    private async Task<(Answer? Next, AttemptOutcome? Ended, Exception? Failed)> ReconnectAsync(RequestSpec spec, ServerSentEventFramer events, StreamProgress progress, AttemptDeadline deadline, string? traceParent, CancellationToken itemToken)
    {
        var wait = events.ReconnectionTime ?? _options.Retry.BaseDelay;
        _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{spec.Label} event stream ended after {progress.Items:N0} event(s); reconnecting in {wait.TotalMilliseconds:0} ms{(events.LastEventId.Length > 0 ? " from its last event ID" : string.Empty)}"));
        deadline.Hold(); // the client waits, not the server
        await Task.Delay(wait, itemToken).ConfigureAwait(false);

        var again = events.LastEventId.Length == 0 ? spec : spec with
        {
            Headers = spec.Headers.Where(h => !string.Equals(h.Key, "Last-Event-ID", StringComparison.OrdinalIgnoreCase))
                .Append(new KeyValuePair<string, string>("Last-Event-ID", events.LastEventId)).ToList(),
        };

        Answer answer;
        try
        {
            var (sent, refused) = await _sender.SendAsync(again, Hop.First(again), 0, null, deadline, traceParent).ConfigureAwait(false);
            if (refused is not null)
            {
                return (null, refused, null);
            }

            answer = sent!;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !itemToken.IsCancellationRequested)
        {
            return (null, null, ex); // a network error: as a dropped stream, reconnected again while reconnections remain
        }

        var outcome = AttemptOutcome.FromResponse(answer.Response, answer.Hop.Uri, _options);
        var mediaType = answer.Response.Content.Headers.ContentType?.MediaType;
        if (answer.Status == 204 || outcome.Failure is not null || answer.Status is < 200 or >= 300)
        {
            answer.Dispose();
            return (null, outcome, null);
        }

        if (StreamFramer.FromMediaType(mediaType) != WebStreamFormat.ServerSentEvents)
        {
            answer.Dispose();
            return (null, outcome with
            {
                Failure = new WebBatchError(ErrorIds.StreamFormatError, FailureCategory.Protocol, $"the reconnected event stream answered '{mediaType}', not text/event-stream"),
            }, null);
        }

        return (answer, null, null);
    }

    private AttemptOutcome Ended(AttemptOutcome head, StreamProgress progress, Exception? failure, AttemptDeadline deadline)
    {
        if (failure is null)
        {
            return Totals(head, progress);
        }

        var failed = Failed(failure, deadline);
        return Totals(head with { Failure = failed.Failure, Transient = failed.Transient }, progress);
    }

    /// <summary>A stream's failure as an outcome: the framer's limits and format by their own ids, the rest as any body's failure.</summary>
    private AttemptOutcome Failed(Exception failure, AttemptDeadline deadline)
    {
        switch (failure)
        {
            case StreamUnitTooLargeException large:
                return AttemptOutcome.Fail(ErrorIds.StreamItemTooLarge, FailureCategory.Protocol, string.Create(CultureInfo.InvariantCulture,
                    $"the stream sent a unit ({large.UnitKind}) larger than {large.MaximumUnitBytes:N0} bytes (MaximumStreamItemBytes); the stream was ended there"));
            case StreamFormatException format:
                return AttemptOutcome.Fail(ErrorIds.StreamFormatError, FailureCategory.Protocol, format.Message);
        }

        var (errorId, category, reason) = FailureClassifier.Classify(failure, deadline.Fired(), _options.OperationTimeout, _options.Timeout, deadline.Silence());
        return AttemptOutcome.Fail(errorId, category, reason, failure) with { Transient = FailureClassifier.IsTransient(failure, errorId, category) };
    }

    /// <summary>The outcome with the stream's totals; retried (as any attempt) only when no item was emitted, which a retry would emit again.</summary>
    private static AttemptOutcome Totals(AttemptOutcome outcome, StreamProgress progress) => outcome with
    {
        Transient = outcome.Transient && progress.Items == 0,
        ContentLength = progress.Bytes,
        StreamItemCount = progress.Items,
        TimeToFirstStreamItem = progress.TimeToFirstItem,
    };
}

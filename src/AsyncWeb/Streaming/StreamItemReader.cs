using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Requests;
using AsyncWeb.Security;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Streaming;

/// <summary>
/// Reads one open response body in chunks as they arrive (decoded: gzip, deflate, br) into its format's framer,
/// and hands each unit the framer cuts to the pipeline as a <see cref="WebBatchStreamItem"/>. Every read restarts
/// the silence deadline (-OperationTimeoutSec); a wait for room in the stream queue is the client's, not the
/// server's silence. Throws what the body or the framer throws; the caller turns it into the item's outcome.
/// </summary>
internal sealed class StreamItemReader
{
    private const int ChunkSize = 16 * 1024;
    private readonly IStreamSink _sink;
    private readonly TransferCounter _received;
    private readonly UriRedactor _redactor;
    private readonly int _maximumItemBytes;

    public StreamItemReader(IStreamSink sink, TransferCounter received, UriRedactor redactor, int maximumItemBytes)
    {
        _sink = sink;
        _received = received;
        _redactor = redactor;
        _maximumItemBytes = maximumItemBytes;
    }

    /// <summary>The framer for a response: in the format the item forces, or the one its Content-Type (and charset) asks for.</summary>
    public (StreamFramer Framer, WebStreamFormat Format) FramerFor(WebStreamFormat requested, HttpResponseMessage response)
    {
        var contentType = response.Content.Headers.ContentType;
        var format = requested != WebStreamFormat.Auto ? requested : StreamFramer.FromMediaType(contentType?.MediaType);
        return (StreamFramer.Create(format, _maximumItemBytes, contentType?.CharSet is { } charset ? TextDecoding.EncodingOf(charset) : null), format);
    }

    /// <summary>Reads <paramref name="response"/>'s body through <paramref name="framer"/> to its end, or until it fails or the item is cancelled.</summary>
    public async Task ReadAsync(RequestSpec spec, HttpResponseMessage response, StreamFramer framer, StreamProgress progress, AttemptDeadline deadline)
    {
        if (ContentEncodingDecoder.Parse(response.Content.Headers.ContentEncoding) is not { } codings)
        {
            throw new StreamFormatException($"the response lists more than {ContentEncodingDecoder.MaximumCodings} content codings (Content-Encoding); it is not decoded");
        }

        var units = new List<StreamUnit>();
        using var wire = await ResponseBodyStream.OpenAsync(response, deadline.Token).ConfigureAwait(false);
        using var body = ContentEncodingDecoder.Decode(wire, codings);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var counted = 0L;
        try
        {
            while (true)
            {
                deadline.Restart();
#if NET
                // The Memory overload: the array one wraps each pending read in a Task, an allocation per event.
                var n = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), deadline.Token).ConfigureAwait(false);
#else
                var n = await body.ReadAsync(chunk, 0, ChunkSize, deadline.Token).ConfigureAwait(false);
#endif
                _received.Add(wire.Received - counted);
                counted = wire.Received;
                progress.Bytes += n;
                try
                {
                    if (n == 0)
                    {
                        framer.Complete(units);
                    }
                    else
                    {
                        framer.Feed(chunk.AsSpan(0, n), units);
                    }
                }
                catch (Exception ex) when (ex is StreamUnitTooLargeException or StreamFormatException)
                {
                    // The units cut before the one that broke a rule were whole: they are emitted before the stream fails.
                    await PostAsync(spec, units, progress, deadline).ConfigureAwait(false);
                    throw;
                }

                await PostAsync(spec, units, progress, deadline).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private async Task PostAsync(RequestSpec spec, List<StreamUnit> units, StreamProgress progress, AttemptDeadline deadline)
    {
        foreach (var unit in units)
        {
            var item = new WebBatchStreamItem
            {
                Index = spec.Index,
                Uri = spec.Uri,
                Redactor = _redactor,
                Input = spec.Input,
                Sequence = progress.Next(),
                Format = progress.Format,
                Event = unit.EventName,
                Id = unit.Id,
                Data = unit.Data,
                Received = DateTimeOffset.Now,
            };

            var posting = _sink.PostAsync(item, deadline.Token);
            if (!posting.IsCompletedSuccessfully)
            {
                deadline.Hold(); // the pipeline is behind: waiting for it is not the server's silence
                await posting.ConfigureAwait(false);
            }
        }

        units.Clear();
    }
}

using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Bodies;

/// <summary>A body read into memory: text for textual media types, bytes otherwise; or why it was not kept.</summary>
internal sealed record BodyContent(long Length, string? Content, byte[]? RawContent, WebBatchError? Failure = null)
{
    public static readonly BodyContent None = new(0, null, null);
}

/// <summary>
/// Reads response bodies into memory: decoded (gzip, deflate, br), in a buffer that starts small and
/// grows with what arrives (a declared length is a promise, not a reason to reserve it), within
/// -MaximumResponseSize and the batch's <see cref="BodyBudget"/>. Responses that have no body are not read.
/// </summary>
internal sealed class ResponseBodyReader
{
    private const int InitialSize = 16 * 1024;
    private const int ChunkSize = 64 * 1024;
    private readonly long _maximum;
    private readonly TransferCounter _received;

    public ResponseBodyReader(long maximum, TransferCounter received)
    {
        _maximum = maximum;
        _received = received;
    }

    /// <summary>HEAD, 1xx, 204, 205 and 304 answers carry no body, whatever their headers say.</summary>
    public static bool HasBody(string method, int status) =>
        method != "HEAD" && status >= 200 && status is not (204 or 205 or 304);

    public async ValueTask<BodyContent> ReadAsync(HttpResponseMessage response, string method, BudgetLease lease, AttemptDeadline deadline)
    {
        if (!HasBody(method, (int)response.StatusCode))
        {
            return BodyContent.None;
        }

        var declared = response.Content.Headers.ContentLength;
        if (declared > _maximum)
        {
            return TooLarge($"the body is {declared:N0} bytes, more than the {_maximum:N0} kept in memory (MaximumResponseSize); use -OutFile or -OutDirectory");
        }

        if (ContentEncodingDecoder.Parse(response.Content.Headers.ContentEncoding) is not { } codings)
        {
            return new BodyContent(0, null, null, new WebBatchError(ErrorIds.TooManyContentEncodings, FailureCategory.Protocol,
                $"the response lists more than {ContentEncodingDecoder.MaximumCodings} content codings (Content-Encoding); it is not decoded"));
        }

        using var wire = await ResponseBodyStream.OpenAsync(response, deadline.Token).ConfigureAwait(false);
        using var body = ContentEncodingDecoder.Decode(wire, codings);
        var exact = ReferenceEquals(body, wire) ? declared : null;
        var mediaType = response.Content.Headers.ContentType;
        var text = TextDecoding.IsText(mediaType?.MediaType);
        var (bytes, length, pooled) = await ReadAllAsync(body, exact, text, lease, deadline).ConfigureAwait(false);
        try
        {
            _received.Add(wire.Received);
            if (length < 0)
            {
                return TooLarge($"the body is more than the {_maximum:N0} bytes kept in memory (MaximumResponseSize); use -OutFile or -OutDirectory");
            }

            return text
                ? new BodyContent(length, TextDecoding.Decode(bytes, length, mediaType?.CharSet), null)
                : new BodyContent(length, null, length == bytes.Length ? bytes : bytes.AsSpan(0, length).ToArray());
        }
        finally
        {
            if (pooled)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>
    /// Reads to the end into a buffer that doubles as it fills, each growth reserved from the budget, never
    /// beyond <paramref name="exact"/> (a known length) or the limit. Length -1: the body is over the limit.
    /// Reads go through a pooled chunk, never straight into the result: a socket keeps a reference to the
    /// last buffer it filled, and an idle pooled connection would otherwise pin the last body it read.
    /// A body that becomes text (<paramref name="transient"/>) only passes through its buffer: up to one chunk's
    /// size that buffer is rented (Pooled: the caller returns it once decoded); larger ones are not kept in the pool.
    /// The budget counts the size asked for, whatever length the pool's array has.
    /// </summary>
    private async ValueTask<(byte[] Bytes, int Length, bool Pooled)> ReadAllAsync(Stream body, long? exact, bool transient, BudgetLease lease, AttemptDeadline deadline)
    {
        var cap = Math.Min(Math.Min(exact ?? long.MaxValue, _maximum), Array.MaxLength);
        var buffer = Array.Empty<byte>();
        var capacity = 0;
        var pooled = false;
        var length = 0;
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (length != exact)
            {
                deadline.Restart();
                var n = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                if (length + (long)n > cap)
                {
                    return (buffer, -1, pooled);
                }

                if (length + n > capacity)
                {
                    var size = (int)Math.Min(Math.Max(Math.Max(capacity * 2L, InitialSize), length + n), cap);
                    await lease.ReserveAsync(size - capacity, deadline).ConfigureAwait(false);
                    var rent = transient && size <= ChunkSize;
                    var bigger = rent ? ArrayPool<byte>.Shared.Rent(size) : new byte[size];
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    if (pooled)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    (buffer, capacity, pooled) = (bigger, size, rent);
                }

                chunk.AsSpan(0, n).CopyTo(buffer.AsSpan(length));
                length += n;
            }

            return (buffer, length, pooled);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static BodyContent TooLarge(string message) =>
        new(0, null, null, new WebBatchError(ErrorIds.ResponseTooLarge, FailureCategory.Protocol, message));
}

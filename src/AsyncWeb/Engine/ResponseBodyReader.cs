using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;

namespace AsyncWeb.Engine;

/// <summary>A body read into memory: text for textual media types, bytes otherwise; or why it was not kept.</summary>
internal sealed record BodyContent(long Length, string? Content, byte[]? RawContent, WebBatchError? Failure = null);

/// <summary>Reads response bodies into memory, within the in-memory limit.</summary>
internal sealed class ResponseBodyReader
{
    private readonly long _maximum;
    private readonly ByteCounter _received;

    public ResponseBodyReader(long maximum, ByteCounter received)
    {
        _maximum = maximum;
        _received = received;
    }

    public async Task<BodyContent> ReadAsync(HttpResponseMessage response, AttemptDeadline deadline)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > _maximum)
        {
            return TooLarge($"the body is {declared:N0} bytes, more than the {_maximum:N0} kept in memory; use -OutFile or -OutDirectory");
        }

        var token = deadline.Token;
        using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        byte[] bytes;
        int length;
        if (declared is { } known)
        {
            bytes = known == 0 ? Array.Empty<byte>() : new byte[known];
            length = 0;
            while (length < bytes.Length)
            {
                deadline.Restart();
                var n = await stream.ReadAsync(bytes.AsMemory(length), token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                length += n;
            }
        }
        else
        {
            (bytes, length) = await ReadUnknownLengthAsync(stream, deadline).ConfigureAwait(false);
            if (bytes.Length == 0 && length < 0)
            {
                return TooLarge($"the body is more than the {_maximum:N0} bytes kept in memory; use -OutFile or -OutDirectory");
            }
        }

        _received.Add(length);
        var mediaType = response.Content.Headers.ContentType;
        return ContentDecoding.IsText(mediaType?.MediaType)
            ? new BodyContent(length, ContentDecoding.Decode(bytes, length, mediaType?.CharSet), null)
            : new BodyContent(length, null, length == bytes.Length ? bytes : bytes.AsSpan(0, length).ToArray());
    }

    private async Task<(byte[] Bytes, int Length)> ReadUnknownLengthAsync(Stream stream, AttemptDeadline deadline)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= _maximum)
                    {
                        return (Array.Empty<byte>(), -1);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, Array.MaxLength));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                deadline.Restart();
                var n = await stream.ReadAsync(buffer.AsMemory(length), deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return (buffer.AsSpan(0, length).ToArray(), length);
                }

                length += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static BodyContent TooLarge(string message) =>
        new(0, null, null, new WebBatchError(ErrorIds.ResponseTooLarge, FailureCategory.Protocol, message));
}

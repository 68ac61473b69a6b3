using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.TestServer;

/// <summary>
/// The deterministic body content: byte i of every body is (byte)(i % 251), so a client can check any
/// slice (a resumed download, a range) without the server keeping anything in memory.
/// </summary>
internal static class Pattern
{
    public const int ChunkSize = 64 * 1024;
    private const int Period = 251;

    // Period + ChunkSize bytes, so a chunk starting at any offset is one slice.
    private static readonly byte[] _bytes = Build();

    public static ReadOnlyMemory<byte> Slice(long offset, int length) =>
        _bytes.AsMemory((int)(offset % Period), length);

    /// <summary>Writes bytes [offset, offset + count) of the pattern in chunks of at most <paramref name="chunkSize"/>.</summary>
    public static async Task WriteAsync(Stream body, long offset, long count, int chunkSize, bool flushEachChunk, CancellationToken cancellationToken)
    {
        long end = offset + count;
        for (long position = offset; position < end;)
        {
            int length = (int)Math.Min(chunkSize, end - position);
            await body.WriteAsync(Slice(position, length), cancellationToken);
            if (flushEachChunk)
            {
                await body.FlushAsync(cancellationToken);
            }

            position += length;
        }
    }

    private static byte[] Build()
    {
        var bytes = new byte[Period + ChunkSize];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i % Period);
        }

        return bytes;
    }
}

/// <summary>A single byte range from a Range header, already resolved against the body length.</summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    /// <summary>
    /// Parses "bytes=a-b", "bytes=a-" or "bytes=-n". Returns false when the header is absent, malformed or
    /// asks for several ranges (the full body is served then); <paramref name="satisfiable"/> is false for a
    /// range that starts past the end (416).
    /// </summary>
    public static bool TryParse(string? header, long bodyLength, out ByteRange range, out bool satisfiable)
    {
        range = default;
        satisfiable = false;
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(','))
        {
            return false;
        }

        string spec = header["bytes=".Length..].Trim();
        int dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        string first = spec[..dash].Trim(), last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            // Suffix range: the last n bytes.
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long suffix))
            {
                return false;
            }

            satisfiable = suffix > 0 && bodyLength > 0;
            long take = Math.Min(suffix, bodyLength);
            range = new ByteRange(bodyLength - take, take);
            return true;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out long start))
        {
            return false;
        }

        long end = bodyLength - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long requestedEnd) || requestedEnd < start)
            {
                return false;
            }

            end = Math.Min(requestedEnd, end);
        }

        satisfiable = start < bodyLength;
        range = new ByteRange(start, satisfiable ? end - start + 1 : 0);
        return true;
    }
}

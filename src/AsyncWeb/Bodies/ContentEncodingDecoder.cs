using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Bodies;

/// <summary>
/// Content-Encoding for bodies read into memory. The connection pool decodes nothing (a download is the
/// server's bytes), so in-memory requests offer the codings this build can undo and undo them here.
/// </summary>
internal static class ContentEncodingDecoder
{
    /// <summary>The Accept-Encoding of a download: the body as stored, as curl -o gets it.</summary>
    public const string Identity = "identity";

#if NET
    /// <summary>The Accept-Encoding of an in-memory request: what <see cref="Decode"/> can undo.</summary>
    public const string Offered = "gzip, deflate, br";
#else
    /// <summary>The Accept-Encoding of an in-memory request: what <see cref="Decode"/> can undo (no Brotli on .NET Framework).</summary>
    public const string Offered = "gzip, deflate";
#endif

    /// <summary>
    /// The most codings one body may list besides identity (curl stacks at most 5 decoders too). Each is a
    /// decoder stacked on the last, so a hostile list of thousands would otherwise exhaust the stack.
    /// </summary>
    public const int MaximumCodings = 5;

    /// <summary>
    /// The codings of Content-Encoding in the order they were applied, identity (a no-op) left out; null when
    /// there are more than <see cref="MaximumCodings"/>. Counting stops at the first coding over the limit.
    /// </summary>
    public static IReadOnlyList<string>? Parse(IEnumerable<string> contentEncoding)
    {
        var codings = new List<string>();
        foreach (var value in contentEncoding)
        {
            foreach (var part in value.Split(','))
            {
                var coding = part.Trim();
                if (coding.Length == 0 || coding.Equals(Identity, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (codings.Count == MaximumCodings)
                {
                    return null;
                }

                codings.Add(coding);
            }
        }

        return codings;
    }

    /// <summary>
    /// The decoded body: <paramref name="codings"/> (from <see cref="Parse"/>) undone, the last applied first.
    /// A coding it does not know leaves the body as it is from there on (as .NET's own decompression does).
    /// </summary>
    public static Stream Decode(Stream body, IReadOnlyList<string> codings)
    {
        for (var i = codings.Count - 1; i >= 0; i--)
        {
            switch (codings[i].ToLowerInvariant())
            {
                case "gzip" or "x-gzip":
                    body = new GZipStream(body, CompressionMode.Decompress);
                    continue;
                case "deflate":
                    body = new DeflateStream(new ZlibHeaderSkipper(body), CompressionMode.Decompress);
                    continue;
#if NET
                case "br":
                    body = new BrotliStream(body, CompressionMode.Decompress);
                    continue;
#endif
                default:
                    return body;
            }
        }

        return body;
    }

    /// <summary>
    /// "deflate" as servers really send it: zlib-wrapped (RFC 9110 says so) or raw. The first two bytes tell:
    /// a zlib header is skipped (its checksum trailer is never read), raw deflate passes through untouched.
    /// </summary>
    private sealed class ZlibHeaderSkipper : ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly byte[] _head = new byte[2];
        private int _headLength = -1;
        private int _headOffset;

        public ZlibHeaderSkipper(Stream inner) => _inner = inner;

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (_headLength < 0)
            {
                _headLength = 0;
                int n;
                while (_headLength < 2 && (n = await _inner.ReadAsync(_head, _headLength, 2 - _headLength, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    _headLength += n;
                }

                // CMF says deflate (8), and CMF·FLG is a multiple of 31: a zlib header.
                _headOffset = _headLength == 2 && (_head[0] & 0x0F) == 8 && ((_head[0] << 8) | _head[1]) % 31 == 0 ? 2 : 0;
            }

            if (_headOffset < _headLength && count > 0)
            {
                var take = Math.Min(count, _headLength - _headOffset);
                Buffer.BlockCopy(_head, _headOffset, buffer, offset, take);
                _headOffset += take;
                return take;
            }

            return await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

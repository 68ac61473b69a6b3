using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Bodies;

/// <summary>
/// Content-Encoding for bodies read into memory. The connection pool decodes nothing (a download is the
/// server's bytes), so in-memory requests offer the codings this build can undo and undo them here.
/// </summary>
internal static class ContentCoding
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
    /// The decoded body: the codings of Content-Encoding undone, the last applied first. A coding it does not
    /// know leaves the body as it is from there on (as .NET's own decompression does).
    /// </summary>
    public static Stream Decode(Stream body, ICollection<string> contentEncoding)
    {
        if (contentEncoding.Count == 0)
        {
            return body;
        }

        var codings = contentEncoding.SelectMany(v => v.Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
        for (var i = codings.Length - 1; i >= 0; i--)
        {
            switch (codings[i].ToLowerInvariant())
            {
                case "identity":
                    continue;
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

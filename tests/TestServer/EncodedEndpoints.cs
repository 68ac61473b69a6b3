using System;
using System.Collections.Concurrent;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Bodies that are compressed whatever the client asked for, as careless servers send them: a download
/// of one must be these bytes on disk, and an in-memory read must decode them within its size limit.
/// </summary>
internal static class EncodedEndpoints
{
    private const string BinaryType = "application/octet-stream";

    // Compressed once per (size, zeros) and kept: the 1 GiB bomb is about 1 MiB of gzip.
    private static readonly ConcurrentDictionary<(long Size, bool Zeros), Lazy<Encoded>> _bodies = new();

    public static void MapEncodedEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/gzip/{n:long:min(0)}", (HttpContext c, long n) => Gzip(c, n));
        app.Map("/codings/{n:int:range(1,100000)}", (HttpContext c, int n) => Codings(c, n));
    }

    /// <summary>
    /// /codings/{n}: the text "coded n times" with Content-Encoding listing gzip n times, whatever Accept-Encoding
    /// says. Up to 10 the body really is gzipped n times; beyond, it is gzipped once (a hostile list).
    /// </summary>
    private static Task Codings(HttpContext c, int n)
    {
        var body = System.Text.Encoding.UTF8.GetBytes($"coded {n} times");
        for (var i = 0; i < (n <= 10 ? n : 1); i++)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body);
            }

            body = output.ToArray();
        }

        c.Response.ContentType = "text/plain; charset=utf-8";
        c.Response.Headers.ContentEncoding = string.Join(",", System.Linq.Enumerable.Repeat("gzip", n));
        c.Response.ContentLength = body.Length;
        return c.Response.Body.WriteAsync(body, c.RequestAborted).AsTask();
    }

    /// <summary>
    /// /gzip/{n}[?zeros=1]: n pattern bytes (or zeros), gzip-compressed, with Content-Encoding: gzip whatever
    /// Accept-Encoding says. Content-Length, ETag, Accept-Ranges and Range (206/416) are about the compressed
    /// bytes; X-Encoded-Sha256 is their SHA-256 (upper-case hex), X-Decoded-Length the length once decoded.
    /// </summary>
    private static Task Gzip(HttpContext c, long n)
    {
        bool zeros = c.Request.Query["zeros"] == "1";
        if (n > 4L * 1024 * 1024 * 1024 || (!zeros && n > 256L * 1024 * 1024))
        {
            c.Response.StatusCode = 400;
            return Task.CompletedTask;
        }

        var body = _bodies.GetOrAdd((n, zeros), static key => new Lazy<Encoded>(() => Encoded.Of(key.Size, key.Zeros))).Value;
        var response = c.Response;
        string etag = $"\"gzip-{n}{(zeros ? "-zeros" : "")}\"";
        response.ContentType = BinaryType;
        response.Headers.ContentEncoding = "gzip";
        response.Headers.ETag = etag;
        response.Headers.LastModified = Endpoints.LastModified;
        response.Headers["X-Encoded-Sha256"] = body.Sha256;
        response.Headers["X-Decoded-Length"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);

        if (!Endpoints.TrySelectRange(c, body.Bytes.Length, etag, out long start, out long length))
        {
            return Task.CompletedTask;
        }

        response.ContentLength = length;
        return HttpMethods.IsHead(c.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body.Bytes.AsMemory((int)start, (int)length), c.RequestAborted).AsTask();
    }

    private sealed record Encoded(byte[] Bytes, string Sha256)
    {
        public static Encoded Of(long size, bool zeros)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                var block = zeros ? new byte[Pattern.ChunkSize] : null;
                for (long position = 0; position < size;)
                {
                    int count = (int)Math.Min(Pattern.ChunkSize, size - position);
                    gzip.Write(zeros ? block.AsSpan(0, count) : Pattern.Slice(position, count).Span);
                    position += count;
                }
            }

            var bytes = output.ToArray();
            return new Encoded(bytes, Convert.ToHexString(SHA256.HashData(bytes)));
        }
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AsyncWeb.TestServer;

/// <summary>
/// The endpoints the tests call, identical on the http, https and h2c listeners. Every route accepts any
/// method (HEAD gets headers only); bodies are the deterministic <see cref="Pattern"/> unless JSON or text.
/// </summary>
internal static class Endpoints
{
    internal const string JsonType = "application/json; charset=utf-8";
    private const string BinaryType = "application/octet-stream";
    private const int EchoBodyLimit = 1024 * 1024;  // /echo returns at most this much body text; bodyLength and bodySha256 cover all of it

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The fixed Last-Modified of every download endpoint.</summary>
    internal static readonly string LastModified = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToString("R", CultureInfo.InvariantCulture);
    private static readonly byte[] _jsonDocument = JsonSerializer.SerializeToUtf8Bytes(new
    {
        id = 1,
        name = "asyncweb",
        description = "Fixed document served by the AsyncWeb test server.",
        items = Enumerable.Range(1, 16).Select(i => new { id = i, name = $"item-{i}", value = i * 1.5, tags = new[] { "a", "b" } }),
    }, _json);

    private static readonly ConcurrentDictionary<string, Counter> _retries = new(StringComparer.Ordinal);

    public static void MapTestEndpoints(this IEndpointRouteBuilder app, Stats stats)
    {
        app.Map("/json", Json);
        app.Map("/status/{code:int}", (HttpContext c, int code) => Status(c, code));
        app.Map("/delay/{ms:int:min(0)}", (HttpContext c, int ms) => Delay(c, ms));
        app.Map("/bytes/{n:long:min(0)}", (HttpContext c, long n) => Bytes(c, n));
        app.Map("/stream/{n:long:min(0)}", (HttpContext c, long n) => Chunked(c, n));
        app.Map("/drip", Drip);
        app.Map("/echo", Echo);
        app.Map("/redirect/{n:int:min(0)}", (HttpContext c, int n) =>
            n == 0 ? Json(c) : Redirect(c, 302, $"/redirect/{n - 1}"));
        app.Map("/redirect-to", RedirectTo);
        app.Map("/retry/{key}", (HttpContext c, string key) => Retry(c, key));
        app.Map("/retry/{key}/count", (HttpContext c, string key) =>
            WriteJson(c, new { key, attempts = _retries.TryGetValue(key, out var n) ? Volatile.Read(ref n.Value) : 0 }));
        app.Map("/reset", Reset);
        app.Map("/hang", c => Task.Delay(Timeout.Infinite, c.RequestAborted));
        app.Map("/content-disposition", ContentDisposition);
        app.Map("/headers/large", LargeHeader);
        app.Map("/cookies/set", SetCookies);
        app.Map("/cookies", c => WriteJson(c, new { cookies = c.Request.Cookies.ToDictionary(p => p.Key, p => p.Value) }));
        app.Map("/bearer", Bearer);
        app.Map("/basic-auth/{user}/{pass}", (HttpContext c, string user, string pass) => BasicAuth(c, user, pass));
        app.Map("/stats", c => WriteJson(c, stats.Snapshot()));
        app.Map("/stats/reset", c =>
        {
            stats.Reset();
            _retries.Clear();
            return WriteJson(c, stats.Snapshot());
        });
    }

    private static Task Json(HttpContext c) => WriteBytes(c, _jsonDocument, JsonType);

    /// <summary>/status/{code}[?retryAfter=S]: that status with a short text body.</summary>
    private static Task Status(HttpContext c, int code)
    {
        if (code is < 200 or > 599)
        {
            return WriteText(c, 400, "status must be between 200 and 599\n");
        }

        if (c.Request.Query.TryGetValue("retryAfter", out var retryAfter))
        {
            c.Response.Headers.RetryAfter = retryAfter.ToString();
        }

        if (code is 204 or 205 or 304)
        {
            c.Response.StatusCode = code; // no body allowed
            return Task.CompletedTask;
        }

        return WriteText(c, code, $"{code} {ReasonPhrases.GetReasonPhrase(code)}\n");
    }

    private static async Task Delay(HttpContext c, int ms)
    {
        await Task.Delay(ms, c.RequestAborted);
        await WriteJson(c, new { delayMs = ms });
    }

    /// <summary>
    /// /bytes/{n}: a download with validators and single-range support, so resume logic can be tested.
    /// ?noranges=1 turns ranges off; ?etag=X changes the entity tag (the "file" changed on the server).
    /// </summary>
    private static Task Bytes(HttpContext c, long n)
    {
        var request = c.Request;
        var response = c.Response;
        bool ranges = request.Query["noranges"] != "1";
        string etag = request.Query.TryGetValue("etag", out var custom) ? Quote(custom.ToString()) : $"\"bytes-{n}\"";

        response.ContentType = BinaryType;
        response.Headers.ETag = etag;
        response.Headers.LastModified = LastModified;
        long start = 0, length = n;
        if (ranges && !TrySelectRange(c, n, etag, out start, out length))
        {
            return Task.CompletedTask;
        }

        response.ContentLength = length;
        return HttpMethods.IsHead(request.Method)
            ? Task.CompletedTask
            : Pattern.WriteAsync(response.Body, start, length, Pattern.ChunkSize, flushEachChunk: false, c.RequestAborted);
    }

    /// <summary>
    /// Range support for a body of <paramref name="total"/> bytes with entity tag <paramref name="etag"/>: sets
    /// Accept-Ranges, and for one satisfiable range (whose If-Range, if any, matches) 206 with Content-Range.
    /// Returns false when it answered 416 itself (a range past the end); otherwise the slice to send.
    /// </summary>
    internal static bool TrySelectRange(HttpContext c, long total, string etag, out long start, out long length)
    {
        var response = c.Response;
        response.Headers.AcceptRanges = "bytes";
        (start, length) = (0, total);
        if (!ByteRange.TryParse(c.Request.Headers.Range, total, out var range, out bool satisfiable) || !IfRangeMatches(c.Request.Headers.IfRange, etag))
        {
            return true;
        }

        if (!satisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{total}";
            response.ContentLength = 0;
            return false;
        }

        response.StatusCode = StatusCodes.Status206PartialContent;
        response.Headers.ContentRange = $"bytes {range.Start}-{range.Start + range.Length - 1}/{total}";
        (start, length) = (range.Start, range.Length);
        return true;
    }

    /// <summary>If-Range holds an entity tag (strong comparison; weak never matches) or an HTTP date (exact match).</summary>
    private static bool IfRangeMatches(string? ifRange, string etag)
    {
        if (string.IsNullOrEmpty(ifRange))
        {
            return true;
        }

        return ifRange.StartsWith('"') || ifRange.StartsWith("W/", StringComparison.Ordinal)
            ? string.Equals(ifRange, etag, StringComparison.Ordinal)
            : string.Equals(ifRange, LastModified, StringComparison.OrdinalIgnoreCase);
    }

    private static string Quote(string etag) =>
        etag.StartsWith('"') || etag.StartsWith("W/", StringComparison.Ordinal) ? etag : $"\"{etag}\"";

    /// <summary>/stream/{n}: n pattern bytes with no Content-Length (chunked on HTTP/1.1), flushed in about eight pieces.</summary>
    private static async Task Chunked(HttpContext c, long n)
    {
        c.Response.ContentType = BinaryType;
        await c.Response.StartAsync(c.RequestAborted); // headers leave now, before any length is known
        if (!HttpMethods.IsHead(c.Request.Method))
        {
            int chunk = (int)Math.Clamp((n + 7) / 8, 1, Pattern.ChunkSize);
            await Pattern.WriteAsync(c.Response.Body, 0, n, chunk, flushEachChunk: true, c.RequestAborted);
        }
    }

    /// <summary>
    /// /drip?bytes=N&amp;intervalMs=M&amp;delayMs=D[&amp;stallAfter=K]: headers after D ms, then one byte every M ms;
    /// with stallAfter, nothing more after K bytes until the client gives up (a body read that hangs mid-body).
    /// </summary>
    private static async Task Drip(HttpContext c)
    {
        long bytes = QueryLong(c, "bytes", 10);
        int interval = (int)QueryLong(c, "intervalMs", 100);
        int delay = (int)QueryLong(c, "delayMs", 0);
        long stallAfter = QueryLong(c, "stallAfter", long.MaxValue);
        var ct = c.RequestAborted;

        await Task.Delay(delay, ct);
        c.Response.ContentType = BinaryType;
        c.Response.ContentLength = bytes;
        await c.Response.StartAsync(ct);
        await c.Response.Body.FlushAsync(ct);
        for (long i = 0; i < bytes && !HttpMethods.IsHead(c.Request.Method); i++)
        {
            await Task.Delay(i == stallAfter ? Timeout.Infinite : interval, ct);
            await c.Response.Body.WriteAsync(Pattern.Slice(i, 1), ct);
            await c.Response.Body.FlushAsync(ct);
        }
    }

    /// <summary>/echo: what the server received, for any method (custom verbs included).</summary>
    private static async Task Echo(HttpContext c)
    {
        var request = c.Request;
        using var kept = new MemoryStream();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, c.RequestAborted)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            int keep = (int)Math.Min(read, EchoBodyLimit - kept.Length);
            kept.Write(buffer, 0, keep);
            total += read;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", (IEnumerable<string?>)values);
        }

        await WriteJson(c, new Dictionary<string, object?>
        {
            ["method"] = request.Method,
            ["path"] = request.Path.Value,
            ["query"] = request.QueryString.Value ?? "",   // raw, with the leading '?'
            ["args"] = request.Query.ToDictionary(p => p.Key, p => p.Value.ToString()),
            ["protocol"] = request.Protocol,
            ["headers"] = headers,
            ["body"] = Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length),
            ["bodyLength"] = total,
            ["bodyTruncated"] = total > kept.Length,
            ["bodySha256"] = Convert.ToHexStringLower(sha256.GetHashAndReset()),
            ["contentType"] = request.ContentType,
            ["tlsProtocol"] = c.Features.Get<ITlsHandshakeFeature>()?.Protocol.ToString(),
            ["clientCertificate"] = AuthEndpoints.Describe(c.Connection.ClientCertificate),
        });
    }

    private static Task Redirect(HttpContext c, int status, string location)
    {
        c.Response.StatusCode = status;
        c.Response.Headers.Location = location;
        c.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>/redirect-to?url=U&amp;status=302: Location is U verbatim (absolute or relative).</summary>
    private static Task RedirectTo(HttpContext c)
    {
        string? url = c.Request.Query["url"];
        int status = (int)QueryLong(c, "status", 302);
        if (string.IsNullOrEmpty(url) || status is not (301 or 302 or 303 or 307 or 308))
        {
            return WriteText(c, 400, "need ?url= and a status of 301, 302, 303, 307 or 308\n");
        }

        return Redirect(c, status, url);
    }

    /// <summary>/retry/{key}?failures=1&amp;status=503&amp;retryAfter=S: the first N calls per key fail, later ones succeed.</summary>
    private static async Task Retry(HttpContext c, string key)
    {
        long failures = QueryLong(c, "failures", 1);
        int status = (int)QueryLong(c, "status", 503);
        long attempts = Interlocked.Increment(ref _retries.GetOrAdd(key, static _ => new Counter()).Value);
        if (attempts <= failures)
        {
            if (c.Request.Query.TryGetValue("retryAfter", out var retryAfter))
            {
                c.Response.Headers.RetryAfter = retryAfter.ToString();
            }

            // failDelayMs: a failing answer is also a slow one (the phase-timing tests tell attempts apart by it).
            await Task.Delay((int)QueryLong(c, "failDelayMs", 0), c.RequestAborted);
            await WriteJson(c, new { key, attempts }, status);
            return;
        }

        await WriteJson(c, new { key, attempts });
    }

    /// <summary>/reset: promises 100000 bytes, sends 1000, then aborts. ?when=headers aborts before any byte.</summary>
    private static async Task Reset(HttpContext c)
    {
        if (c.Request.Query["when"] == "headers")
        {
            c.Abort();
            return;
        }

        c.Response.ContentType = BinaryType;
        c.Response.ContentLength = 100_000;
        await c.Response.Body.WriteAsync(Pattern.Slice(0, 1000), c.RequestAborted);
        await c.Response.Body.FlushAsync(c.RequestAborted);

        // Abort discards output Kestrel has not yet handed to the socket, so give the flushed bytes a moment.
        await Task.Delay(100, c.RequestAborted);
        c.Abort();
    }

    /// <summary>
    /// /content-disposition?name=X[&amp;star=1]: the file name written verbatim (hostile names are the point),
    /// non-ASCII as raw UTF-8. Kestrel refuses control characters in a header value, so a name holding any
    /// is sent as filename*=UTF-8''&lt;percent-encoded&gt; instead, which carries them intact.
    /// </summary>
    private static Task ContentDisposition(HttpContext c)
    {
        string name = c.Request.Query["name"].ToString() is { Length: > 0 } n ? n : "file.bin";
        bool star = c.Request.Query["star"] == "1" || name.Any(ch => char.IsControl(ch));
        c.Response.Headers.ContentDisposition = star
            ? $"attachment; filename*=UTF-8''{Rfc5987Encode(name)}"
            : $"attachment; filename=\"{name}\"";
        return WriteBytes(c, Pattern.Slice(0, 1000), BinaryType);
    }

    // RFC 5987 attr-char stays as is; everything else is percent-encoded UTF-8.
    private static string Rfc5987Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>/headers/large?size=N: one X-Large header of N characters (a-z repeated).</summary>
    private static Task LargeHeader(HttpContext c)
    {
        int size = (int)Math.Clamp(QueryLong(c, "size", 16 * 1024), 0, 64 * 1024 * 1024);
        c.Response.Headers["X-Large"] = string.Create(size, 0, static (span, _) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i % 26));
            }
        });
        return WriteJson(c, new { size });
    }

    /// <summary>/cookies/set?name=value&amp;...: one Set-Cookie (path=/) per query pair.</summary>
    private static Task SetCookies(HttpContext c)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in c.Request.Query)
        {
            set[name] = values.ToString();
            c.Response.Cookies.Append(name, set[name], new CookieOptions { Path = "/" });
        }

        return WriteJson(c, new { cookies = set });
    }

    private static Task Bearer(HttpContext c)
    {
        string authorization = c.Request.Headers.Authorization.ToString();
        string token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
        if (token.Length == 0)
        {
            c.Response.Headers.WWWAuthenticate = "Bearer";
            return WriteJson(c, new { authenticated = false }, 401);
        }

        return WriteJson(c, new { authenticated = true, token });
    }

    private static Task BasicAuth(HttpContext c, string user, string pass)
    {
        string authorization = c.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                string credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                if (string.Equals(credentials, $"{user}:{pass}", StringComparison.Ordinal))
                {
                    return WriteJson(c, new { authenticated = true, user });
                }
            }
            catch (FormatException)
            {
            }
        }

        c.Response.Headers.WWWAuthenticate = "Basic realm=\"asyncweb\"";
        return WriteJson(c, new { authenticated = false }, 401);
    }

    private static long QueryLong(HttpContext c, string name, long fallback) =>
        long.TryParse(c.Request.Query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : fallback;

    internal static Task WriteJson(HttpContext c, object value, int status = 200) =>
        WriteBytes(c, JsonSerializer.SerializeToUtf8Bytes(value, _json), JsonType, status);

    private static Task WriteText(HttpContext c, int status, string text) =>
        WriteBytes(c, Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8", status);

    internal static Task WriteBytes(HttpContext c, ReadOnlyMemory<byte> body, string contentType, int status = 200)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = contentType;
        c.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(c.Request.Method) ? Task.CompletedTask : c.Response.Body.WriteAsync(body, c.RequestAborted).AsTask();
    }
}

using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace AsyncWeb.TestServer;

/// <summary>
/// Fault injection for the combination soak (tests/Soak.Tests.ps1): a middleware in front of every endpoint that
/// acts only on requests whose query names a soak key (soak=K), so the client's seed decides every fault and a run
/// replays. Page links carry the query along, so every page of /pages/* gets the same faults. Query: sItem (the
/// item), sFault=reset|truncate|429|503 for the first sFailures (default 1) calls of each item, path and page,
/// sRetryAfter=S on 429/503, sSlowMs=M before each body write, sHostile=codings|ratelimit|link on the answers
/// let through (sCodings=N gzip codings; sLink=scheme|bad|empty|self, a rel="next" link in front of the others).
/// The log lists, besides the counts, every arrival with its Host header and traceparent.
/// </summary>
internal static class SoakEndpoints
{
    private const int MaxCodings = 64;     // a chain a fixed client refuses cleanly, far below a stack overflow
    private const int MaxSlowMs = 1000;

    private static readonly ConcurrentDictionary<string, Counter> _calls = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SoakLog> _logs = new(StringComparer.Ordinal);

    public static void UseSoakFaults(this IApplicationBuilder app) => app.Use(FaultAsync);

    public static void MapSoakEndpoints(this IEndpointRouteBuilder app) =>
        app.Map("/soak/{key}/log", (HttpContext c, string key) =>
        {
            var log = _logs.GetOrAdd(key, static _ => new SoakLog());
            return Endpoints.WriteJson(c, new
            {
                key,
                arrivals = log.Arrivals.ToDictionary(p => p.Key, p => Volatile.Read(ref p.Value.Value)),
                served = log.Served.ToDictionary(p => p.Key, p => Volatile.Read(ref p.Value.Value)),
                requests = log.Requests.ToArray(),
            });
        });

    private static async Task FaultAsync(HttpContext c, RequestDelegate next)
    {
        var query = c.Request.Query;
        if (!query.TryGetValue("soak", out var soak) || soak.ToString().Length == 0)
        {
            await next(c);
            return;
        }

        string page = query["page"].ToString() is { Length: > 0 } p ? p : "1";
        string itemPage = $"{query["sItem"]}/{page}";
        var log = _logs.GetOrAdd(soak.ToString(), static _ => new SoakLog());
        Interlocked.Increment(ref log.Arrivals.GetOrAdd(itemPage, static _ => new Counter()).Value);
        log.Requests.Enqueue(new SoakRequest(itemPage, c.Request.Host.Value ?? string.Empty, c.Request.Headers["traceparent"].ToString()));
        long call = Interlocked.Increment(ref _calls.GetOrAdd($"{soak}|{itemPage}|{c.Request.Path}", static _ => new Counter()).Value);
        string fault = query["sFault"].ToString();
        if (fault.Length > 0 && call <= Int(query, "sFailures", 1, 0, 100))
        {
            await InjectAsync(c, fault, query["sRetryAfter"]);
            return;
        }

        AddHostileHeaders(c, query);
        if (Int(query, "sSlowMs", 0, 0, MaxSlowMs) is > 0 and var slowMs)
        {
            c.Response.Body = new SlowStream(c.Response.Body, slowMs);
        }

        await next(c);
        if (c.Response.StatusCode < 400)
        {
            Interlocked.Increment(ref log.Served.GetOrAdd(itemPage, static _ => new Counter()).Value);
        }
    }

    private static async Task InjectAsync(HttpContext c, string fault, StringValues retryAfter)
    {
        switch (fault)
        {
            case "429" or "503":
                if (retryAfter.Count > 0)
                {
                    c.Response.Headers.RetryAfter = retryAfter;
                }

                await Endpoints.WriteJson(c, new { fault }, int.Parse(fault, CultureInfo.InvariantCulture));
                return;
            case "reset" or "truncate":
                // Part of a declared body, then an abort (reset) or an ordinary end of the app (Kestrel closes a
                // connection whose body fell short of its Content-Length).
                c.Response.ContentType = "application/octet-stream";
                c.Response.ContentLength = 100_000;
                await c.Response.Body.WriteAsync(Pattern.Slice(0, 1000), c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
                if (fault == "reset")
                {
                    await Task.Delay(50, c.RequestAborted);
                    c.Abort();
                }

                return;
            default:
                await Endpoints.WriteJson(c, new { error = $"unknown sFault '{fault}'" }, 400);
                return;
        }
    }

    /// <summary>Headers a hostile server sends, added as the answer starts (after the endpoint set its own).</summary>
    private static void AddHostileHeaders(HttpContext c, IQueryCollection query)
    {
        string hostile = query["sHostile"].ToString();
        if (hostile.Length == 0)
        {
            return;
        }

        int codings = Int(query, "sCodings", 8, 1, MaxCodings);
        string link = query["sLink"].ToString();
        c.Response.OnStarting(() =>
        {
            var headers = c.Response.Headers;
            switch (hostile)
            {
                case "codings":
                    headers.ContentEncoding = string.Join(", ", Enumerable.Repeat("gzip", codings));
                    break;
                case "ratelimit":
                    headers["X-RateLimit-Remaining"] = "18446744073709551615";
                    headers["X-RateLimit-Reset"] = "1";
                    break;
                case "link":
                    string bogus = link switch
                    {
                        "scheme" => "<javascript:void(0)>; rel=\"next\"",
                        "bad" => "<http://[::1>; rel=\"next\"",
                        "empty" => "<>; rel=\"next\"",
                        _ => $"<{c.Request.Path}{c.Request.QueryString}>; rel=\"next\"",
                    };
                    headers.Link = StringValues.Concat(bogus, headers.Link);
                    break;
            }

            return Task.CompletedTask;
        });
    }

    private static int Int(IQueryCollection query, string name, int fallback, int min, int max) =>
        int.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? Math.Clamp(value, min, max) : fallback;

    private sealed class SoakLog
    {
        public readonly ConcurrentDictionary<string, Counter> Arrivals = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, Counter> Served = new(StringComparer.Ordinal);
        public readonly ConcurrentQueue<SoakRequest> Requests = new();
    }

    /// <summary>One arrival: its "item/page", the Host header it came with and its traceparent (empty: none).</summary>
    private sealed record SoakRequest(string Item, string Host, string TraceParent);

    /// <summary>A body that waits before each write and flushes after it: a slow server, bounded by the caller.</summary>
    private sealed class SlowStream(Stream inner, int delayMs) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delayMs, cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override void Flush() => inner.Flush();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous writes are off");
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

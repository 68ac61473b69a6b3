using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Hosts with scripted manners, for host-aware flow control (issue 14). Every script is per key and per host (the
/// Host header), so one key served on two listeners is two hosts; each logs every arrival (server time in ms,
/// host, status) for the tests to read back from <c>…/{key}/log</c>.
/// </summary>
internal static class FlowEndpoints
{
    private static readonly Stopwatch s_clock = Stopwatch.StartNew();
    private static readonly ConcurrentDictionary<string, Script> s_scripts = new(StringComparer.Ordinal);

    public static void MapFlowEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/pause/{key}", (HttpContext c, string key) => Pause(c, key));
        app.Map("/ratelimit/{key}", (HttpContext c, string key) => RateLimit(c, key));
        app.Map("/limited/{key}", (HttpContext c, string key) => Limited(c, key));
        app.Map("/idempotent/{key}", (HttpContext c, string key) => Idempotent(c, key));
        app.Map("/pause/{key}/log", (HttpContext c, string key) => Log(c, key));
        app.Map("/ratelimit/{key}/log", (HttpContext c, string key) => Log(c, key));
        app.Map("/limited/{key}/log", (HttpContext c, string key) => Log(c, key));
        app.Map("/idempotent/{key}/log", (HttpContext c, string key) => IdempotentLog(c, key));
    }

    /// <summary>/pause/{key}?status=429&amp;retryAfter=2&amp;delayMs=0: the first request of each host answers status with Retry-After, later ones 200 after delayMs.</summary>
    private static async Task Pause(HttpContext c, string key)
    {
        var host = ScriptOf(key).Host(HostOf(c));
        var first = Interlocked.Increment(ref host.Count) == 1;
        var status = first ? Int(c, "status", 429) : 200;
        host.Arrive(status);
        if (first)
        {
            c.Response.Headers.RetryAfter = c.Request.Query["retryAfter"].ToString() is { Length: > 0 } after ? after : "2";
        }
        else
        {
            await Task.Delay(Int(c, "delayMs", 0), c.RequestAborted);
        }

        await Text(c, status, first ? "slow down" : "ok");
    }

    /// <summary>
    /// /ratelimit/{key}?limit=3&amp;windowMs=2000&amp;style=ietf: a fixed window per host from its first request; the first
    /// limit requests of a window answer 200 announcing what remains and when the window resets, in the header style
    /// asked for (ietf: RateLimit-Remaining/-Reset delta-seconds; combined: RateLimit: limit=, remaining=, reset=;
    /// structured: RateLimit: "default";r=;t=; github: X-RateLimit-Remaining/-Reset epoch seconds; delta:
    /// X-RateLimit-Reset delta-seconds; u64: as delta, with 2^64 - 1 minus the requests so far as remaining); more in the window get 429 (logged: the client did not slow down).
    /// </summary>
    private static Task RateLimit(HttpContext c, string key)
    {
        var host = ScriptOf(key).Host(HostOf(c));
        var limit = Int(c, "limit", 3);
        var window = Int(c, "windowMs", 2000);
        int status;
        long remaining;
        double leftMs;
        lock (host)
        {
            var now = s_clock.Elapsed.TotalMilliseconds;
            if (host.Count == 0 || now >= host.WindowEndMs)
            {
                host.WindowEndMs = now + window;
                host.Count = 0;
            }

            host.Count++;
            remaining = Math.Max(0, limit - host.Count);
            status = host.Count > limit ? 429 : 200;
            leftMs = host.WindowEndMs - now;
            host.Arrive(status);
        }

        // Rounded up: a client that waits what it is told never arrives before the window ends.
        var resetSeconds = (long)Math.Ceiling(leftMs / 1000);
        var headers = c.Response.Headers;
        switch (c.Request.Query["style"].ToString())
        {
            case "combined":
                headers["RateLimit"] = $"limit={limit}, remaining={remaining}, reset={resetSeconds}";
                break;
            case "structured":
                headers["RateLimit-Policy"] = $"\"default\";q={limit};w={window / 1000}";
                headers["RateLimit"] = $"\"default\";r={remaining};t={resetSeconds}";
                break;
            case "github":
                headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
                headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
                headers["X-RateLimit-Reset"] = ((long)Math.Ceiling(DateTimeOffset.UtcNow.AddMilliseconds(leftMs).ToUnixTimeMilliseconds() / 1000.0)).ToString(CultureInfo.InvariantCulture);
                break;
            case "delta":
                headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
                headers["X-RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
                break;
            case "u64":
                // An unsigned 64-bit counter's "no limit", beyond long's range; limit is not enforced by the client then.
                headers["X-RateLimit-Limit"] = ulong.MaxValue.ToString(CultureInfo.InvariantCulture);
                headers["X-RateLimit-Remaining"] = (ulong.MaxValue - (ulong)(limit - remaining)).ToString(CultureInfo.InvariantCulture);
                headers["X-RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
                break;
            default:
                headers["RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
                headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
                headers["RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
                break;
        }

        return Text(c, status, status == 200 ? "ok" : "over the limit");
    }

    /// <summary>/limited/{key}?max=8&amp;delayMs=50: a host that serves at most max requests at once (each takes delayMs) and refuses more with 429 at once.</summary>
    private static async Task Limited(HttpContext c, string key)
    {
        var host = ScriptOf(key).Host(HostOf(c));
        var running = Interlocked.Increment(ref host.Running);
        try
        {
            if (running > Int(c, "max", 8))
            {
                host.Arrive(429);
                await Text(c, 429, "too many at once");
                return;
            }

            host.Arrive(200);
            await Task.Delay(Int(c, "delayMs", 50), c.RequestAborted);
            await Text(c, 200, "ok");
        }
        finally
        {
            Interlocked.Decrement(ref host.Running);
        }
    }

    /// <summary>
    /// /idempotent/{key}?item=N&amp;delayMs=0: processes a request (counts it for its item, as a server commits a charge)
    /// and answers after delayMs; a request whose Idempotency-Key was seen before is not processed again: it gets the
    /// first answer at once, with Idempotent-Replayed: true. A request without the header is processed every time.
    /// </summary>
    private static async Task Idempotent(HttpContext c, string key)
    {
        var script = ScriptOf(key);
        var item = c.Request.Query["item"].ToString();
        script.Arrivals.AddOrUpdate(item, 1, static (_, n) => n + 1);
        var idempotencyKey = c.Request.Headers["Idempotency-Key"].ToString();
        var body = $"{{\"item\":\"{item}\",\"processed\":{Interlocked.Increment(ref script.Sequence)}}}";
        var replayed = false;
        if (idempotencyKey.Length == 0)
        {
            Interlocked.Increment(ref script.WithoutKey);
            script.Processed.AddOrUpdate(item, 1, static (_, n) => n + 1);
        }
        else
        {
            var stored = script.Answers.GetOrAdd(idempotencyKey, body);
            replayed = !ReferenceEquals(stored, body);
            if (replayed)
            {
                Interlocked.Increment(ref script.Replayed);
                body = stored;
            }
            else
            {
                script.Processed.AddOrUpdate(item, 1, static (_, n) => n + 1);
            }
        }

        if (replayed)
        {
            c.Response.Headers["Idempotent-Replayed"] = "true";
        }
        else
        {
            await Task.Delay(Int(c, "delayMs", 0), c.RequestAborted);
        }

        c.Response.StatusCode = 200;
        c.Response.ContentType = "application/json; charset=utf-8";
        await c.Response.WriteAsync(body, c.RequestAborted);
    }

    /// <summary>…/{key}/log: {"arrivals":[{"host","ms","status"}…]} in arrival order; ms on the server's clock.</summary>
    private static Task Log(HttpContext c, string key)
    {
        var arrivals = s_scripts.TryGetValue(key, out var script)
            ? script.Hosts.Values.SelectMany(h => h.Log()).OrderBy(a => a.Ms).ToList()
            : new List<Arrival>();
        return Json(c, new { arrivals = arrivals.Select(a => new { host = a.Host, ms = a.Ms, status = a.Status }) });
    }

    /// <summary>/idempotent/{key}/log: {"processed":{item:n},"arrivals":{item:n},"replayed","withoutKey"}.</summary>
    private static Task IdempotentLog(HttpContext c, string key)
    {
        var script = s_scripts.TryGetValue(key, out var s) ? s : new Script();
        return Json(c, new { processed = script.Processed, arrivals = script.Arrivals, replayed = Volatile.Read(ref script.Replayed), withoutKey = Volatile.Read(ref script.WithoutKey) });
    }

    private static Script ScriptOf(string key) => s_scripts.GetOrAdd(key, static _ => new Script());

    private static string HostOf(HttpContext c) => c.Request.Host.Value ?? string.Empty;

    private static int Int(HttpContext c, string name, int fallback) =>
        int.TryParse(c.Request.Query[name].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;

    private static Task Text(HttpContext c, int status, string text)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "text/plain; charset=utf-8";
        return HttpMethods.IsHead(c.Request.Method) ? Task.CompletedTask : c.Response.WriteAsync(text, c.RequestAborted);
    }

    private static Task Json(HttpContext c, object value)
    {
        c.Response.ContentType = "application/json; charset=utf-8";
        return c.Response.WriteAsync(JsonSerializer.Serialize(value), c.RequestAborted);
    }

    private readonly record struct Arrival(string Host, double Ms, int Status);

    private sealed class Script
    {
        public readonly ConcurrentDictionary<string, HostScript> Hosts = new(StringComparer.OrdinalIgnoreCase);
        public readonly ConcurrentDictionary<string, int> Processed = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, int> Arrivals = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, string> Answers = new(StringComparer.Ordinal);
        public long Replayed;
        public long WithoutKey;
        public long Sequence;

        public HostScript Host(string host) => Hosts.GetOrAdd(host, static h => new HostScript(h));
    }

    private sealed class HostScript
    {
        private readonly ConcurrentQueue<Arrival> _log = new();

        public HostScript(string host) => Name = host;

        public string Name { get; }
        public int Count;
        public int Running;
        public double WindowEndMs;

        public void Arrive(int status) => _log.Enqueue(new Arrival(Name, Math.Round(s_clock.Elapsed.TotalMilliseconds, 3), status));

        public IEnumerable<Arrival> Log() => _log.ToArray();
    }
}

using System;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Requests counted per key, for tests of how many a client has in flight: /admission/{key}?hold=1 waits until
/// /admission/{key}/release (or 15 s pass, well inside a client's 30 s timeout, so a test that never releases still gets answers); /admission/{key}/stats tells how many arrived and the most in flight at once.
/// </summary>
internal static class AdmissionEndpoints
{
    private static readonly ConcurrentDictionary<string, Counter> s_keys = new();

    public static void MapAdmissionEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/admission/{key}", Request);
        app.Map("/admission/{key}/release", Release);
        app.Map("/admission/{key}/stats", Report);
    }

    private static async Task Request(HttpContext c, string key)
    {
        var counter = s_keys.GetOrAdd(key, _ => new Counter());
        Interlocked.Increment(ref counter.Seen);
        Stats.RaisePeak(ref counter.Peak, Interlocked.Increment(ref counter.InFlight));

        try
        {
            if (c.Request.Query["hold"] == "1")
            {
                await Task.WhenAny(counter.Released.Task, Task.Delay(TimeSpan.FromSeconds(15), c.RequestAborted));
            }
        }
        finally
        {
            Interlocked.Decrement(ref counter.InFlight);
        }

        await c.Response.WriteAsJsonAsync(new { key });
    }

    private static Task Release(HttpContext c, string key)
    {
        s_keys.GetOrAdd(key, _ => new Counter()).Released.TrySetResult(true);
        return Task.CompletedTask;
    }

    private static Task Report(HttpContext c, string key)
    {
        var counter = s_keys.GetOrAdd(key, _ => new Counter());
        return c.Response.WriteAsync(JsonSerializer.Serialize(new { seen = Volatile.Read(ref counter.Seen), inFlight = Volatile.Read(ref counter.InFlight), peak = Volatile.Read(ref counter.Peak) }));
    }

    private sealed class Counter
    {
        public int Seen;
        public long InFlight;
        public long Peak;
        public readonly TaskCompletionSource<bool> Released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

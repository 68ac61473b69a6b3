using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Distributed tracing: /trace echoes the traceparent and tracestate headers the request carried (every value, so two
/// headers show as two). /trace/flaky/{key}/{failures} answers 503 to the key's first {failures} requests, then 200 with
/// the traceparent of every request of that key, in order: what a retried item sent on each attempt.
/// </summary>
internal static class TraceEndpoints
{
    private static readonly ConcurrentDictionary<string, List<string>> s_seen = new();

    public static void MapTraceEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/trace", (HttpContext c) => Results.Json(new
        {
            traceparent = c.Request.Headers["traceparent"].Select(v => v ?? string.Empty).ToArray(),
            tracestate = c.Request.Headers["tracestate"].Select(v => v ?? string.Empty).ToArray(),
        }));

        app.Map("/trace/flaky/{key}/{failures:int:min(0)}", (HttpContext c, string key, int failures) =>
        {
            var seen = s_seen.GetOrAdd(key, _ => new List<string>());
            string[] all;
            lock (seen)
            {
                seen.Add(string.Join(",", c.Request.Headers["traceparent"].Select(v => v ?? string.Empty)));
                all = seen.ToArray();
            }

            return all.Length <= failures ? Results.StatusCode(503) : Results.Json(new { traceparent = all });
        });
    }
}

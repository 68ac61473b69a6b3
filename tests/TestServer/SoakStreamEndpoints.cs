using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Streams for the combination soak (-Stream): /soak-stream/{format}?units=N&amp;unitBytes=B, format ndjson, sse,
/// array, seq or lines, unit k carrying {"item":sItem,"n":k} (padded to about B bytes), so the client's units can be
/// checked for order and completeness. dropAfter=D aborts the connection after D units on the first dropFailures
/// (default 1) calls of the soak key's item; an event stream resumes after the Last-Event-ID it is sent and answers
/// 204 once every unit was sent; units=-1 never ends (a unit every 20 ms, until the client leaves).
/// </summary>
internal static class SoakStreamEndpoints
{
    private static readonly ConcurrentDictionary<string, Counter> s_calls = new(StringComparer.Ordinal);

    public static void MapSoakStreamEndpoints(this IEndpointRouteBuilder app) =>
        app.Map("/soak-stream/{format}", (HttpContext c, string format) => StreamAsync(c, format));

    private static async Task StreamAsync(HttpContext c, string format)
    {
        var query = c.Request.Query;
        int units = Int(query, "units", 5, -1, 10_000);
        int unitBytes = Int(query, "unitBytes", 0, 0, 1024 * 1024);
        int dropAfter = Int(query, "dropAfter", 0, 0, 10_000);
        string item = query["sItem"].ToString();
        long call = Interlocked.Increment(ref s_calls.GetOrAdd($"{query["soak"]}|{item}|{format}", static _ => new Counter()).Value);
        bool drop = dropAfter > 0 && call <= Int(query, "dropFailures", 1, 0, 100);
        int from = 1;
        if (format == "sse" && int.TryParse(c.Request.Headers["Last-Event-ID"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int last))
        {
            from = last + 1;
            if (units >= 0 && from > units)
            {
                c.Response.StatusCode = 204;
                return;
            }
        }

        c.Response.ContentType = format switch
        {
            "sse" => "text/event-stream",
            "ndjson" => "application/x-ndjson",
            "array" => "application/json",
            "seq" => "application/json-seq",
            _ => "text/plain; charset=utf-8",
        };
        c.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await WriteAsync(c, format switch { "sse" => "retry: 50\n\n", "array" => "[", _ => string.Empty });
            int sent = 0;
            for (int n = from; units < 0 || n <= units; n++)
            {
                string json = $"{{\"item\":{item},\"n\":{n},\"pad\":\"{new string('p', unitBytes)}\"}}";
                await WriteAsync(c, format switch
                {
                    "sse" => $"id: {n}\ndata: {json}\n\n",
                    "array" => (n == from ? string.Empty : ",") + json,
                    "seq" => $"\u001e{json}\n",
                    _ => json + "\n",
                });
                if (drop && ++sent == dropAfter)
                {
                    await Task.Delay(20, c.RequestAborted);
                    c.Abort(); // dropped mid-stream
                    return;
                }

                if (units < 0)
                {
                    await Task.Delay(20, c.RequestAborted);
                }
            }

            await WriteAsync(c, format == "array" ? "]" : string.Empty);
        }
        catch (OperationCanceledException) when (c.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private static async Task WriteAsync(HttpContext c, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        await c.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), c.RequestAborted);
        await c.Response.Body.FlushAsync(c.RequestAborted);
    }

    private static int Int(IQueryCollection query, string name, int fallback, int min, int max) =>
        int.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? Math.Clamp(value, min, max) : fallback;
}

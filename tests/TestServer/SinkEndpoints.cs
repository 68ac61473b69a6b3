using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// /sink: reads a body of any method and drops it, as nginx discards a body it has no use for, then answers with
/// the length it read. The upload benchmark's target: the server's cost per byte stays as small as it can be, so a
/// client's throughput on a 2-core machine measures the client, not the server's hashing.
/// </summary>
internal static class SinkEndpoints
{
    public static void MapSinkEndpoints(this IEndpointRouteBuilder app) => app.Map("/sink", Sink);

    private static async Task Sink(HttpContext c)
    {
        var reader = c.Request.BodyReader;
        long total = 0;
        while (true)
        {
            var read = await reader.ReadAsync(c.RequestAborted);
            total += read.Buffer.Length;
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        await Endpoints.WriteJson(c, new { bodyLength = total });
    }
}

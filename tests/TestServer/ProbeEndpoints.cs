using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Endpoints that answer with what the test asks for or tell what the server saw: a body of any media
/// type (JSON, XML, an entity bomb ...) and the id of the connection a request arrived on.
/// </summary>
internal static class ProbeEndpoints
{
    public static void MapProbeEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/content", Content);
        app.Map("/connection", Connection);
    }

    /// <summary>/content?type=T&amp;body=B: B (UTF-8) with Content-Type T (default text/plain; charset=utf-8).</summary>
    private static Task Content(HttpContext c)
    {
        string type = c.Request.Query["type"].ToString() is { Length: > 0 } t ? t : "text/plain; charset=utf-8";
        byte[] body = Encoding.UTF8.GetBytes(c.Request.Query["body"].ToString());
        c.Response.ContentType = type;
        c.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(c.Request.Method) ? Task.CompletedTask : c.Response.Body.WriteAsync(body, c.RequestAborted).AsTask();
    }

    /// <summary>
    /// /connection: the server's side of the connection the request came on: Kestrel's connection id (so a test can
    /// tell a reused connection from a new one), the address and port the client reached, and what TLS negotiated.
    /// </summary>
    private static Task Connection(HttpContext c)
    {
        var connection = c.Connection;
        var tls = c.Features.Get<ITlsHandshakeFeature>();
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = connection.Id,
            localAddress = connection.LocalIpAddress?.ToString(),
            localPort = connection.LocalPort,
            remoteAddress = connection.RemoteIpAddress?.ToString(),
            remotePort = connection.RemotePort,
            protocol = c.Request.Protocol,
            tlsProtocol = tls?.Protocol.ToString(),
            tlsCipherSuite = tls?.NegotiatedCipherSuite?.ToString(),
        });
        c.Response.ContentType = "application/json; charset=utf-8";
        c.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(c.Request.Method) ? Task.CompletedTask : c.Response.Body.WriteAsync(body, c.RequestAborted).AsTask();
    }
}

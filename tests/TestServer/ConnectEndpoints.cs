using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AsyncWeb.TestServer;

/// <summary>Where a request arrived, for pinned connections (-Resolve, -ConnectTo): the Host header, SNI and the connection.</summary>
internal static class ConnectEndpoints
{
    private const string SniKey = "sni";

    public static void MapConnectEndpoints(this WebApplication app) => app.Map("/arrived", Arrived);

    /// <summary>The https listener's options: always <paramref name="certificate"/>, and the server name each connection asked for kept for /arrived.</summary>
    public static HttpsConnectionAdapterOptions RecordingSni(X509Certificate2 certificate) => new()
    {
        ServerCertificateSelector = (connection, name) =>
        {
            if (connection is not null)
            {
                connection.Items[SniKey] = name;
            }

            return certificate;
        },
    };

    /// <summary>
    /// /arrived: the Host header the request carried, the TLS server name the client asked for (SNI; null over http),
    /// the address and port the connection came in on, and Kestrel's connection id (a new one per connection).
    /// </summary>
    private static Task Arrived(HttpContext c)
    {
        var items = c.Features.Get<IConnectionItemsFeature>()?.Items;
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            host = c.Request.Host.Value,
            sni = items is not null && items.TryGetValue(SniKey, out var name) ? name as string : null,
            localAddress = c.Connection.LocalIpAddress?.ToString(),
            localPort = c.Connection.LocalPort,
            connection = c.Connection.Id,
        });
        c.Response.ContentType = "application/json; charset=utf-8";
        c.Response.ContentLength = body.Length;
        return c.Response.Body.WriteAsync(body, c.RequestAborted).AsTask();
    }
}

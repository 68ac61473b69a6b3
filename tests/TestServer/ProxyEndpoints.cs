using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Two minimal forward proxies on loopback, for per-item proxies: absolute-form requests (http) are relayed one
/// per connection, CONNECT (https) is tunnelled; each logs what it carried. Names under .invalid and .test are
/// taken to 127.0.0.1, so a request that reaches the server by such a name went through a proxy.
/// GET /proxies lists them with their logs; POST /proxies/reset empties the logs.
/// </summary>
internal static class ProxyEndpoints
{
    private static readonly ForwardProxy[] s_proxies = { ForwardProxy.Start(), ForwardProxy.Start() };

    public static void MapProxyEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/proxies", c => Endpoints.WriteJson(c, s_proxies.Select(p => new { uri = p.Uri, log = p.Log.ToArray() })));
        app.MapPost("/proxies/reset", c =>
        {
            foreach (var proxy in s_proxies)
            {
                proxy.Log.Clear();
            }

            return Endpoints.WriteJson(c, new { reset = true });
        });
    }

    private sealed class ForwardProxy
    {
        private const int MaxHead = 16 * 1024;
        private readonly TcpListener _listener;

        private ForwardProxy(TcpListener listener) => _listener = listener;

        public string Uri => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        /// <summary>"GET http://host:port/path", "CONNECT host:port", with " +auth" when a Proxy-Authorization came.</summary>
        public ConcurrentQueue<string> Log { get; } = new();

        public static ForwardProxy Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start(backlog: 512);
            var proxy = new ForwardProxy(listener);
            _ = proxy.AcceptLoopAsync();
            return proxy;
        }

        private async Task AcceptLoopAsync()
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var downstream = client.GetStream();
                var (head, rest) = await ReadHeadAsync(downstream);
                if (head is null)
                {
                    return;
                }

                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                var auth = lines.Any(l => l.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase)) ? " +auth" : string.Empty;
                using var upstream = new TcpClient();
                if (parts[0] == "CONNECT")
                {
                    var (host, port) = SplitAuthority(parts[1]);
                    Log.Enqueue($"CONNECT {parts[1]}{auth}");
                    await upstream.ConnectAsync(Target(host), port);
                    await downstream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection Established\r\n\r\n"));
                }
                else
                {
                    var target = new Uri(parts[1]);
                    Log.Enqueue($"{parts[0]} {target.AbsoluteUri}{auth}");
                    await upstream.ConnectAsync(Target(target.Host), target.Port);
                    var forwarded = new StringBuilder($"{parts[0]} {target.PathAndQuery} {parts[2]}\r\n");
                    foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
                    {
                        var name = line.Split(':')[0];
                        if (!name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                        {
                            forwarded.Append(line).Append("\r\n");
                        }
                    }

                    forwarded.Append("Connection: close\r\n\r\n"); // one request a connection: every request is seen here
                    await upstream.GetStream().WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString()));
                }

                var server = upstream.GetStream();
                await server.WriteAsync(rest);
                await Task.WhenAny(downstream.CopyToAsync(server), server.CopyToAsync(downstream));
            }
            catch (Exception e) when (e is IOException or SocketException or UriFormatException or ObjectDisposedException)
            {
                // A client or server that went away: the relay ends with it.
            }
        }

        private static async Task<(string? Head, byte[] Remainder)> ReadHeadAsync(Stream stream)
        {
            var buffer = new byte[MaxHead];
            var length = 0;
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length));
                if (read == 0)
                {
                    return (null, Array.Empty<byte>());
                }

                length += read;
                var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..length]);
                }
            }

            return (null, Array.Empty<byte>());
        }

        private static (string Host, int Port) SplitAuthority(string authority)
        {
            var colon = authority.LastIndexOf(':');
            return (authority[..colon].Trim('[', ']'), int.Parse(authority[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        private static string Target(string host) =>
            host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".test", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : host;
    }
}

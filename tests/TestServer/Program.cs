// AsyncWeb test server: one process per test run, every listener on loopback (127.0.0.1, and HTTP also on
// 127.0.0.2-9 where the OS has them) with an OS-chosen port.
// Usage: dotnet AsyncWeb.TestServer.dll [--parent-pid N] [--port P]
// Prints exactly one JSON line on stdout once every listener is bound; warnings and errors go to stderr.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using AsyncWeb.TestServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

int? parentPid = null;
int httpPort = 0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--parent-pid" when i + 1 < args.Length:
            parentPid = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--port" when i + 1 < args.Length:
            httpPort = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: AsyncWeb.TestServer [--parent-pid N] [--port P]");
            return 2;
    }
}

if (parentPid is { } watched)
{
    ParentWatcher.Start(watched);
}

var stats = new Stats();
var certificate = SelfSignedCertificate.Create();
ListenOptions? http = null, https = null, h2c = null, httpsAia = null;
var loopback = new List<ListenOptions>();
// Made once the http listener's port (its /hang is the AIA URL) is known, before the address line.
SslStreamCertificateContext? aiaCertificate = null;

// Uploads and authentication (issue 12): a TLS listener that asks for a client certificate (optional at the TLS
// level; /client-cert decides), and a Unix domain socket in the temp folder.
ListenOptions? mtls = null;
var unixSocket = Path.Combine(Path.GetTempPath(), $"asyncweb-test-{Environment.ProcessId}.sock");
File.Delete(unixSocket);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout carries only the JSON line
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2)); // /hang must not delay SIGTERM
builder.WebHost.ConfigureKestrel(k =>
{
    k.AllowSynchronousIO = false;
    k.Limits.MaxConcurrentConnections = null;
    k.Limits.MaxConcurrentUpgradedConnections = null;
    k.Limits.MaxRequestBodySize = null;
    k.Limits.MinRequestBodyDataRate = null;  // slow or paused clients are test scenarios, not abuse
    k.Limits.MinResponseDataRate = null;
    k.Limits.MaxRequestLineSize = 64 * 1024;
    k.Limits.MaxRequestHeadersTotalSize = 1024 * 1024;
    k.Limits.Http2.MaxRequestHeaderFieldSize = 1024 * 1024;
    // Hostile non-ASCII file names go out as raw UTF-8, as careless real servers send them.
    k.ResponseHeaderEncodingSelector = name =>
        string.Equals(name, "Content-Disposition", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null;

    k.Listen(IPAddress.Loopback, httpPort, o => http = Configure(o, HttpProtocols.Http1));
    k.Listen(IPAddress.Loopback, 0, o =>
    {
        https = Configure(o, HttpProtocols.Http1AndHttp2);
        o.UseHttps(ConnectEndpoints.RecordingSni(certificate));
    });
    k.Listen(IPAddress.Loopback, 0, o => h2c = Configure(o, HttpProtocols.Http2));
    k.Listen(IPAddress.Loopback, 0, o =>
    {
        httpsAia = Configure(o, HttpProtocols.Http1);
        o.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => new ValueTask<SslServerAuthenticationOptions>(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = aiaCertificate,
            }),
        });
    });
    k.Listen(IPAddress.Loopback, 0, o =>
    {
        mtls = Configure(o, HttpProtocols.Http1AndHttp2);
        o.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,   // any certificate reaches the app; /client-cert checks the chain
        });
    });
    k.ListenUnixSocket(unixSocket, o => Configure(o, HttpProtocols.Http1));

    // The same endpoints on other loopback addresses, where the OS routes them (Linux, Windows; not
    // macOS): distinct hosts on one server, for the rules that go by host (shards, per-host limits).
    foreach (var address in LoopbackAliases())
    {
        k.Listen(address, 0, o => loopback.Add(Configure(o, HttpProtocols.Http1)));
    }
});

var app = builder.Build();
app.Use(IgnoreClientAborts);
app.Use(stats.CountAsync);
app.UseSoakFaults();
app.MapTestEndpoints(stats);
app.MapProbeEndpoints();
app.MapEncodedEndpoints();
app.MapPageEndpoints();
app.MapFileEndpoints();
app.MapFlowEndpoints();
app.MapUploadEndpoints();
app.MapAuthEndpoints();
app.MapSoakEndpoints();
app.MapProblemEndpoints();
app.MapTraceEndpoints();
app.MapConnectEndpoints();
app.MapProxyEndpoints();
app.MapStreamEndpoints();
app.MapSoakStreamEndpoints();
app.MapSinkEndpoints();
app.MapAdmissionEndpoints();
app.Lifetime.ApplicationStopped.Register(() => File.Delete(unixSocket));

await app.StartAsync();
// offline: the server itself never fetches the issuer it does not have.
aiaCertificate = SslStreamCertificateContext.Create(
    AiaCertificate.Create($"http://127.0.0.1:{http!.IPEndPoint!.Port}/hang"), additionalCertificates: null, offline: true);
var raw = RawServer.Start(stats);

// Kestrel writes the bound port back into each ListenOptions once it has bound port 0.
var line =
    $"{{\"http\":\"http://127.0.0.1:{http!.IPEndPoint!.Port}\"," +
    $"\"https\":\"https://127.0.0.1:{https!.IPEndPoint!.Port}\"," +
    $"\"h2c\":\"http://127.0.0.1:{h2c!.IPEndPoint!.Port}\"," +
    $"\"httpsAia\":\"https://127.0.0.1:{httpsAia!.IPEndPoint!.Port}\"," +
    $"\"raw\":\"http://127.0.0.1:{raw.Port}\"," +
    $"\"loopback\":[{string.Join(",", loopback.Select(o => $"\"http://{o.IPEndPoint}\""))}]," +
    $"\"mtls\":\"https://127.0.0.1:{mtls!.IPEndPoint!.Port}\"," +
    $"\"unix\":{System.Text.Json.JsonSerializer.Serialize(unixSocket)}," +
    $"\"pid\":{Environment.ProcessId}}}";
AuthEndpoints.Listeners = line;
Console.Out.WriteLine(line);
Console.Out.Flush();

await app.WaitForShutdownAsync();
return 0;

ListenOptions Configure(ListenOptions options, HttpProtocols protocols)
{
    options.Protocols = protocols;
    options.Use(next => connection =>
    {
        stats.ConnectionAccepted();
        return next(connection);
    });
    return options;
}

// 127.0.0.2 to 127.0.0.9, as far as this machine lets a socket bind them.
static IEnumerable<IPAddress> LoopbackAliases()
{
    for (var i = 2; i <= 9; i++)
    {
        var address = IPAddress.Parse($"127.0.0.{i}");
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, 0));
        }
        catch (SocketException)
        {
            yield break;
        }

        yield return address;
    }
}

// A client that gives up mid-request is a scenario under test, not a server error worth a stack trace.
static async Task IgnoreClientAborts(HttpContext context, RequestDelegate next)
{
    try
    {
        await next(context);
    }
    catch (Exception ex) when (context.RequestAborted.IsCancellationRequested
                               && ex is OperationCanceledException or IOException)
    {
    }
}

// The bare .NET peer: COUNT GETs of URL, CONCURRENCY at a time, over one HttpClient whose
// SocketsHttpHandler has AsyncWeb's settings; prints one JSON line {"count","errors","seconds",...}.
// Usage: DotnetPeer get URL COUNT CONCURRENCY [--skip] [--http2] [--warm N] [--tls OPTION]...
//        (get prints also cpuSeconds and allocatedBytes of the measured batch)
//        (--warm: N unmeasured GETs of URL first, over another HttpClient: compiled code, new connections)
//        DotnetPeer handshake HOST PORT COUNT [--skip] [--tls OPTION]...   (bare SslStream handshakes, one at a time)
// --tls options (experiments, see bench/README.md): noresume, tls12, nochain (skip without chain building).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

var mode = args[0];
var options = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
var skip = false;
var http2 = false;
var warmCount = 0;
for (var i = 4; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--skip": skip = true; break;
        case "--http2": http2 = true; break;
        case "--warm": warmCount = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--tls": options.Add(args[++i]); break;
        default: throw new ArgumentException("unknown argument " + args[i]);
    }
}

SslClientAuthenticationOptions Tls()
{
    var ssl = new SslClientAuthenticationOptions();
    if (skip)
    {
        ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
    }

    if (options.Contains("nochain"))
    {
        // An empty custom trust: the chain stops at the leaf at once (no store lookups); the callback ignores the result.
        ssl.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
    }

    if (options.Contains("noresume"))
    {
        ssl.AllowTlsResume = false;
    }

    if (options.Contains("tls12"))
    {
        ssl.EnabledSslProtocols = SslProtocols.Tls12;
    }

    return ssl;
}

if (mode == "handshake")
{
    var host = args[1];
    var port = int.Parse(args[2], CultureInfo.InvariantCulture);
    var n = int.Parse(args[3], CultureInfo.InvariantCulture);
    var errors = 0;
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < n; i++)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port);
        using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        var o = Tls();
        o.TargetHost = host;
        try { await ssl.AuthenticateAsClientAsync(o); } catch (AuthenticationException) { errors++; }
    }

    var seconds = watch.Elapsed.TotalSeconds;
    var bytesPerHandshake = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / n;
    Console.WriteLine(FormattableString.Invariant($"{{\"tool\":\"dotnet\",\"mode\":\"handshake\",\"count\":{n},\"errors\":{errors},\"seconds\":{seconds},\"allocatedPerHandshake\":{bytesPerHandshake}}}"));
    return 0;
}

var url = args[1];
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var concurrency = int.Parse(args[3], CultureInfo.InvariantCulture);
HttpClient CreateClient() => AsyncWebBench.BareLoop.CreateClient(Tls());
var version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;

async Task<(int Errors, long Bytes, double Seconds)> Batch(HttpClient client, string target, int n)
{
    var gate = new SemaphoreSlim(concurrency);
    var errors = 0;
    long bytes = 0;
    var tasks = new List<Task>(n);
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < n; i++)
    {
        await gate.WaitAsync();
        tasks.Add(Task.Run(async () =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, target) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var text = await response.Content.ReadAsStringAsync();
                Interlocked.Add(ref bytes, text.Length);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref errors) == 1)
                {
                    Console.Error.WriteLine(ex.ToString());
                }
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    await Task.WhenAll(tasks);
    return (errors, bytes, watch.Elapsed.TotalSeconds);
}

if (warmCount > 0)
{
    using var warmClient = CreateClient();
    await Batch(warmClient, url, warmCount);
}

using var client = CreateClient();
// CPU time (all threads) and bytes allocated by the measured batch, as the bench child reports them for AsyncWeb.
var process = Process.GetCurrentProcess();
var cpu = process.TotalProcessorTime;
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var result = await Batch(client, url, count);
var allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
process.Refresh();
var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"{{\"tool\":\"dotnet\",\"mode\":\"get\",\"count\":{count},\"errors\":{result.Errors},\"seconds\":{result.Seconds},\"bytes\":{result.Bytes},\"allocatedBytes\":{allocatedBytes},\"cpuSeconds\":{cpuSeconds}}}"));
return 0;

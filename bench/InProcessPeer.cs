// Compiled by Invoke-BenchChild.ps1 (Add-Type) into the pwsh that measures AsyncWeb, so the bare loop and the
// engine are measured in the same process, the same runtime and the same GC settings:
//   BareLoop         COUNT GETs over one HttpClient (SocketsHttpHandler with AsyncWeb's settings), CONCURRENCY tasks
//                    at a time, each body read as a string: what the runtime itself costs per request.
//   ContentionMeter  the runtime's contention events (Microsoft-Windows-DotNETRuntime, ContentionStop's DurationNs):
//                    how long threads were blocked on contended locks, beside Monitor.LockContentionCount.
//   AllocationSampler GCAllocationTick events (one every ~100 KB allocated) by type name: what a request allocates.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWebBench
{
    public static class BareLoop
    {
        public static HttpClient CreateClient(bool skipCertificateCheck)
        {
            var ssl = new SslClientAuthenticationOptions();
            if (skipCertificateCheck)
            {
                ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }

            return CreateClient(ssl);
        }

        /// <summary>One HttpClient over a SocketsHttpHandler with AsyncWeb's handler settings (also bench/dotnet-peer's).</summary>
        public static HttpClient CreateClient(SslClientAuthenticationOptions ssl)
        {
            return new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                UseCookies = false,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
                MaxConnectionsPerServer = int.MaxValue,
                EnableMultipleHttp2Connections = true,
                SslOptions = ssl,
                ConnectCallback = async (context, token) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            }) { Timeout = Timeout.InfiniteTimeSpan };
        }

        /// <summary>Runs the batch on the thread pool and blocks the caller (the pipeline thread) until it ends; returns the errors.</summary>
        public static int Run(HttpClient client, string url, int count, int concurrency, bool http2) =>
            Task.Run(() => RunAsync(client, url, count, concurrency, http2)).GetAwaiter().GetResult();

        private static async Task<int> RunAsync(HttpClient client, string url, int count, int concurrency, bool http2)
        {
            var version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
            var gate = new SemaphoreSlim(concurrency);
            var errors = 0;
            var tasks = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                await gate.WaitAsync().ConfigureAwait(false);
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
                        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                        _ = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
            return errors;
        }
    }

    public sealed class ContentionMeter : EventListener
    {
        private long _events;
        private double _blockedNs;

        public long Events => Interlocked.Read(ref _events);

        public double BlockedMilliseconds => Volatile.Read(ref _blockedNs) / 1e6;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Informational, (EventKeywords)0x4000); // ContentionKeyword
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName != "ContentionStop" || e.Payload is null)
            {
                return;
            }

            var at = e.PayloadNames?.IndexOf("DurationNs") ?? -1;
            if (at < 0)
            {
                return;
            }

            Interlocked.Increment(ref _events);
            var ns = Convert.ToDouble(e.Payload[at]);
            double seen, next;
            do
            {
                seen = Volatile.Read(ref _blockedNs);
                next = seen + ns;
            }
            while (Interlocked.CompareExchange(ref _blockedNs, next, seen) != seen);
        }
    }

    public sealed class AllocationSampler : EventListener
    {
        private readonly ConcurrentDictionary<string, long> _bytes = new();
        public volatile bool On;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GCKeyword: GCAllocationTick
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!On || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
            {
                return;
            }

            var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
            var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
            _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
        }

        public string Report(int requests, int top) =>
            string.Join(Environment.NewLine, _bytes.OrderByDescending(p => p.Value).Take(top)
                .Select(p => string.Format("{0,8:0} B/req  {1}", p.Value / (double)requests, p.Key)));
    }
}

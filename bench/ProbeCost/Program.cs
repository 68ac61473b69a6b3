using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using AsyncWeb.Connections;
using AsyncWeb.Requests;
using AsyncWeb.Timing;

// What the phase timings add to one request: the per-request work of RequestProbe and ConnectionStream
// (timestamps, the probe, the AsyncLocal, the write wrapper), against the same write without them. It runs
// where PowerShell's pipeline thread runs, with two AsyncLocals already set, so their context is not default
// either way. Prints ns and bytes per request for a few rounds; the later rounds are the steady state.
internal static class Program
{
    private static readonly AsyncLocal<object?> s_first = new();
    private static readonly AsyncLocal<object?> s_second = new();

    private static void Main(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0]) : 2_000_000;
        s_first.Value = new object();
        s_second.Value = new object();
        var connection = new ConnectionInfo(0, 0, PhaseTimings.NotSeen, 0, new IPEndPoint(IPAddress.Loopback, 80), null, null);
        using var stream = new ConnectionStream(Stream.Null, connection, multiplexed: false);
        using var request = new HttpRequestMessage();
        using var response = new HttpResponseMessage();
        var buffer = new byte[128];
        long sink = 0;
        for (var round = 1; round <= 6; round++)
        {
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                Stream.Null.WriteAsync(buffer).GetAwaiter().GetResult();
                sink += Stopwatch.GetTimestamp() & 1;           // Elapsed's end, there before
            }

            var withoutNs = Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1e6 / count;
            var withoutBytes = (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)count;

            bytes = GC.GetAllocatedBytesForCurrentThread();
            started = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                var probe = RequestProbe.Start(Stopwatch.GetTimestamp());   // RequestSpec.Received
                probe.AttemptStarting();
                probe.RequestStarting();
                stream.WriteAsync(buffer).GetAwaiter().GetResult();        // attribution and the sent stamp
                probe.HeadersReceived(request, response);
                sink += probe.Snapshot(0, Stopwatch.GetTimestamp()).QueueWait & 1;
            }

            var withNs = Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1e6 / count;
            var withBytes = (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)count;
            Console.WriteLine($"round {round}: without {withoutNs,5:0} ns {withoutBytes,4:0} B; with timings {withNs,5:0} ns {withBytes,4:0} B; added {withNs - withoutNs,5:0} ns {withBytes - withoutBytes,4:0} B per request");
        }

        GC.KeepAlive(sink);
    }
}

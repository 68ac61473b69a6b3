using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Hosts;
using AsyncWeb.Requests;
using AsyncWeb.Timeouts;

// The byte budget's and host admission's calls for one small GET when no limit is in use (default -MaximumBufferSize,
// no per-host limit, no pause, not -Ordered), in a compiled loop on one thread: 64 running and 64 waiting in the
// host's line, as in the engine's steady state at -ThrottleLimit 64. Each call alone, then the whole cycle; CPU of
// this thread (schedstat) per call or per request. The later rounds are the steady state. The cycle includes the
// baseline (making a RequestSpec).
internal static class Program
{
    private static long ThreadCpuNs() => File.Exists("/proc/thread-self/schedstat")
        ? long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0])
        : (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    private static void Main(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
        var rounds = args.Length > 1 ? int.Parse(args[1]) : 6;
        var options = new BatchOptions { ThrottleLimit = 64 };
        var flow = new HostFlow(options, null);
        var budget = new BodyBudget(options.MaximumBufferSize, ordered: false);
        var running = new Queue<(RequestSpec Spec, BudgetLease Lease)>();
        var admission = new HostAdmission(64, flow, spec => running.Enqueue((spec, budget.Open(spec.Index, spec.PageIndex))));
        flow.Changed = admission.Refresh;
        var uri = new Uri("http://127.0.0.1:8080/small.json");
        const string host = "127.0.0.1:8080";
        var deadline = AttemptDeadline.Start(CancellationToken.None, options);
        long index = 0;
        RequestSpec Next() => new(++index, uri, host, "GET", null);
        for (var i = 0; i < 128; i++) admission.Submit(Next());
        long sink = 0;
        var other = new Queue<BudgetLease>();
        for (var i = 0; i < 64; i++) other.Enqueue(budget.Open(1_000_000_000 + i));
        var one = budget.Open(2_000_000_000);
        void Measure(string name, int n, Action<int> act)
        {
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var cpu = ThreadCpuNs();
            act(n);
            var ns = (ThreadCpuNs() - cpu) / (double)n;
            Console.Write($"{name} {ns:0.0} ns {(GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)n:0} B; ");
        }

        for (var round = 1; round <= rounds; round++)
        {
            Console.Write($"round {round}: ");
            Measure("spec+queue(baseline)", count, n => { for (var i = 0; i < n; i++) { var sp = Next(); other.Enqueue(other.Dequeue()); sink += sp.Index; } });
            Measure("Parked", count, n => { for (var i = 0; i < n; i++) sink += admission.Parked; });
            Measure("IsFull", count, n => { for (var i = 0; i < n; i++) sink += budget.IsFull ? 1 : 0; });
            Measure("IsPaused", count, n => { for (var i = 0; i < n; i++) sink += flow.IsPaused(host) ? 1 : 0; });
            Measure("PauseClock", count, n => { for (var i = 0; i < n; i++) sink += flow.PauseClock(host); });
            Measure("Open+HandOver+Release(64 running)", count, n => { for (var i = 0; i < n; i++) { var l = budget.Open(i); l.HandOver(0); l.Dispose(); budget.Release(0, (i, 0)); } });
            Measure("ReserveAsync", count, n => { for (var i = 0; i < n; i++) one.ReserveAsync(1, deadline).GetAwaiter().GetResult(); one.Reset(); });
            Measure("cycle", count, n =>
            {
            for (var i = 0; i < n; i++)
            {
                // The pipeline thread: HasCapacity's two reads, then the item goes to admission.
                sink += admission.Parked;
                sink += budget.IsFull ? 1 : 0;
                var spec = Next();
                admission.Submit(spec);
                // A worker: the oldest running request reads 300 B of headers and a 1 KB body, hands over, ends.
                var (s, lease) = running.Dequeue();
                lease.Reset();
                var wait = admission.WaitForHostAsync(s, false, CancellationToken.None);
                if (!wait.IsCompleted) throw new InvalidOperationException("waited");
                lease.ReserveAsync(300, deadline).GetAwaiter().GetResult();
                lease.ReserveAsync(1024, deadline).GetAwaiter().GetResult();
                lease.HandOver(1324);
                lease.Dispose();
                admission.Finished(s.HostKey);
                // The pipeline thread takes its result.
                budget.Release(1324, (s.Index, s.PageIndex));
            }
            });
            Console.WriteLine();
        }

        Console.WriteLine($"sink {sink} used {budget.Used} running {admission.Running}");
    }
}

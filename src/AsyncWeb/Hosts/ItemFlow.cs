using System;
using System.Diagnostics;
using System.Threading;

namespace AsyncWeb.Hosts;

/// <summary>How long one item waited for its host (paused after a Retry-After or rate-limit headers), across its attempts.</summary>
internal sealed class ItemFlow
{
    private long _hostWaitTicks;

    /// <summary>Adds a wait, in Stopwatch ticks.</summary>
    public void AddHostWait(long stopwatchTicks) => Interlocked.Add(ref _hostWaitTicks, stopwatchTicks);

    public TimeSpan HostWait => TimeSpan.FromSeconds(Interlocked.Read(ref _hostWaitTicks) / (double)Stopwatch.Frequency);
}

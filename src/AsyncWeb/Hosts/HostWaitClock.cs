using System;
using System.Diagnostics;
using System.Threading;

namespace AsyncWeb.Hosts;

/// <summary>How long one item waited for its host (paused after a Retry-After or rate-limit headers), across its attempts.</summary>
internal sealed class HostWaitClock
{
    private long _ticks;

    /// <summary>Adds a wait, in Stopwatch ticks.</summary>
    public void Add(long stopwatchTicks) => Interlocked.Add(ref _ticks, stopwatchTicks);

    /// <summary>All the waits so far.</summary>
    public TimeSpan Total => TimeSpan.FromSeconds(Interlocked.Read(ref _ticks) / (double)Stopwatch.Frequency);
}

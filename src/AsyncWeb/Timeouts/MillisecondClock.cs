#if NET
using System;

namespace AsyncWeb.Timeouts;

/// <summary>
/// The clock an engine's deadlines run on: <see cref="Environment.TickCount64"/> in milliseconds, the clock the runtime's
/// own timers (the deadline clock's one timer included) measure their waits with. On Linux it reads the coarse monotonic
/// clock, about a fifth of a precise timestamp's cost, and a deadline checked against it is as exact as the timer that
/// fires it: a due time a few milliseconds early or late by this clock's tick is one the timer would have missed anyway.
/// Phase timings and Elapsed keep their precise timestamps; only deadlines use this one.
/// </summary>
internal sealed class MillisecondClock : TimeProvider
{
    public static readonly MillisecondClock Instance = new();

    private MillisecondClock()
    {
    }

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Environment.TickCount64;
}
#endif

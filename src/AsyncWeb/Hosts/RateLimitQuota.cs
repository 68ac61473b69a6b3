using System;
using System.Globalization;

namespace AsyncWeb.Hosts;

/// <summary>What a response's rate-limit headers say: requests left in the window, and when it resets.</summary>
internal readonly struct RateLimitQuota
{
    public RateLimitQuota(long remaining, TimeSpan? reset)
    {
        Remaining = remaining;
        Reset = reset;
    }

    public long Remaining { get; }

    /// <summary>Time until the window resets (zero when it has); null when the server did not say.</summary>
    public TimeSpan? Reset { get; }

    /// <summary>The wait the host must take now: until the reset when nothing remains, else none.</summary>
    public TimeSpan? Pause => Remaining <= 0 && Reset is { } reset && reset > TimeSpan.Zero ? reset : null;
}

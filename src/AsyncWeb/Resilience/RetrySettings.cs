using System;
using System.Collections.Generic;
using System.Security.Authentication;

namespace AsyncWeb.Resilience;

/// <summary>Retry behaviour; MaximumRetryCount 0 means a single attempt.</summary>
internal sealed record RetrySettings(
    int MaximumRetryCount,
    TimeSpan BaseDelay,
    TimeSpan MaximumDelay,
    TimeSpan MaximumRetryAfter,
    IReadOnlyCollection<int> RetryStatusCodes,
    bool RetryNonIdempotent)
{
    public static readonly int[] DefaultStatusCodes = { 408, 429, 500, 502, 503, 504 };

    public static readonly RetrySettings None = new(0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), DefaultStatusCodes, false);
}

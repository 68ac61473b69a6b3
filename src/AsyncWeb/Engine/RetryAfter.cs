using System;
using System.Net.Http.Headers;

namespace AsyncWeb.Engine;

/// <summary>How long a Retry-After header asks to wait.</summary>
internal static class RetryAfter
{
    /// <summary>The wait a Retry-After asks for, seconds or an HTTP date (a date in the past is no wait); null when there is none.</summary>
    public static TimeSpan? Parse(RetryConditionHeaderValue? value, DateTimeOffset now)
    {
        if (value?.Delta is { } delta)
        {
            return delta;
        }

        if (value?.Date is { } date)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}

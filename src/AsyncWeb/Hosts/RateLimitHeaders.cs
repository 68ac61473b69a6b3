using System;
using System.Collections.Generic;
using System.Globalization;

namespace AsyncWeb.Hosts;

/// <summary>
/// Reads the rate-limit headers servers send before they refuse (pure; unit-tested). In order of preference:
/// <list type="bullet">
/// <item><c>RateLimit</c> of the IETF draft (draft-ietf-httpapi-ratelimit-headers): the structured form of drafts 7+
/// (<c>"policy";r=0;t=30</c>, several policies separated by commas: the most restrictive wins) and the combined form
/// of earlier drafts (<c>limit=100, remaining=0, reset=30</c>); reset is delta-seconds;</item>
/// <item><c>RateLimit-Remaining</c> + <c>RateLimit-Reset</c> (drafts 0-6): delta-seconds;</item>
/// <item><c>X-RateLimit-Remaining</c> (or <c>X-Rate-Limit-Remaining</c>) + <c>X-RateLimit-Reset-After</c> (delta-seconds) or
/// <c>X-RateLimit-Reset</c>, whose unit differs between services (see <see cref="ReadResetValue"/>).</item>
/// </list>
/// </summary>
internal static class RateLimitHeaders
{
    /// <summary>
    /// An X-RateLimit-Reset at or above this (2001-09-09T01:46:40Z as Unix seconds) is an epoch time, as GitHub,
    /// Twitter and Okta send it; below it, delta-seconds, as most others do. No window lasts 31 years, and no
    /// epoch time of a live server is that old.
    /// </summary>
    public const double EpochSecondsThreshold = 1_000_000_000;

    /// <summary>At or above this it is Unix milliseconds (a few services send those).</summary>
    public const double EpochMillisecondsThreshold = 1_000_000_000_000;

    /// <summary>2^63, the first double beyond long's range.</summary>
    private const double LongRange = 9223372036854775808.0;

    /// <summary>The longest reset taken literally (a day); longer reads as this, far beyond any -MaximumRetryAfterSec.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>
    /// The quota the headers announce, or null when they announce none (or nothing readable). The clock is read
    /// only for an X-RateLimit-Reset that may be an epoch time, not for every response.
    /// </summary>
    public static RateLimitQuota? Read(IReadOnlyDictionary<string, string[]> headers, TimeProvider clock)
    {
        if (First(headers, "RateLimit") is { } structured && ParseStructured(structured) is { } quota)
        {
            return quota;
        }

        if (Number(First(headers, "RateLimit-Remaining")) is { } remaining)
        {
            return new RateLimitQuota(Count(remaining), Delta(Number(First(headers, "RateLimit-Reset"))));
        }

        var legacy = Number(First(headers, "X-RateLimit-Remaining") ?? First(headers, "X-Rate-Limit-Remaining"));
        if (legacy is { } left)
        {
            var after = Delta(Number(First(headers, "X-RateLimit-Reset-After")));
            var reset = after ?? ReadResetValue(Number(First(headers, "X-RateLimit-Reset") ?? First(headers, "X-Rate-Limit-Reset")), clock);
            return new RateLimitQuota(Count(left), reset);
        }

        return null;
    }

    /// <summary>
    /// An X-RateLimit-Reset value as a wait: Unix milliseconds at or above <see cref="EpochMillisecondsThreshold"/>,
    /// Unix seconds at or above <see cref="EpochSecondsThreshold"/> (a time already past is no wait), else
    /// delta-seconds. Fractions are allowed (Discord sends them). <paramref name="clock"/> is read for an epoch time only.
    /// </summary>
    public static TimeSpan? ReadResetValue(double? value, TimeProvider clock)
    {
        if (value is not { } v)
        {
            return null;
        }

        if (v >= EpochSecondsThreshold)
        {
            var epochSeconds = v >= EpochMillisecondsThreshold ? v / 1000 : v;
            var nowSeconds = (clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(0)).TotalSeconds;
            return Delta(Math.Max(0, epochSeconds - nowSeconds));
        }

        return Delta(v);
    }

    /// <summary>
    /// The RateLimit field: comma-separated members; a member that starts with a quoted policy name is one policy
    /// (r = remaining, t = reset); without policy names, all members' parameters form one quota (limit, remaining,
    /// reset). Of several policies, one with nothing left wins, the one with the longest reset among those.
    /// </summary>
    public static RateLimitQuota? ParseStructured(string value)
    {
        RateLimitQuota? best = null;
        long? mergedRemaining = null;
        TimeSpan? mergedReset = null;
        var sawPolicy = false;
        foreach (var member in value.Split(','))
        {
            long? remaining = null;
            TimeSpan? reset = null;
            var isPolicy = false;
            foreach (var raw in member.Split(';'))
            {
                var item = raw.Trim();
                if (item.Length == 0)
                {
                    continue;
                }

                if (item[0] == '"')
                {
                    isPolicy = true;
                    continue;
                }

                var equals = item.IndexOf('=');
                if (equals <= 0)
                {
                    continue;
                }

                var key = item.Substring(0, equals).Trim().ToLowerInvariant();
                var number = Number(item.Substring(equals + 1));
                switch (key)
                {
                    case "r" or "remaining" when number is { } r:
                        remaining = Count(r);
                        break;
                    case "t" or "reset":
                        reset = Delta(number) ?? reset;
                        break;
                }
            }

            if (isPolicy)
            {
                sawPolicy = true;
                if (remaining is { } left)
                {
                    best = MoreRestrictive(best, new RateLimitQuota(left, reset));
                }
            }
            else
            {
                mergedRemaining = remaining ?? mergedRemaining;
                mergedReset = reset ?? mergedReset;
            }
        }

        if (sawPolicy)
        {
            return best;
        }

        return mergedRemaining is { } merged ? new RateLimitQuota(merged, mergedReset) : null;
    }

    private static RateLimitQuota MoreRestrictive(RateLimitQuota? current, RateLimitQuota candidate)
    {
        if (current is not { } c)
        {
            return candidate;
        }

        if ((candidate.Remaining <= 0) != (c.Remaining <= 0))
        {
            return candidate.Remaining <= 0 ? candidate : c;
        }

        if (candidate.Remaining <= 0)
        {
            return (candidate.Reset ?? TimeSpan.Zero) > (c.Reset ?? TimeSpan.Zero) ? candidate : c;
        }

        return candidate.Remaining < c.Remaining ? candidate : c;
    }

    private static string? First(IReadOnlyDictionary<string, string[]> headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Length > 0 ? values[0] : null;

    /// <summary>
    /// A non-negative decimal number (digits, a fraction allowed), else null: a sign, an exponent or other text is
    /// unreadable and ignored. A number beyond double's range (all digits, as a 400-digit remaining) reads as
    /// infinity, which the callers clamp (<see cref="Count"/>, <see cref="Delta"/>), the same on every runtime: .NET
    /// Framework fails such a parse where .NET Core returns infinity.
    /// </summary>
    private static double? Number(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (!IsDecimal(trimmed))
        {
            return null;
        }

        return double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) && !double.IsInfinity(n)
            ? n
            : double.PositiveInfinity;
    }

    private static bool IsDecimal(string text)
    {
        var digits = 0;
        var points = 0;
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9')
            {
                digits++;
            }
            else if (c != '.' || ++points > 1)
            {
                return false;
            }
        }

        return digits > 0;
    }

    /// <summary>
    /// A count of requests as a long: beyond long's range it is <see cref="long.MaxValue"/> (plenty left). Compared
    /// before the cast: a double beyond long's range cast to long is undefined in C#, and .NET 8 on x64 makes
    /// 18446744073709551615 long.MinValue, which would read as nothing left.
    /// </summary>
    private static long Count(double value) =>
        value >= LongRange ? long.MaxValue : (long)value;

    private static TimeSpan? Delta(double? seconds) =>
        seconds is { } s ? (s >= Longest.TotalSeconds ? Longest : TimeSpan.FromSeconds(s)) : null;
}

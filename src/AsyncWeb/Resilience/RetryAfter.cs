using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;

namespace AsyncWeb.Resilience;

/// <summary>What a server's Retry-After header asks for (RFC 9110 §10.2.3): a number of seconds or an HTTP date.</summary>
internal static class RetryAfter
{
    /// <summary>Longest wait represented (68 years); anything longer reads as this, far beyond any -MaximumRetryAfterSec.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(int.MaxValue);

    // IMF-fixdate (preferred), then the obsolete RFC 850 and asctime forms that recipients must accept.
    private static readonly string[] s_dateFormats =
    {
        "r",
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",
        "ddd MMM d HH':'mm':'ss yyyy",
    };

    /// <summary>The response's Retry-After wait, or null when it has none or it is unreadable.</summary>
    public static TimeSpan? Read(HttpResponseMessage response, DateTimeOffset now)
    {
#if NET
        var raw = response.Headers.NonValidated.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null;
#else
        var raw = response.Headers.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null;
#endif
        return Parse(raw, now);
    }

    /// <summary>
    /// Delta-seconds (digits only) as that wait; an HTTP date as the time until then (zero when it has
    /// passed); null for an absent, negative, fractional or otherwise unreadable value.
    /// </summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (text.All(c => c is >= '0' and <= '9'))
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < int.MaxValue
                ? TimeSpan.FromSeconds(seconds)
                : Longest;
        }

        if (DateTimeOffset.TryParseExact(text, s_dateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}

using System;
using System.Collections.Generic;
using AsyncWeb.Hosts;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AsyncWeb.Tests.Hosts;

public class RateLimitHeadersTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider s_clock = new FakeTimeProvider(s_now);

    private static IReadOnlyDictionary<string, string[]> Headers(params (string Name, string Value)[] pairs)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in pairs)
        {
            headers[name] = new[] { value };
        }

        return headers;
    }

    [Fact]
    public void No_rate_limit_headers_say_nothing() =>
        Assert.Null(RateLimitHeaders.Read(Headers(("Content-Type", "text/plain")), s_clock));

    [Fact]
    public void The_clock_is_read_for_an_epoch_reset_only()
    {
        var clock = new CountingClock(s_now);
        RateLimitHeaders.Read(Headers(("Content-Type", "text/plain")), clock);
        RateLimitHeaders.Read(Headers(("RateLimit-Remaining", "0"), ("RateLimit-Reset", "7")), clock);
        RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "60")), clock);
        Assert.Equal(0, clock.Reads);

        var reset = s_now.AddSeconds(42).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(42), RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)), clock)!.Value.Pause);
        Assert.Equal(1, clock.Reads);
    }

    [Fact]
    public void Ietf_draft_remaining_and_reset_are_delta_seconds()
    {
        var quota = RateLimitHeaders.Read(Headers(("RateLimit-Remaining", "0"), ("RateLimit-Reset", "7")), s_clock)!.Value;
        Assert.Equal(0, quota.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(7), quota.Reset);
        Assert.Equal(TimeSpan.FromSeconds(7), quota.Pause);
    }

    [Fact]
    public void Requests_left_mean_no_pause()
    {
        var quota = RateLimitHeaders.Read(Headers(("RateLimit-Remaining", "3"), ("RateLimit-Reset", "7")), s_clock)!.Value;
        Assert.Equal(3, quota.Remaining);
        Assert.Null(quota.Pause);
    }

    [Fact]
    public void Zero_remaining_without_a_reset_is_no_pause() =>
        Assert.Null(RateLimitHeaders.Read(Headers(("RateLimit-Remaining", "0")), s_clock)!.Value.Pause);

    [Theory]
    [InlineData("limit=100, remaining=0, reset=30", 0, 30)]
    [InlineData("limit=100; remaining=5; reset=30", 5, 30)]
    [InlineData("\"default\";r=0;t=12", 0, 12)]
    [InlineData("\"default\";q=100;r=50;t=60", 50, 60)]
    public void The_combined_and_structured_RateLimit_fields_are_read(string value, long remaining, int reset)
    {
        var quota = RateLimitHeaders.Read(Headers(("RateLimit", value)), s_clock)!.Value;
        Assert.Equal(remaining, quota.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(reset), quota.Reset);
    }

    [Fact]
    public void Of_several_policies_an_exhausted_one_wins_with_the_longest_reset()
    {
        var quota = RateLimitHeaders.ParseStructured("\"burst\";r=4;t=1, \"hour\";r=0;t=900, \"minute\";r=0;t=20")!.Value;
        Assert.Equal(0, quota.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(900), quota.Pause);
    }

    [Fact]
    public void The_RateLimit_field_wins_over_the_separate_headers()
    {
        var quota = RateLimitHeaders.Read(Headers(("RateLimit", "\"p\";r=0;t=5"), ("RateLimit-Remaining", "9"), ("X-RateLimit-Remaining", "9")), s_clock)!.Value;
        Assert.Equal(0, quota.Remaining);
    }

    [Fact]
    public void A_github_reset_is_epoch_seconds()
    {
        var reset = s_now.AddSeconds(42).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var quota = RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)), s_clock)!.Value;
        Assert.Equal(TimeSpan.FromSeconds(42), quota.Pause);
    }

    [Fact]
    public void A_past_epoch_reset_is_no_wait() =>
        Assert.Null(RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1700000000")), s_clock)!.Value.Pause);

    [Fact]
    public void A_small_x_reset_is_delta_seconds() =>
        Assert.Equal(TimeSpan.FromSeconds(60), RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "60")), s_clock)!.Value.Pause);

    [Theory]
    [InlineData(999_999_999, true)]       // just below the threshold: 31.7 years of delta-seconds, taken as delta (capped)
    [InlineData(1_000_000_000, false)]    // 2001: an epoch time, long past
    public void The_epoch_threshold_separates_delta_from_epoch(double value, bool delta)
    {
        var wait = RateLimitHeaders.ReadResetValue(value, s_clock)!.Value;
        Assert.Equal(delta ? RateLimitHeaders.Longest : TimeSpan.Zero, wait);
    }

    [Fact]
    public void Epoch_milliseconds_are_recognised()
    {
        var ms = s_now.AddSeconds(3).ToUnixTimeMilliseconds();
        Assert.Equal(TimeSpan.FromSeconds(3), RateLimitHeaders.ReadResetValue(ms, s_clock));
    }

    [Fact]
    public void Fractional_resets_and_reset_after_are_read()
    {
        var quota = RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset-After", "1.5"), ("X-RateLimit-Reset", "1")), s_clock)!.Value;
        Assert.Equal(TimeSpan.FromSeconds(1.5), quota.Pause);
    }

    [Fact]
    public void Twitter_style_names_are_read()
    {
        var reset = s_now.AddSeconds(10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(10), RateLimitHeaders.Read(Headers(("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", reset)), s_clock)!.Value.Pause);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("1e400")]
    public void Unreadable_numbers_are_ignored(string value) =>
        Assert.Null(RateLimitHeaders.Read(Headers(("RateLimit-Remaining", value), ("RateLimit-Reset", "5")), s_clock));

    [Theory]
    [InlineData("RateLimit-Remaining")]
    [InlineData("X-RateLimit-Remaining")]
    [InlineData("X-Rate-Limit-Remaining")]
    public void A_remaining_beyond_long_range_is_plenty_left_on_every_runtime(string name)
    {
        // 2^64 - 1, as a server with a u64 counter sends it; 2^63, the first value past long; and one of 400 digits.
        foreach (var value in new[] { "18446744073709551615", "9223372036854775808", "1" + new string('0', 400) })
        {
            var quota = RateLimitHeaders.Read(Headers((name, value), ("RateLimit-Reset", "30"), ("X-RateLimit-Reset", "30")), s_clock)!.Value;
            Assert.Equal(long.MaxValue, quota.Remaining);
            Assert.Null(quota.Pause);
        }
    }

    [Theory]
    [InlineData("\"default\";r=18446744073709551615;t=30")]
    [InlineData("limit=18446744073709551615, remaining=18446744073709551615, reset=30")]
    public void A_structured_remaining_beyond_long_range_is_plenty_left(string value)
    {
        var quota = RateLimitHeaders.Read(Headers(("RateLimit", value)), s_clock)!.Value;
        Assert.Equal(long.MaxValue, quota.Remaining);
        Assert.Null(quota.Pause);
    }

    [Fact]
    public void The_largest_remaining_within_long_range_is_read_exactly_enough()
    {
        var quota = RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "9223372036854775807"), ("X-RateLimit-Reset", "30")), s_clock)!.Value;
        Assert.Equal(long.MaxValue, quota.Remaining);   // 2^63 - 1 is 2^63 as a double: beyond, and clamped
        Assert.Equal(1, RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "1"), ("X-RateLimit-Reset", "30")), s_clock)!.Value.Remaining);
    }

    [Theory]
    [InlineData("18446744073709551615")]
    [InlineData("9223372036854775808")]
    public void A_reset_beyond_long_range_reads_as_the_longest(string value)
    {
        Assert.Equal(RateLimitHeaders.Longest, RateLimitHeaders.Read(Headers(("RateLimit-Remaining", "0"), ("RateLimit-Reset", value)), s_clock)!.Value.Pause);
        Assert.Equal(RateLimitHeaders.Longest, RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", value)), s_clock)!.Value.Pause);
        Assert.Equal(RateLimitHeaders.Longest, RateLimitHeaders.Read(Headers(("RateLimit", $"\"p\";r=0;t={value}")), s_clock)!.Value.Pause);
    }

    [Theory]
    [InlineData("-18446744073709551615")]
    [InlineData("-9223372036854775809")]
    [InlineData("+5")]
    [InlineData("1.2.3")]
    [InlineData(".")]
    public void Negative_or_malformed_values_are_ignored(string value)
    {
        Assert.Null(RateLimitHeaders.Read(Headers(("X-RateLimit-Remaining", value), ("X-RateLimit-Reset", "30")), s_clock));
        Assert.Null(RateLimitHeaders.Read(Headers(("RateLimit", $"\"p\";r={value};t=30")), s_clock));
    }

    [Fact]
    public void A_huge_reset_reads_as_the_longest() =>
        Assert.Equal(RateLimitHeaders.Longest, RateLimitHeaders.Read(Headers(("RateLimit-Remaining", "0"), ("RateLimit-Reset", "99999999")), s_clock)!.Value.Pause);

    private sealed class CountingClock(DateTimeOffset now) : TimeProvider
    {
        public int Reads { get; private set; }

        public override DateTimeOffset GetUtcNow()
        {
            Reads++;
            return now;
        }
    }
}

using System;
using AsyncWeb.Resilience;
using Xunit;

namespace AsyncWeb.Tests.Resilience;

public class RetryAfterTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("120", 120)]
    [InlineData(" 5 ", 5)]
    public void Seconds_are_that_wait(string value, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(value, s_now));

    [Theory]
    [InlineData("Sun, 29 Nov 2026 12:01:30 GMT")]
    [InlineData("Sunday, 29-Nov-26 12:01:30 GMT")]
    [InlineData("Sun Nov 29 12:01:30 2026")]
    public void An_http_date_is_the_time_until_then(string value) =>
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter.Parse(value, s_now));

    [Fact]
    public void Asctime_with_a_padded_day_is_read() =>
        Assert.Equal(TimeSpan.FromHours(24 * 5), RetryAfter.Parse("Fri Dec  4 12:00:00 2026", s_now));

    [Fact]
    public void A_past_date_is_no_wait() =>
        Assert.Equal(TimeSpan.Zero, RetryAfter.Parse("Wed, 21 Oct 2015 07:28:00 GMT", s_now));

    [Theory]
    [InlineData("99999999999")]
    [InlineData("999999999999999999999999")]
    public void A_huge_number_of_seconds_is_the_longest_wait(string value) =>
        Assert.Equal(RetryAfter.Longest, RetryAfter.Parse(value, s_now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("soon")]
    [InlineData("29 Nov 2026")]
    [InlineData("Sun, 32 Nov 2026 12:00:00 GMT")]
    public void Garbage_is_no_answer(string? value) =>
        Assert.Null(RetryAfter.Parse(value, s_now));
}

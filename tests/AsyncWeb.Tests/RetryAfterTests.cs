using System;
using System.Net.Http.Headers;
using AsyncWeb.Engine;
using Xunit;

namespace AsyncWeb.Tests;

public class RetryAfterTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Seconds_are_the_wait() =>
        Assert.Equal(TimeSpan.FromSeconds(120), RetryAfter.Parse(RetryConditionHeaderValue.Parse("120"), s_now));

    [Fact]
    public void A_date_is_the_time_until_then() =>
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter.Parse(RetryConditionHeaderValue.Parse("Thu, 01 Jan 2026 12:01:30 GMT"), s_now));

    [Fact]
    public void A_date_in_the_past_is_no_wait() =>
        Assert.Equal(TimeSpan.Zero, RetryAfter.Parse(RetryConditionHeaderValue.Parse("Thu, 01 Jan 2026 11:00:00 GMT"), s_now));

    [Fact]
    public void No_header_is_no_answer() =>
        Assert.Null(RetryAfter.Parse(null, s_now));
}

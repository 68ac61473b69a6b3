using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Tracing;
using Xunit;

namespace AsyncWeb.Tests.Tracing;

public class TraceParentTests
{
    [Fact]
    public void Reads_a_valid_traceparent()
    {
        Assert.True(TraceParent.TryParse(" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ", out var parsed, out var reason));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", parsed.TraceId);
        Assert.Equal(0x00f067aa0ba902b7UL, parsed.ParentId);
        Assert.Equal(1, parsed.Flags);
        Assert.Empty(reason);
    }

    [Fact]
    public void Reads_a_later_version_by_its_version_00_prefix()
    {
        Assert.True(TraceParent.TryParse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more", out var parsed, out _));
        Assert.Equal(0, parsed.Flags);
    }

    [Theory]
    [InlineData(null, "not of the form")]
    [InlineData("", "not of the form")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "not of the form")]
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "not of the form")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", "version")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", "version")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "lower-case hexadecimal")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", "lower-case hexadecimal")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "all-zero")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "all-zero")]
    public void Refuses_what_W3C_calls_invalid_and_says_why(string? value, string reason)
    {
        Assert.False(TraceParent.TryParse(value, out _, out var why));
        Assert.Contains(reason, why);
    }

    [Fact]
    public void Writes_the_header_and_ids_in_lower_case_hex()
    {
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", TraceParent.Format("4bf92f3577b34da6a3ce929d0e0e4736", 0x00f067aa0ba902b7UL, 1));
        Assert.Equal("ffffffffffffffff", TraceParent.Hex(ulong.MaxValue));
        Assert.Equal("0000000000000001", TraceParent.Hex(1));
    }

    [Fact]
    public void What_it_writes_it_reads_back()
    {
        for (var i = 0; i < 1000; i++)
        {
            var traceId = SpanIds.NewTraceId();
            var span = SpanIds.Next();
            Assert.NotEqual(0UL, span);
            Assert.True(TraceParent.TryParse(TraceParent.Format(traceId, span, 1), out var parsed, out _));
            Assert.Equal((traceId, span), (parsed.TraceId, parsed.ParentId));
        }
    }

    [Fact]
    public void Finds_the_traceparent_an_items_headers_give_by_any_case()
    {
        var headers = new List<KeyValuePair<string, string>> { new("Accept", "x"), new("TraceParent", "given") };
        Assert.Equal("given", TraceParent.In(headers));
        Assert.Null(TraceParent.In(headers.Take(1).ToList()));
    }
}

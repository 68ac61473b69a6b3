using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

/// <summary>RFC 7464: RS, a JSON text, LF.</summary>
public sealed class JsonSequenceFramerTests
{
    private const WebStreamFormat Seq = WebStreamFormat.JsonSequence;

    [Fact]
    public void Each_record_is_its_JSON_text_without_RS_and_LF()
    {
        var units = Framing.FrameAtEverySplit(Seq, "\u001e{\"a\":1}\n\u001e[1,\n 2]\n\u001e\"s\\u001e\"\n\u001e42\n\u001e\u001etrue\n");

        Assert.Equal(new[] { "{\"a\":1}", "[1,\n 2]", "\"s\\u001e\"", "42", "true" }, units);
    }

    [Fact]
    public void A_record_is_emitted_when_its_text_ends_without_waiting_for_the_next_RS()
    {
        var framer = StreamFramer.Create(Seq, Framing.Unlimited, null);
        var output = new System.Collections.Generic.List<StreamUnit>();

        framer.Feed("\u001e{\"a\":1}"u8, output);

        Assert.Equal("{\"a\":1}", Assert.Single(output).Data);
    }

    [Theory]
    [InlineData("{\"a\":1}\n", "does not start with RS")]
    [InlineData("\u001e{\"a\":1} {\"b\":2}\n", "more than one JSON text")]
    [InlineData("\u001e{\"a\":\u001e{\"b\":2}\n", "cut off by the next RS")]
    [InlineData("\u001e12\u001e3\n", "cut off by the next RS")]
    [InlineData("\u001e{\"a\":1\n", "truncated")]
    [InlineData("\u001e123", "truncated")]
    [InlineData("\u001e]\n", "does not hold a JSON text")]
    public void A_malformed_sequence_is_a_format_error(string body, string expected)
    {
        var error = Framing.Fails<StreamFormatException>(Seq, body);

        Assert.Contains(expected, error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_over_the_limit_throws()
    {
        Assert.Equal(new[] { "[1,2]" }, Framing.Frame(Seq, "\u001e[1,2]\n", maximumUnitBytes: 5));
        Assert.Equal("record", Framing.Fails<StreamUnitTooLargeException>(Seq, "\u001e[1,22]\n", maximumUnitBytes: 5).UnitKind);
    }
}

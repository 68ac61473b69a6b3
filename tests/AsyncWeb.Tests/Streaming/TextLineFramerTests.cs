using System.Text;
using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

public sealed class TextLineFramerTests
{
    [Fact]
    public void Lines_end_at_LF_or_CRLF_and_a_lone_CR_is_text()
    {
        var units = Framing.FrameAtEverySplit(WebStreamFormat.Lines, "one\ntwo\r\nthree\rstill three\n");

        Assert.Equal(new[] { "one", "two", "three\rstill three" }, units);
    }

    [Fact]
    public void Blank_lines_are_units_of_plain_text_and_skipped_in_JSON_lines()
    {
        Assert.Equal(new[] { "a", "", "", "b" }, Framing.FrameAtEverySplit(WebStreamFormat.Lines, "a\n\r\n\nb\n"));
        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":2}" }, Framing.FrameAtEverySplit(WebStreamFormat.JsonLines, "{\"a\":1}\n\r\n  \t\n{\"b\":2}\r\n\n"));
    }

    [Fact]
    public void A_last_line_without_a_line_end_is_a_unit()
    {
        Assert.Equal(new[] { "first", "last" }, Framing.FrameAtEverySplit(WebStreamFormat.Lines, "first\nlast"));
        Assert.Equal(new[] { "first", "last" }, Framing.FrameAtEverySplit(WebStreamFormat.Lines, "first\nlast\r"));
        Assert.Equal(new[] { "{}" }, Framing.FrameAtEverySplit(WebStreamFormat.JsonLines, "{}"));
    }

    [Fact]
    public void Multi_byte_characters_split_between_chunks_decode_whole()
    {
        // 2-, 3- and 4-byte UTF-8 sequences, each split at every byte by FrameAtEverySplit.
        var units = Framing.FrameAtEverySplit(WebStreamFormat.JsonLines, "{\"n\":\"Zoë\"}\n{\"n\":\"東京\"}\n{\"n\":\"🚀\"}\n");

        Assert.Equal(new[] { "{\"n\":\"Zoë\"}", "{\"n\":\"東京\"}", "{\"n\":\"🚀\"}" }, units);
    }

    [Fact]
    public void A_line_at_the_limit_passes_and_one_byte_more_throws_before_its_end_arrives()
    {
        Assert.Equal(new[] { "12345", "678" }, Framing.Frame(WebStreamFormat.Lines, "12345\r\n678", maximumUnitBytes: 5));
        Assert.Equal(new[] { "12345" }, Framing.Frame(StreamFramer.Create(WebStreamFormat.Lines, 5, null), Encoding.ASCII.GetBytes("12345\r\n"), 6));

        // No line end ever comes: the framer throws at the sixth byte instead of holding the rest.
        var framer = StreamFramer.Create(WebStreamFormat.Lines, 5, null);
        var output = new System.Collections.Generic.List<StreamUnit>();
        framer.Feed(Encoding.ASCII.GetBytes("12345"), output);
        var error = Assert.Throws<StreamUnitTooLargeException>(() => framer.Feed(Encoding.ASCII.GetBytes("6"), output));
        Assert.Equal(5, error.MaximumUnitBytes);
        Assert.Equal("line", error.UnitKind);

        Framing.Fails<StreamUnitTooLargeException>(WebStreamFormat.JsonLines, "{}\n123456\n", maximumUnitBytes: 5);
    }
}

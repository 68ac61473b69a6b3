using System.Text;
using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

public sealed class StreamFramerTests
{
    [Theory]
    [InlineData("text/event-stream", WebStreamFormat.ServerSentEvents)]
    [InlineData("Text/Event-Stream; charset=utf-8", WebStreamFormat.ServerSentEvents)]
    [InlineData("application/x-ndjson", WebStreamFormat.JsonLines)]
    [InlineData("application/jsonl", WebStreamFormat.JsonLines)]
    [InlineData("application/x-jsonlines", WebStreamFormat.JsonLines)]
    [InlineData("application/json-seq", WebStreamFormat.JsonSequence)]
    [InlineData("application/json", WebStreamFormat.Auto)]
    [InlineData("application/json; charset=utf-8", WebStreamFormat.Auto)]
    [InlineData("application/problem+json", WebStreamFormat.Auto)]
    [InlineData("text/plain", WebStreamFormat.Lines)]
    [InlineData("text/csv", WebStreamFormat.Lines)]
    [InlineData("application/octet-stream", WebStreamFormat.Lines)]
    [InlineData("", WebStreamFormat.Lines)]
    [InlineData(null, WebStreamFormat.Lines)]
    public void The_media_type_chooses_the_format(string? mediaType, WebStreamFormat expected)
    {
        Assert.Equal(expected, StreamFramer.FromMediaType(mediaType));
    }

    [Fact]
    public void Create_gives_the_framer_of_each_format_and_refuses_a_limit_below_one()
    {
        Assert.IsType<ServerSentEventFramer>(StreamFramer.Create(WebStreamFormat.ServerSentEvents, 10, Encoding.Unicode));
        Assert.IsType<JsonArrayFramer>(StreamFramer.Create(WebStreamFormat.JsonArray, 10, Encoding.UTF8));
        Assert.IsType<TranscodingFramer>(StreamFramer.Create(WebStreamFormat.Lines, 10, Encoding.Unicode));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => StreamFramer.Create(WebStreamFormat.Lines, 0, null));
    }

    [Fact]
    public void A_UTF8_BOM_starts_no_unit_and_bytes_that_only_begin_like_one_are_data()
    {
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        Assert.Equal(new[] { "a", "b" }, Framing.FrameAtEverySplit(WebStreamFormat.Lines, [.. bom, .. "a\nb"u8]));
        Assert.Equal(new[] { "1" }, Framing.FrameAtEverySplit(WebStreamFormat.JsonArray, [.. bom, .. "[1]"u8]));

        // EF BB followed by something else is not a BOM: the bytes are kept (and decode as they will).
        Assert.Equal(new[] { "\uFFFDx" }, Framing.FrameAtEverySplit(WebStreamFormat.Lines, [0xEF, 0xBB, (byte)'x']));
        Assert.Single(Framing.FrameAtEverySplit(WebStreamFormat.Lines, [0xEF, 0xBB]));
    }

    [Fact]
    public void A_body_in_another_charset_is_framed_as_its_text_even_where_its_bytes_look_like_delimiters()
    {
        // UTF-16: every character is two bytes, so 0x0A alone is no line end; "\u0A5B" holds the bytes 5B 0A.
        var utf16 = Encoding.Unicode.GetBytes("[\"\u0A5B\",\"é\"]");
        Assert.Equal(new[] { "\"\u0A5B\"", "\"é\"" }, Framing.FrameAtEverySplit(WebStreamFormat.JsonArray, utf16, Encoding.Unicode));

        var latin1 = Encoding.Latin1.GetBytes("café\nnaïve\n");
        Assert.Equal(new[] { "café", "naïve" }, Framing.FrameAtEverySplit(WebStreamFormat.Lines, latin1, Encoding.Latin1));
    }
}

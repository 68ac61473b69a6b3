using System.Text;
using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

public sealed class JsonArrayFramerTests
{
    private const WebStreamFormat Array = WebStreamFormat.JsonArray;

    [Fact]
    public void Each_element_is_a_unit_of_its_raw_JSON_whatever_the_whitespace()
    {
        var units = Framing.FrameAtEverySplit(Array, " \r\n[ {\"a\": 1} ,\n\t2,\"three\" , true,null,-4.5e+3 ,[ ] ]\n ");

        Assert.Equal(new[] { "{\"a\": 1}", "2", "\"three\"", "true", "null", "-4.5e+3", "[ ]" }, units);
    }

    [Fact]
    public void Strings_with_escaped_quotes_backslashes_and_brackets_do_not_end_an_element()
    {
        var units = Framing.FrameAtEverySplit(Array, """[{"s":"a\"]},[{"},"\\","\\\"","]"]""");

        Assert.Equal(new[] { """{"s":"a\"]},[{"}""", """ "\\" """.Trim(), """ "\\\"" """.Trim(), """ "]" """.Trim() }, units);
    }

    [Fact]
    public void Nested_arrays_and_objects_are_one_element()
    {
        var units = Framing.FrameAtEverySplit(Array, "[[1,[2,[3]]],{\"a\":{\"b\":[{},{\"c\":\"]\"}]}},[]]");

        Assert.Equal(new[] { "[1,[2,[3]]]", "{\"a\":{\"b\":[{},{\"c\":\"]\"}]}}", "[]" }, units);
    }

    [Fact]
    public void An_empty_array_has_no_units()
    {
        Assert.Empty(Framing.FrameAtEverySplit(Array, "[]"));
        Assert.Empty(Framing.FrameAtEverySplit(Array, " [ \n ] \n"));
    }

    [Fact]
    public void Multi_byte_characters_split_between_chunks_decode_whole()
    {
        var units = Framing.FrameAtEverySplit(Array, "[\"Zoë\",{\"城市\":\"東京\"},\"🚀\"]");

        Assert.Equal(new[] { "\"Zoë\"", "{\"城市\":\"東京\"}", "\"🚀\"" }, units);
    }

    [Theory]
    [InlineData("{\"a\":1}", "does not start with '['")]
    [InlineData("42", "does not start with '['")]
    [InlineData("[1 2]", "not followed by ',' or ']'")]
    [InlineData("[1,]", "element is missing")]
    [InlineData("[,1]", "element is missing")]
    [InlineData("[1]x", "goes on after")]
    [InlineData("[1][2]", "goes on after")]
    [InlineData("[1,{\"a\":[2]", "truncated")]
    [InlineData("[\"open", "truncated")]
    [InlineData("[12", "truncated")]
    [InlineData("[", "truncated")]
    [InlineData("", "empty")]
    [InlineData("  \n", "empty")]
    public void Anything_but_one_whole_array_is_a_format_error(string body, string expected)
    {
        var error = Framing.Fails<StreamFormatException>(Array, body);

        Assert.Contains(expected, error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_format_error_quotes_only_a_short_excerpt_of_the_body()
    {
        var secret = "{\"token\":\"" + new string('s', 200) + "\"}";

        var error = Framing.Fails<StreamFormatException>(Array, secret);

        Assert.True(error.Message.Length < 120, error.Message);
        Assert.DoesNotContain(new string('s', StreamFormatException.ExcerptBytes), error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void An_element_over_the_limit_throws_as_soon_as_it_passes_it()
    {
        Assert.Equal(new[] { "12345", "\"abc\"" }, Framing.Frame(Array, "[12345,\"abc\"]", maximumUnitBytes: 5));
        Framing.Fails<StreamUnitTooLargeException>(Array, "[1,\"abcde\"]", maximumUnitBytes: 5);

        // The element never ends: the sixth byte of it throws, before any more is held.
        var framer = StreamFramer.Create(Array, 5, null);
        var output = new System.Collections.Generic.List<StreamUnit>();
        framer.Feed(Encoding.ASCII.GetBytes("[{\"a\":"), output);
        var error = Assert.Throws<StreamUnitTooLargeException>(() => framer.Feed(Encoding.ASCII.GetBytes("1"), output));
        Assert.Equal("element", error.UnitKind);
    }
}

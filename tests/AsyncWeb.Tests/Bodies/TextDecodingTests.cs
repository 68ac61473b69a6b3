using System.Text;
using AsyncWeb.Bodies;
using Xunit;

namespace AsyncWeb.Tests.Bodies;

public class TextDecodingTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("text/html", true)]
    [InlineData("application/json", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("application/atom+xml", true)]
    [InlineData("application/octet-stream", false)]
    [InlineData("image/png", false)]
    public void Textual_media_types_become_text(string? mediaType, bool text) =>
        Assert.Equal(text, TextDecoding.IsText(mediaType));

    [Fact]
    public void UTF_8_is_the_default_and_its_BOM_is_dropped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF, 0xC3, 0xA9 };
        Assert.Equal("é", TextDecoding.Decode(bytes, bytes.Length, null));
    }

    [Fact]
    public void The_charset_parameter_decides_the_encoding() =>
        Assert.Equal("é", TextDecoding.Decode(new byte[] { 0xE9 }, 1, "\"ISO-8859-1\""));

    [Fact]
    public void An_unknown_charset_falls_back_to_UTF_8() =>
        Assert.Equal("é", TextDecoding.Decode(Encoding.UTF8.GetBytes("é"), 2, "x-unknown"));

    [Fact]
    public void Only_the_given_length_is_decoded() =>
        Assert.Equal("ab", TextDecoding.Decode(Encoding.ASCII.GetBytes("abcd"), 2, null));
}

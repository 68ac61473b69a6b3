using System.Diagnostics;
using System.IO;
using AsyncWeb.Bodies;
using Xunit;

namespace AsyncWeb.Tests.Bodies;

public class StructuredContentTests
{
    [Theory]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("text/json", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("application/javascript", true)]
    [InlineData("application/xml", false)]
    [InlineData("text/plain", false)]
    [InlineData(null, false)]
    [InlineData("", false)]
    public void Json_is_tried_first_for_json_media_types(string? contentType, bool expected) =>
        Assert.Equal(expected, StructuredContent.PrefersJson(contentType));

    [Fact]
    public void Well_formed_xml_becomes_a_document_with_whitespace_kept()
    {
        var document = StructuredContent.TryParseXml("<root>\n  <x>1</x>\n</root>");
        Assert.NotNull(document);
        Assert.Equal("1", document!.DocumentElement!["x"]!.InnerText);
        Assert.Contains("\n  <x>", document.OuterXml);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("{\"a\":1}")]
    [InlineData("<a><b></a>")]
    public void Text_that_is_not_xml_gives_null(string text) => Assert.Null(StructuredContent.TryParseXml(text));

    [Fact]
    public void An_entity_bomb_is_refused_without_expanding()
    {
        const string bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <lolz>&lol9;</lolz>
            """;
        var watch = Stopwatch.StartNew();
        Assert.Null(StructuredContent.TryParseXml(bomb));
        Assert.True(watch.Elapsed.TotalSeconds < 5, "the bomb was not expanded");
    }

    [Fact]
    public void An_external_entity_is_never_resolved()
    {
        var secretFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(secretFile, "TOP-SECRET-FILE-CONTENT");
            var xxe = $"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secretFile}">]><r>&xxe;</r>""";
            var document = StructuredContent.TryParseXml(xxe);
            Assert.True(document is null || !document.OuterXml.Contains("TOP-SECRET"));
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public void A_document_with_an_ignored_doctype_and_no_entities_still_parses() =>
        Assert.Equal("1", StructuredContent.TryParseXml("<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:9/r.dtd\"><r><x>1</x></r>")!.DocumentElement!["x"]!.InnerText);
}

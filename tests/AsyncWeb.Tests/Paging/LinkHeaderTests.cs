using System;
using AsyncWeb.Paging;
using Xunit;

namespace AsyncWeb.Tests.Paging;

public class LinkHeaderTests
{
    private static string? Next(params string[] headers) => LinkHeader.Find(headers, "next");

    [Fact]
    public void Finds_the_next_link_among_several_in_one_header() =>
        Assert.Equal("https://api.example.com/items?page=2",
            Next("<https://api.example.com/items?page=1>; rel=\"first\", <https://api.example.com/items?page=2>; rel=\"next\", <https://api.example.com/items?page=9>; rel=\"last\""));

    [Fact]
    public void Finds_it_in_any_of_several_Link_headers() =>
        Assert.Equal("/items?page=2", Next("</items?page=1>; rel=prev", "</items?page=2>; rel=next"));

    [Theory]
    [InlineData("</b>; rel=\"next last\"", "next")]
    [InlineData("</b>; rel=\"next last\"", "last")]
    [InlineData("</b>; rel=\"  last   next \"", "next")]
    [InlineData("</b>; REL=NEXT", "next")]
    [InlineData("</b>;rel=next", "next")]
    [InlineData("</b> ;  rel = \"next\"", "next")]
    public void A_relation_is_one_of_the_space_separated_values_of_rel_in_any_case(string header, string relation) =>
        Assert.Equal("/b", LinkHeader.Find(new[] { header }, relation));

    [Fact]
    public void Commas_and_semicolons_inside_the_URI_or_a_quoted_parameter_do_not_split_links()
    {
        const string header = "</a?x=1,2;3>; title=\"one, two; three\"; rel=\"next\", </z>; rel=\"last\"";
        Assert.Equal("/a?x=1,2;3", Next(header));
        Assert.Equal("/z", LinkHeader.Find(new[] { header }, "last"));
    }

    [Fact]
    public void Parameters_before_rel_are_read_past_and_an_escaped_quote_stays_inside() =>
        Assert.Equal("/n", Next("</n>; title=\"say \\\"hi\\\", then go\"; type=\"text/html\"; rel=\"next\""));

    [Fact]
    public void Only_the_first_rel_of_a_link_counts() =>
        Assert.Null(Next("</n>; rel=\"prev\"; rel=\"next\""));

    [Fact]
    public void The_first_link_with_the_relation_wins() =>
        Assert.Equal("/first", Next("</first>; rel=next, </second>; rel=next"));

    [Theory]
    [InlineData("")]
    [InlineData("rel=next")]
    [InlineData("https://a.example/n; rel=next")]
    [InlineData("</n>")]
    [InlineData("</n>; rel")]
    [InlineData("<>; rel=next")]
    [InlineData("</n; rel=next")]
    public void A_header_it_cannot_read_yields_no_link_and_no_error(string header) =>
        Assert.Null(Next(header));

    [Fact]
    public void An_unreadable_link_value_does_not_hide_the_next_one() =>
        Assert.Equal("/ok", Next("garbage, \"quoted, comma\"; rel=next, </ok>; rel=next"));

    [Fact]
    public void No_header_is_no_link() => Assert.Null(LinkHeader.Find(null, "next"));

    [Fact]
    public void Parse_keeps_every_link_with_its_relations_in_order()
    {
        var links = LinkHeader.Parse(new[] { "</1>; rel=\"first prev\", </3>; rel=next", "</9>; rel=last; title=x" });
        Assert.Equal(new[] { "/1", "/3", "/9" }, Array.ConvertAll(System.Linq.Enumerable.ToArray(links), l => l.Target));
        Assert.Equal(new[] { "first", "prev" }, links[0].Relations);
    }
}

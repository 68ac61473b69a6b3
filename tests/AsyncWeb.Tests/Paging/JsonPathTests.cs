using System;
using System.Text;
using AsyncWeb.Paging;
using Xunit;

namespace AsyncWeb.Tests.Paging;

public class JsonPathTests
{
    private static JsonFound Find(string path, string json) => JsonPath.Parse(path).Find(json);

    [Fact]
    public void A_string_that_is_not_valid_Unicode_is_no_text_rather_than_an_exception()
    {
        var found = Find("next", "{\"next\":\"\\ud800\"}");

        Assert.Equal(JsonFoundKind.Other, found.Kind);
        Assert.Null(found.AsCount());
    }

    [Theory]
    [InlineData("next", "{\"next\":\"/p2\"}")]
    [InlineData("links.next", "{\"links\":{\"next\":\"/p2\"}}")]
    [InlineData("$.links.next", "{\"links\":{\"next\":\"/p2\"}}")]
    [InlineData("data[1].href", "{\"data\":[{\"href\":\"/p1\"},{\"href\":\"/p2\"}]}")]
    [InlineData("['@odata.nextLink']", "{\"@odata.nextLink\":\"/p2\"}")]
    [InlineData("[\"@odata.nextLink\"]", "{\"@odata.nextLink\":\"/p2\"}")]
    [InlineData("@odata.nextLink", "{\"@odata.nextLink\":\"/p2\"}")]
    [InlineData("meta['a.b'].c", "{\"meta\":{\"a.b\":{\"c\":\"/p2\"}}}")]
    [InlineData("['it''s']", "{\"it's\":\"/p2\"}")]
    [InlineData("next", "{\"items\":[1,2,{\"next\":\"deep, not this\"}],\"next\":\"/p2\"}")]
    public void Finds_the_string_at_the_path(string path, string json)
    {
        var found = Find(path, json);
        Assert.Equal(JsonFoundKind.String, found.Kind);
        Assert.Equal("/p2", found.Text);
    }

    [Fact]
    public void The_longest_dotted_name_the_object_has_wins_and_shorter_ones_are_tried_next()
    {
        Assert.Equal("long", Find("a.b", "{\"a.b\":\"long\",\"a\":{\"b\":\"short\"}}").Text);
        Assert.Equal("short", Find("a.b.c", "{\"a.b\":{\"x\":1},\"a\":{\"b\":{\"c\":\"short\"}}}").Text);
    }

    [Fact]
    public void A_bracketed_name_is_one_name_only() =>
        Assert.Equal(JsonFoundKind.Missing, Find("['a.b']", "{\"a\":{\"b\":\"x\"}}").Kind);

    [Theory]
    [InlineData("next", "{}", "Missing")]
    [InlineData("next", "{\"next\":null}", "Null")]
    [InlineData("next", "{\"next\":42}", "Number")]
    [InlineData("next", "{\"next\":{\"href\":\"/x\"}}", "Other")]
    [InlineData("next", "{\"next\":true}", "Other")]
    [InlineData("next", "[1,2]", "Missing")]
    [InlineData("a.b", "{\"a\":\"text\"}", "Missing")]
    [InlineData("a[5]", "{\"a\":[1]}", "Missing")]
    [InlineData("next", "<html>not json</html>", "NotJson")]
    [InlineData("next", "{\"next\":", "NotJson")]
    public void Says_what_it_found_when_it_is_not_a_string(string path, string json, string kind) =>
        Assert.Equal(kind, Find(path, json).Kind.ToString());

    [Theory]
    [InlineData("{\"meta\":{\"total\":137}}", 137L)]
    [InlineData("{\"meta\":{\"total\":\"137\"}}", 137L)]
    [InlineData("{\"meta\":{\"total\":0}}", 0L)]
    [InlineData("{\"meta\":{\"total\":1.5}}", null)]
    [InlineData("{\"meta\":{\"total\":-3}}", null)]
    [InlineData("{\"meta\":{\"total\":\"many\"}}", null)]
    [InlineData("{\"meta\":{}}", null)]
    public void A_count_is_a_whole_number_of_at_least_zero(string json, long? count) =>
        Assert.Equal(count, Find("meta.total", json).AsCount());

    [Fact]
    public void Reads_UTF8_bytes_as_well_as_text() =>
        Assert.Equal("/p2", JsonPath.Parse("next").Find(Encoding.UTF8.GetBytes("{\"next\":\"/p2\"}")).Text);

    [Theory]
    [InlineData("")]
    [InlineData("$.")]
    [InlineData("a..b")]
    [InlineData("a.")]
    [InlineData(".a")]
    [InlineData("a[x]")]
    [InlineData("a['b]")]
    [InlineData("a[0]b")]
    public void A_path_it_cannot_read_is_refused_with_a_reason(string path)
    {
        var refused = Assert.Throws<FormatException>(() => JsonPath.Parse(path));
        Assert.Contains("path", refused.Message, StringComparison.Ordinal);
    }
}

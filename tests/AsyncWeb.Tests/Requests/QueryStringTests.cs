using System;
using System.Collections.Generic;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Requests;

public class QueryStringTests
{
    private static readonly KeyValuePair<string, string>[] s_pairs = { new("q", "web 01"), new("tag", "a&b"), new("empty", "") };

    [Theory]
    [InlineData("https://example.com/search", "https://example.com/search?q=web+01&tag=a%26b&empty=")]
    [InlineData("https://example.com/search?page=2", "https://example.com/search?page=2&q=web+01&tag=a%26b&empty=")]
    [InlineData("https://example.com/search?", "https://example.com/search?q=web+01&tag=a%26b&empty=")]
    [InlineData("https://example.com/search?page=2#top", "https://example.com/search?page=2&q=web+01&tag=a%26b&empty=#top")]
    public void Pairs_are_appended_to_the_query_as_Invoke_RestMethod_does(string uri, string expected) =>
        Assert.Equal(expected, QueryString.Append(new Uri(uri), s_pairs).AbsoluteUri);

    [Fact]
    public void No_pairs_leave_the_URI_alone()
    {
        var uri = new Uri("https://example.com/x?a=1");
        Assert.Same(uri, QueryString.Append(uri, Array.Empty<KeyValuePair<string, string>>()));
    }
}

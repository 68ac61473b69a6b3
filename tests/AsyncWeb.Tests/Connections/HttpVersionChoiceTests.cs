using System;
using System.Net;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class HttpVersionChoiceTests
{
    [Fact]
    public void Https_without_a_pinned_version_offers_h2_and_accepts_lower()
    {
        var choice = HttpVersionChoice.For(null, new Uri("https://api.example.com/items"));
        Assert.Equal(HttpVersion.Version20, choice.Version);
        Assert.False(choice.Exact);
    }

    [Theory]
    [InlineData("http://api.example.com/items")]
    [InlineData("HTTP://API.EXAMPLE.COM:8080/")]
    public void Plain_http_without_a_pinned_version_stays_HTTP_1_1(string uri)
    {
        var choice = HttpVersionChoice.For(null, new Uri(uri));
        Assert.Equal(HttpVersion.Version11, choice.Version);
        Assert.False(choice.Exact);
    }

    [Fact]
    public void The_scheme_of_each_hop_decides_so_a_redirect_to_https_negotiates() =>
        Assert.Equal(HttpVersion.Version20, HttpVersionChoice.For(null, new Uri("HTTPS://api.example.com/next")).Version);

    [Theory]
    [InlineData("1.0", "https://api.example.com/")]
    [InlineData("1.1", "https://api.example.com/")]
    [InlineData("2.0", "https://api.example.com/")]
    [InlineData("2.0", "http://api.example.com/")]
    [InlineData("3.0", "https://api.example.com/")]
    public void A_pinned_version_is_the_only_one_accepted(string pinned, string uri)
    {
        var choice = HttpVersionChoice.For(Version.Parse(pinned), new Uri(uri));
        Assert.Equal(Version.Parse(pinned), choice.Version);
        Assert.True(choice.Exact);
    }
}

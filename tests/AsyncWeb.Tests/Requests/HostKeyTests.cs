using System;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Requests;

public sealed class HostKeyTests
{
    [Theory]
    [InlineData("https://Example.com/a", "example.com")]
    [InlineData("https://example.com:8443/a", "example.com:8443")]
    [InlineData("http://example.com:80/", "example.com")]
    [InlineData("http://[::1]:5000/", "::1:5000")]
    [InlineData("https://bücher.example/", "xn--bcher-kva.example")]
    public void A_host_key_is_the_idn_host_with_a_port_that_is_not_the_default(string uri, string key) =>
        Assert.Equal(key, HostKey.Of(new Uri(uri)));

    [Fact]
    public void TryOf_has_no_key_for_a_missing_or_relative_uri()
    {
        Assert.Null(HostKey.TryOf(null));
        Assert.Null(HostKey.TryOf(new Uri("/relative", UriKind.Relative)));
        Assert.Equal("example.com:81", HostKey.TryOf(new Uri("http://example.com:81/x")));
    }

    [Theory]
    [InlineData("https://example.com:8443/a", "example.com")]
    [InlineData("http://[::1]:5000/", "::1")]
    [InlineData("https://example.com./", "example.com")]
    public void A_shard_host_name_has_no_port_brackets_or_trailing_dot(string uri, string name) =>
        Assert.Equal(name, HostKey.NameOf(new Uri(uri)));
}

using System.Linq;
using System.Net;
using AsyncWeb.Connections;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class ConnectRuleTests
{
    [Fact]
    public void A_resolve_entry_names_its_host_port_and_addresses()
    {
        var rule = ConnectRule.ParseResolve("API.Example.com.:443:10.0.0.5,10.0.0.6");
        Assert.Equal("api.example.com", rule.Host);
        Assert.Equal(443, rule.Port);
        Assert.Equal(new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Parse("10.0.0.6") }, rule.Addresses);
        Assert.Null(rule.ToHost);
    }

    [Theory]
    [InlineData("example.com:443:[2001:db8::1]")]
    [InlineData("example.com:443:2001:db8::1")]
    public void IPv6_addresses_may_be_bracketed_or_bare(string entry) =>
        Assert.Equal(IPAddress.Parse("2001:db8::1"), ConnectRule.ParseResolve(entry).Addresses!.Single());

    [Fact]
    public void A_star_host_is_any_host_and_a_leading_plus_is_accepted()
    {
        Assert.Null(ConnectRule.ParseResolve("*:80:127.0.0.1").Host);
        Assert.Equal("example.com", ConnectRule.ParseResolve("+example.com:80:127.0.0.1").Host);
    }

    [Theory]
    [InlineData("example.com:443")]
    [InlineData("example.com:443:")]
    [InlineData("example.com::10.0.0.5")]
    [InlineData(":443:10.0.0.5")]
    [InlineData("example.com:https:10.0.0.5")]
    [InlineData("example.com:70000:10.0.0.5")]
    [InlineData("example.com:443:backend.example.com")]
    [InlineData("example.com:443:10.0.0.5,")]
    [InlineData("exa mple.com:443:10.0.0.5")]
    [InlineData("")]
    public void A_bad_resolve_entry_is_refused_naming_it(string entry)
    {
        var error = Assert.Throws<InvalidInputException>(() => ConnectRule.ParseResolve(entry));
        Assert.Equal(ErrorIds.InvalidResolve, error.ErrorId);
        Assert.Contains("'" + entry + "'", error.Message);
    }

    [Fact]
    public void A_connect_to_entry_reads_empty_parts_as_any_or_the_same()
    {
        var rule = ConnectRule.ParseConnectTo("::backend.example.com:");
        Assert.Null(rule.Host);
        Assert.Equal(0, rule.Port);
        Assert.Equal("backend.example.com", rule.ToHost);
        Assert.Equal(0, rule.ToPort);

        var moved = ConnectRule.ParseConnectTo("[::1]:8443:[2001:db8::1]:443");
        Assert.Equal("::1", moved.Host);
        Assert.Equal("2001:db8::1", moved.ToHost);
        Assert.Equal(443, moved.ToPort);
    }

    [Theory]
    [InlineData("example.com:443")]
    [InlineData("example.com:443:backend")]
    [InlineData("a:b:c:d")]
    [InlineData("example.com:443:backend:0")]
    [InlineData("example.com:443:2001:db8::1:443")]
    public void A_bad_connect_to_entry_is_refused_naming_it(string entry)
    {
        var error = Assert.Throws<InvalidInputException>(() => ConnectRule.ParseConnectTo(entry));
        Assert.Equal(ErrorIds.InvalidConnectTo, error.ErrorId);
        Assert.Contains("'" + entry + "'", error.Message);
    }
}

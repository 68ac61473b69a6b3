using System;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Security;

public class CredentialPolicyTests
{
    private static CredentialVerdict Check(string owner, string target, bool allowUnencrypted = false) =>
        CredentialPolicy.Check(new Uri(owner), new Uri(target), allowUnencrypted);

    [Theory]
    [InlineData("https://api.example.com/", "https://api.example.com/v1/items?x=1")]
    [InlineData("https://api.example.com/base/", "https://API.example.com:443/other")]
    [InlineData("https://api.example.com:8443/", "https://api.example.com:8443/x")]
    public void Credentials_go_to_their_own_https_origin(string owner, string target) =>
        Assert.Equal(CredentialVerdict.Send, Check(owner, target));

    [Theory]
    [InlineData("https://api.example.com/", "https://evil.example.com/")]
    [InlineData("https://api.example.com/", "https://api.example.com:8443/")]
    [InlineData("https://api.example.com/", "http://api.example.com/")]
    [InlineData("https://api.example.com/", "https://example.com/")]
    [InlineData("http://127.0.0.1:5000/", "http://localhost:5000/")]
    public void Credentials_never_go_to_another_origin(string owner, string target)
    {
        Assert.Equal(CredentialVerdict.OtherOrigin, Check(owner, target));
        Assert.Equal(CredentialVerdict.OtherOrigin, Check(owner, target, allowUnencrypted: true));
    }

    [Fact]
    public void Plain_http_needs_the_explicit_switch()
    {
        Assert.Equal(CredentialVerdict.Unencrypted, Check("http://127.0.0.1:5000/", "http://127.0.0.1:5000/bearer"));
        Assert.Equal(CredentialVerdict.Send, Check("http://127.0.0.1:5000/", "http://127.0.0.1:5000/bearer", allowUnencrypted: true));
    }
}

using System;
using System.Collections.Generic;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Security;

public sealed class ErrorBodyExcerptTests
{
    private static readonly Uri s_plain = new("http://api.example/items");

    private static string? Of(string? body, Uri? uri = null, params (string Name, string Value)[] sensitive)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in sensitive)
        {
            headers.Add(new(name, value));
        }

        return ErrorBodyExcerpt.Of(body, uri ?? s_plain, headers, UriRedactor.Default);
    }

    [Fact]
    public void AnApiErrorIsShownAsSent() =>
        Assert.Equal("{\"error\":\"name is required\"}", Of("{\"error\":\"name is required\"}"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \r\n")]
    public void AnEmptyBodyGivesNoDetails(string? body) => Assert.Null(Of(body));

    [Fact]
    public void ATokenTheRequestSentIsHiddenButTheSchemeIsNot()
    {
        var shown = Of("invalid token 's3cr3t-T0KEN' for Bearer auth", null, ("Authorization", "Bearer s3cr3t-T0KEN"));
        Assert.Equal("invalid token '***' for Bearer auth", shown);
    }

    [Fact]
    public void CookieValuesAreHidden()
    {
        var shown = Of("session sessionvalue42 expired", null, ("Cookie", "theme=dark; session=sessionvalue42"));
        Assert.Equal("session *** expired", shown);
    }

    [Fact]
    public void SensitiveQueryValuesAndUriCredentialsAreHidden()
    {
        var uri = new Uri("http://api.example/items?sig=SIGNATURE1&page=2");
        var shown = Of("bad signature SIGNATURE1 on http://user:pw@host/x?token=abcdef page 2", uri);
        Assert.Equal("bad signature *** on http://***@host/x?token=*** page 2", shown);
    }

    [Fact]
    public void ALongBodyIsCutAtTheLimitAndSaysHowMuchMore()
    {
        var shown = Of(new string('a', ErrorBodyExcerpt.MaximumChars + 10))!;
        Assert.StartsWith(new string('a', ErrorBodyExcerpt.MaximumChars) + "… (10 more characters", shown);
    }

    [Fact]
    public void TheCutNeverSplitsASurrogatePair()
    {
        var body = new string('a', ErrorBodyExcerpt.MaximumChars - 1) + "\U0001F600" + "tail";
        var shown = Of(body)!;
        Assert.StartsWith(new string('a', ErrorBodyExcerpt.MaximumChars - 1) + "… (", shown);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Export;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Export;

/// <summary>What an exported file shows of a result's URI, headers and text: never a secret.</summary>
public class ExportRedactionTests
{
    private static readonly ExportRecord s_record = new()
    {
        Uri = new Uri("https://user:pa55word@api.example/v1?sig=S1GNATURE&page=2"),
        RequestHeaders = new[] { Pair("Authorization", "Bearer T0KEN-VALUE"), Pair("X-Api-Key", "APIKEY-123"), Pair("Accept", "application/json") },
    };

    private static KeyValuePair<string, string> Pair(string name, string value) => new(name, value);

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("proxy-authorization", true)]
    [InlineData("Cookie", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("X-Auth-Token", true)]
    [InlineData("X-Amz-Security-Token", true)]
    [InlineData("Accept", false)]
    [InlineData("Content-Type", false)]
    [InlineData("Monkey", false)]
    public void KnowsWhichHeadersAreSecret(string name, bool sensitive) =>
        Assert.Equal(sensitive, new ExportRedaction(UriRedactor.Default, s_record).IsSensitiveHeader(name));

    [Fact]
    public void HidesTheUserInfoAndSensitiveQueryValuesInTheUrlAndTheQueryString()
    {
        var redaction = new ExportRedaction(UriRedactor.Default, s_record);

        Assert.Equal("https://***@api.example/v1?sig=***&page=2", redaction.Url(s_record));
        Assert.Equal(new[] { Pair("sig", "***"), Pair("page", "2") }, redaction.QueryString().ToArray());
    }

    [Fact]
    public void HidesTheRequestsSecretsWhereverTheyComeBack()
    {
        var redaction = new ExportRedaction(UriRedactor.Default, s_record);

        Assert.Equal("***", redaction.HeaderValue("Authorization", "Bearer T0KEN-VALUE"));
        Assert.Equal("you sent *** and *** and ***", redaction.Text("you sent T0KEN-VALUE and APIKEY-123 and S1GNATURE"));
        Assert.Equal("/next?sig=***", redaction.HeaderValue("Location", "/next?sig=other"));
        Assert.Equal("session=***; Path=/; HttpOnly", redaction.HeaderValue("Set-Cookie", "session=abc123; Path=/; HttpOnly"));
    }

    [Fact]
    public void UsesTheBatchsOwnSensitiveNames()
    {
        var record = new ExportRecord { Uri = new Uri("https://h/x?ticket=SECRET1"), Redactor = new UriRedactor(new[] { "ticket" }) };

        Assert.Equal("https://h/x?ticket=***", new ExportRedaction(UriRedactor.Default, record).Url(record));
    }
}

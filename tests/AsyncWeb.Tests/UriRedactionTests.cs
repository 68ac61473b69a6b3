using System;
using AsyncWeb.Engine;
using Xunit;

namespace AsyncWeb.Tests;

public class UriRedactionTests
{
    [Fact]
    public void Redact_hides_user_and_password() =>
        Assert.Equal("http://***@example.com/x", UriRedaction.Redact(new Uri("http://user:PASSW0RD@example.com/x")));

    [Fact]
    public void Redact_leaves_a_plain_uri_alone() =>
        Assert.Equal("https://example.com/a?b=c", UriRedaction.Redact(new Uri("https://example.com/a?b=c")));
}

using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Requests;

public sealed class HttpMethodsTests
{
    [Theory]
    [InlineData("GET", true, true, true)]
    [InlineData("head", true, true, true)]
    [InlineData("OPTIONS", true, true, false)]
    [InlineData("TRACE", true, true, false)]
    [InlineData("PUT", false, true, false)]
    [InlineData("DELETE", false, true, false)]
    [InlineData("POST", false, false, false)]
    [InlineData("PATCH", false, false, false)]
    [InlineData("MKCOL", false, false, false)]
    public void EachMethodIsInTheSetsRfc9110PutsItIn(string method, bool safe, bool idempotent, bool bodyAsQuery)
    {
        Assert.Equal(safe, HttpMethods.IsSafe(method));
        Assert.Equal(idempotent, HttpMethods.IsIdempotent(method));
        Assert.Equal(bodyAsQuery, HttpMethods.TakesBodyAsQuery(method));
    }
}

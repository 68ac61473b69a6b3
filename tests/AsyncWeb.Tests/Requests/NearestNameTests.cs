using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Requests;

public sealed class NearestNameTests
{
    private static readonly string[] s_known = { "Uri", "Url", "Href", "Method", "Headers", "Body", "ContentType", "OutFile", "Sha256", "InFile", "Form" };

    [Theory]
    [InlineData("Metod", "Method")]
    [InlineData("method", null)]
    [InlineData("METHDO", "Method")]
    [InlineData("Header", "Headers")]
    [InlineData("Heders", "Headers")]
    [InlineData("Content-Type", "ContentType")]
    [InlineData("Content_Typ", "ContentType")]
    [InlineData("OutFiel", "OutFile")]
    [InlineData("Ur", "Uri")]
    [InlineData("Bdy", "Body")]
    [InlineData("Sha265", "Sha256")]
    public void ASlipNamesTheKnownNameItMeant(string name, string? expected) =>
        Assert.Equal(expected, NearestName.Find(name, s_known));

    [Theory]
    [InlineData("Name")]
    [InlineData("Id")]
    [InlineData("Code")]
    [InlineData("Node")]
    [InlineData("Port")]
    [InlineData("Expected")]
    [InlineData("Verb")]
    [InlineData("Status")]
    public void AnotherWordIsNoSlip(string name) => Assert.Null(NearestName.Find(name, s_known));

    [Theory]
    [InlineData("abc", "abc", 0)]
    [InlineData("ABC", "abc", 0)]
    [InlineData("ab", "ba", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "Uri", 3)]
    [InlineData("Form", "From", 1)]
    public void DistanceCountsEditsWithSwapsAsOne(string a, string b, int expected)
    {
        Assert.Equal(expected, NearestName.Distance(a, b));
        Assert.Equal(expected, NearestName.Distance(b, a));
    }

    [Fact]
    public void ShortNamesAllowOneEditLongerOnesTwo()
    {
        Assert.Equal(1, NearestName.Tolerance("Body"));
        Assert.Equal(2, NearestName.Tolerance("Method"));
    }
}

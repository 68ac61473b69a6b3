using System.Collections.Specialized;
using AsyncWeb.Binding;
using Xunit;

namespace AsyncWeb.Tests.Binding;

public sealed class DictionaryFieldsTests
{
    [Fact]
    public void TheFirstEntryWhoseKeyMatchesInAnyCaseWins()
    {
        var item = new OrderedDictionary { ["uri"] = "http://first/", ["URI"] = "http://second/", ["METHOD"] = "POST" };
        var fields = new DictionaryFields(item);

        Assert.Equal((true, (object?)"http://first/"), fields.Lookup("Uri"));
        Assert.Equal((true, (object?)"POST"), fields.Lookup("Method"));
    }

    [Fact]
    public void ANullValueIsFoundAndAMissingKeyIsNot()
    {
        var fields = new DictionaryFields(new OrderedDictionary { ["Uri"] = "http://a/", ["Body"] = null });

        Assert.Equal((true, (object?)null), fields.Lookup("Body"));
        Assert.Equal((false, (object?)null), fields.Lookup("Headers"));
    }

    [Fact]
    public void ANameThatIsNoFieldIsLookedUpInTheDictionaryItself()
    {
        var fields = new DictionaryFields(new OrderedDictionary { ["Uri"] = "http://a/", ["tenant"] = "t1" });

        Assert.Equal((true, (object?)"t1"), fields.Lookup("Tenant"));
        Assert.Equal((false, (object?)null), fields.Lookup("Region"));
    }

    [Fact]
    public void AnItemIsReadAsBeforeThroughItsFields()
    {
        var fields = ItemFields.From(new OrderedDictionary { ["url"] = "http://a/", ["Method"] = "PUT", ["Body"] = string.Empty });

        Assert.Equal("http://a/", fields.Uri);
        Assert.Equal("PUT", fields.Method);
        Assert.False(fields.HasBody);
    }
}

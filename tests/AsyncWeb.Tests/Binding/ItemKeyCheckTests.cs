using System;
using System.Collections;
using System.Linq;
using AsyncWeb.Binding;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Binding;

public sealed class ItemKeyCheckTests
{
    private static ItemKeyCheck Check(params string?[] chosen) => new(Array.Empty<string>(), chosen);

    [Fact]
    public void AHashtableKeyNothingReadsIsRefusedNamingTheNearestKey()
    {
        var refused = Assert.Throws<InvalidInputException>(() => Check().CheckKeys(new Hashtable { ["Uri"] = "http://a/", ["Metod"] = "POST" }));
        Assert.Equal(ErrorIds.UnknownItemKey, refused.ErrorId);
        Assert.EndsWith("did you mean 'Method'?", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFieldTheBinderReadsIsAcceptedInAnyCase()
    {
        var item = new Hashtable(StringComparer.Ordinal);
        foreach (var name in ItemFields.Names)
        {
            item[name.ToLowerInvariant()] = "x";
        }

        Check().CheckKeys(item);
    }

    [Fact]
    public void KeysTheUserNamedAreAcceptedButNeverSuggested()
    {
        Check("Tenant", null).CheckKeys(new Hashtable { ["Uri"] = "http://a/", ["tenant"] = "t1" });
        var row = BatchRecordReaderTests.Row(("Uri", "http://a/"), ("Tenant", "t1"));
        Assert.Empty(Check("Tennant").Warnings(row));
    }

    [Fact]
    public void ASlipInAnObjectIsWarnedAboutOncePerBatch()
    {
        var check = Check();
        var first = check.Warnings(BatchRecordReaderTests.Row(("Uri", "http://a/"), ("Metod", "POST"), ("Name", "n1"))).ToArray();
        var second = check.Warnings(BatchRecordReaderTests.Row(("Uri", "http://a/"), ("Metod", "POST"), ("Name", "n2"))).ToArray();
        Assert.Equal(new[] { "property 'Metod' of the input objects is not used; did you mean 'Method'?" }, first);
        Assert.Empty(second);
    }

    [Fact]
    public void OnlyTheFirstObjectsOfABatchAreChecked()
    {
        var check = Check();
        for (var i = 0; i < ItemKeyCheck.ObjectsChecked; i++)
        {
            Assert.Empty(check.Warnings(BatchRecordReaderTests.Row(("Uri", "http://a/"))));
        }

        Assert.Empty(check.Warnings(BatchRecordReaderTests.Row(("Uri", "http://a/"), ("Metod", "POST"))));
    }

    [Fact]
    public void StringsAndTypedObjectsAreNotChecked()
    {
        Check().CheckKeys("http://a/");
        Assert.Empty(Check().Warnings(new Uri("http://a/")));
    }
}

using System;
using System.IO;
using System.Linq;
using Xunit;

namespace AsyncWeb.Tests.Architecture;

/// <summary>
/// The public surface (types users, format files, help and Deserialized.* names see) is listed in
/// src/AsyncWeb/PublicAPI.txt, as Polly lists its own: a change to the surface fails here until the list
/// says so, so no rename or move changes it by accident.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly string Listed = Path.Combine(SourceTree.Project, "PublicAPI.txt");

    [Fact]
    public void ThePublicSurfaceIsTheListedOne()
    {
        var actual = PublicApiLister.ListAsyncWeb();
        var expected = File.Exists(Listed) ? File.ReadAllLines(Listed).Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal)).ToArray() : Array.Empty<string>();

        var added = actual.Except(expected, StringComparer.Ordinal).ToArray();
        var removed = expected.Except(actual, StringComparer.Ordinal).ToArray();
        if (added.Length + removed.Length > 0)
        {
            var received = Path.Combine(AppContext.BaseDirectory, "PublicAPI.received.txt");
            File.WriteAllLines(received, actual);
            Assert.Fail($"The public API changed; if that is meant, copy {received} over src/AsyncWeb/PublicAPI.txt (and say so in CHANGELOG).\n" +
                string.Join("\n", added.Select(a => "+ " + a).Concat(removed.Select(r => "- " + r))));
        }
    }

    [Fact]
    public void TheTypesUsersSeeKeepTheirFullNames()
    {
        // Format data, help, scripts and Deserialized.* names in remoting all spell these out.
        var names = PublicApiLister.ListAsyncWeb();
        foreach (var name in new[] { "AsyncWeb.WebBatchResult", "AsyncWeb.WebBatchError", "AsyncWeb.AsyncWebSession", "AsyncWeb.Commands.WebBatchSummary", "AsyncWeb.Commands.AsyncWebJob", "AsyncWeb.Commands.InvokeAsyncWebBatchCommand" })
        {
            Assert.Contains(names, l => l.StartsWith("T:", StringComparison.Ordinal) && l.Split(' ').Contains(name));
        }
    }
}

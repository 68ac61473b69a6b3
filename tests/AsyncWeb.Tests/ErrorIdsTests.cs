using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace AsyncWeb.Tests;

/// <summary>Scripts match on ErrorIds, so every one is a constant of <see cref="ErrorIds"/> and a row of README's table.</summary>
public class ErrorIdsTests
{
    private static readonly string s_root = FindRoot();

    [Fact]
    public void Every_ErrorId_is_in_the_README_table()
    {
        var readme = File.ReadAllText(Path.Combine(s_root, "README.md"));
        var start = readme.IndexOf("\n## ErrorIds", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no ErrorIds section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var tableRows = readme.Substring(start, (end < 0 ? readme.Length : end) - start)
            .Split('\n').Where(line => line.StartsWith("|", StringComparison.Ordinal)).ToArray();

        var missing = Constants().Where(id => !tableRows.Any(row => row.Contains("`" + id + "`", StringComparison.Ordinal))).ToArray();
        Assert.True(missing.Length == 0, "not in README's ErrorIds table: " + string.Join(", ", missing));
    }

    [Fact]
    public void No_ErrorId_is_written_as_a_string_literal_outside_ErrorIds()
    {
        // The places an ErrorId is given: an ErrorRecord's second argument, and the exceptions and helpers that carry one.
        var patterns = new[]
        {
            new Regex(@"new ErrorRecord\((?:[^;""]|""[^""]*"")*?,\s*""[A-Za-z]+""\s*,\s*ErrorCategory", RegexOptions.Singleline),
            new Regex(@"(?:InvalidInputException|JournalException|WebBatchError|Refuse)\(\s*""[A-Za-z]+""\s*,"),
        };
        var source = Path.Combine(s_root, "src", "AsyncWeb");
        var found = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .SelectMany(file => patterns.SelectMany(p => p.Matches(File.ReadAllText(file)).Cast<Match>()
                .Select(m => Path.GetFileName(file) + ": " + m.Value.Split('\n').Last().Trim())))
            .ToArray();
        Assert.True(found.Length == 0, "ErrorIds as string literals (use ErrorIds): " + string.Join("; ", found));
    }

    private static string[] Constants() =>
        typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && Directory.Exists(Path.Combine(dir.FullName, "src", "AsyncWeb")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (README.md beside src/AsyncWeb) is not above " + AppContext.BaseDirectory);
    }
}

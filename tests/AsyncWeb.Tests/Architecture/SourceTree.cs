using System;
using System.IO;

namespace AsyncWeb.Tests.Architecture;

/// <summary>Where the repository's files are, found from the test assembly upwards.</summary>
internal static class SourceTree
{
    /// <summary>The repository root: the first folder above the test assembly that holds src/AsyncWeb.</summary>
    public static string Root { get; } = FindRoot();

    public static string Project => Path.Combine(Root, "src", "AsyncWeb");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "src", "AsyncWeb", "AsyncWeb.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("src/AsyncWeb not found above " + AppContext.BaseDirectory);
    }
}

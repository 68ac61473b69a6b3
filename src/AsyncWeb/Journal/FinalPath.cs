using System;
using System.IO;

namespace AsyncWeb.Journal;

/// <summary>
/// The path a file really lives at, with every symbolic link on the way followed (as realpath(3), but for a file
/// that may not exist yet): the one name of a journal, so that two batches using it through a link and through its
/// target exclude each other. Where links cannot be read (.NET Framework has no API for it), the path is returned
/// as given; there Windows itself refuses a second writer of the file, whatever name it is opened by.
/// </summary>
internal static class FinalPath
{
    // Linux gives up after 40 links (ELOOP): a loop of links is the path as far as it was resolved.
    private const int MaximumLinks = 40;

#if NET
    private static readonly Func<FileSystemInfo, string?>? s_linkTarget = info => info.LinkTarget;
#else
    // The netstandard2.0 build running on .NET 6 or later (not a supported host, but its tests do) has the property.
    private static readonly Func<FileSystemInfo, string?>? s_linkTarget = typeof(FileSystemInfo).GetProperty("LinkTarget") is { } property
        ? info => property.GetValue(info) as string
        : null;
#endif

    /// <summary>The final path of <paramref name="fullPath"/> (an absolute path); unchanged where links cannot be read.</summary>
    public static string Of(string fullPath)
    {
        if (s_linkTarget is null)
        {
            return fullPath;
        }

        var links = 0;
        return Resolve(fullPath, ref links);
    }

    private static string Resolve(string path, ref int links)
    {
        var parentPath = Path.GetDirectoryName(path);
        if (parentPath is null)
        {
            return path;
        }

        var parent = Resolve(parentPath, ref links);
        var candidate = Path.Combine(parent, Path.GetFileName(path));
        string? target;
        try
        {
            target = s_linkTarget!(new FileInfo(candidate));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Reflection.TargetInvocationException)
        {
            return candidate;
        }

        if (target is null || ++links > MaximumLinks)
        {
            return candidate;
        }

        // A relative target is relative to the link's directory, which is already final: ".." is lexical from there.
        return Resolve(Path.GetFullPath(Path.Combine(parent, target)), ref links);
    }
}

using System;
using System.Collections.Concurrent;

namespace AsyncWeb.Downloads;

/// <summary>Which item of a batch owns each target path, so two items never race for one file.</summary>
internal sealed class FileClaims
{
    private readonly ConcurrentDictionary<string, long> _owners = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>True when <paramref name="index"/> now owns <paramref name="path"/>; otherwise <paramref name="owner"/> names the item that does.</summary>
    public bool TryClaim(string path, long index, out long owner)
    {
        owner = _owners.GetOrAdd(path, index);
        return owner == index;
    }
}

using System;
using System.Globalization;
using System.Text;

namespace AsyncWeb.Journal;

/// <summary>One finished item as the journal remembers it.</summary>
internal sealed class JournalEntry
{
    public long Index { get; init; }
    public string Key { get; init; } = string.Empty;
    public string Method { get; init; } = "GET";

    /// <summary>The URI with its secrets as *** (for people reading the journal; the key does not depend on it).</summary>
    public string? Uri { get; init; }
    public int Status { get; init; }
    public bool Success { get; init; }
    public string? ErrorId { get; init; }
    public string? OutFile { get; init; }
    public string? Sha256 { get; init; }
    public DateTime FinishedUtc { get; init; }
}

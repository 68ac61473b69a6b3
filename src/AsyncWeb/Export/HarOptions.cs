using AsyncWeb.Security;

namespace AsyncWeb.Export;

/// <summary>How <see cref="HarWriter"/> writes: which bodies, how large, with which redaction rules. Immutable.</summary>
internal sealed class HarOptions
{
    /// <summary>The default largest body written with -IncludeContent, in UTF-8 bytes.</summary>
    public const long DefaultMaximumContentBytes = 64 * 1024;

    /// <summary>Write text bodies (content.text); without it content has its size and type only.</summary>
    public bool IncludeContent { get; init; }

    /// <summary>A text body larger than this (UTF-8 bytes) is left out, with a comment saying so.</summary>
    public long MaximumContentBytes { get; init; } = DefaultMaximumContentBytes;

    /// <summary>The batch's redaction rules (its sensitive query parameter names too).</summary>
    public UriRedactor Redactor { get; init; } = UriRedactor.Default;

    /// <summary>The creator's version, e.g. 0.3.0.</summary>
    public string CreatorVersion { get; init; } = "0";
}

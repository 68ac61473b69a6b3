using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace AsyncWeb.Downloads;

/// <summary>
/// Turns a server-supplied or URL-derived name into a safe file name: one path segment, no
/// separators, no "..", no control characters, no reserved device names, bounded length.
/// </summary>
internal static class FileNameSanitizer
{
    // In UTF-8 bytes, as file systems count (NAME_MAX 255): leaves room for the temporary and partial suffixes.
    private const int MaxBytes = 200;
    private static readonly string[] s_reserved =
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00b9", "COM\u00b2", "COM\u00b3",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3",
    };

    /// <summary>Returns a safe name, or null when nothing usable is left.</summary>
    public static string? Sanitize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        // Only the last segment counts, whatever separator the sender used.
        var segment = name!;
        var cut = segment.LastIndexOfAny(new[] { '/', '\\' });
        if (cut >= 0)
        {
            segment = segment.Substring(cut + 1);
        }

        var builder = new StringBuilder(segment.Length);
        foreach (var rune in segment.EnumerateRunes())
        {
            // Control and format characters (bidi overrides that disguise an extension), line separators and
            // unpaired surrogates (enumerated as U+FFFD) never reach the file system.
            if (IsUnsafe(rune) || rune.Value is ':' or '*' or '?' or '"' or '<' or '>' or '|')
            {
                builder.Append('_');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        var clean = builder.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (clean.Length == 0)
        {
            return null;
        }

        var stem = clean.Split('.')[0].TrimEnd(' ');
        foreach (var reserved in s_reserved)
        {
            if (string.Equals(stem, reserved, StringComparison.OrdinalIgnoreCase))
            {
                clean = "_" + clean;
                break;
            }
        }

        if (Encoding.UTF8.GetByteCount(clean) > MaxBytes)
        {
            var extension = Path.GetExtension(clean);
            if (Encoding.UTF8.GetByteCount(extension) > 20)
            {
                extension = string.Empty;
            }

            var body = clean.Substring(0, clean.Length - extension.Length);
            clean = TruncateUtf8(body, MaxBytes - Encoding.UTF8.GetByteCount(extension)).TrimEnd('.', ' ') + extension;
        }

        return clean;
    }

    private static bool IsUnsafe(Rune rune) =>
        rune == Rune.ReplacementChar || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    /// <summary>The longest prefix of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    public static string TruncateUtf8(string text, int maxBytes)
    {
        var bytes = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
            {
                break;
            }

            end += rune.Utf16SequenceLength;
        }

        return text.Substring(0, end);
    }

    /// <summary>A stable name for a URL that offers none: host plus a short hash of the URL.</summary>
    public static string Derive(Uri uri)
    {
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(uri.AbsoluteUri)), 0, 6).ToLowerInvariant();
        return (Sanitize(uri.IdnHost) ?? "download") + "-" + hex;
    }

    /// <summary>Combines a sanitised name with a directory and proves the result stays inside it.</summary>
    public static string CombineInside(string directory, string safeName)
    {
        var root = Path.GetFullPath(directory);
        var full = Path.GetFullPath(Path.Combine(root, safeName));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the file name '{safeName}' would leave the directory '{root}'");
        }

        return full;
    }
}

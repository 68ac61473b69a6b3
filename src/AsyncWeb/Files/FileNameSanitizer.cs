using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace AsyncWeb.Files;

/// <summary>
/// Turns a server-supplied or URL-derived name into a safe file name: one path segment, no
/// separators, no "..", no control characters, no reserved device names, bounded length.
/// </summary>
internal static class FileNameSanitizer
{
    private const int MaxLength = 200;
    private static readonly string[] s_reserved =
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
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
        foreach (var c in segment)
        {
            if (char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|' || c == '\u2028' || c == '\u2029')
            {
                builder.Append('_');
            }
            else
            {
                builder.Append(c);
            }
        }

        var clean = builder.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (clean.Length == 0)
        {
            return null;
        }

        var stem = clean.Split('.')[0];
        foreach (var reserved in s_reserved)
        {
            if (string.Equals(stem, reserved, StringComparison.OrdinalIgnoreCase))
            {
                clean = "_" + clean;
                break;
            }
        }

        if (clean.Length > MaxLength)
        {
            var extension = Path.GetExtension(clean);
            if (extension.Length > 20)
            {
                extension = string.Empty;
            }

            clean = clean.Substring(0, MaxLength - extension.Length) + extension;
        }

        return clean;
    }

    /// <summary>A stable name for a URL that offers none: host plus a short hash of the URL.</summary>
    public static string Derive(Uri uri)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(uri.AbsoluteUri));
        var hex = BitConverter.ToString(hash, 0, 6).Replace("-", string.Empty).ToLowerInvariant();
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

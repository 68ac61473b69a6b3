using System;
using System.Text;

namespace AsyncWeb.Bodies;

/// <summary>Decides which bodies are text and decodes them by charset (UTF-8 when none is given).</summary>
internal static class TextDecoding
{
    /// <summary>Text: text/*, JSON, XML, JavaScript, form data, and bodies without a media type.</summary>
    public static bool IsText(string? mediaType)
    {
        if (string.IsNullOrEmpty(mediaType))
        {
            return true;
        }

        return mediaType!.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("/javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("/ecmascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/yaml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The encoding a charset parameter names; UTF-8 when none is given or it is unknown.</summary>
    public static Encoding EncodingOf(string? charset)
    {
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                return Encoding.GetEncoding(charset!.Trim('"', ' '));
            }
            catch (ArgumentException)
            {
                // Unknown charset: UTF-8 is the best guess on today's web.
            }
        }

        return Encoding.UTF8;
    }

    public static string Decode(byte[] bytes, int length, string? charset)
    {
        var encoding = EncodingOf(charset);
        var span = bytes.AsSpan(0, length);
        var preamble = encoding.Preamble;
        if (preamble.Length > 0 && span.StartsWith(preamble))
        {
            span = span.Slice(preamble.Length);
        }

        return encoding.GetString(span);
    }
}

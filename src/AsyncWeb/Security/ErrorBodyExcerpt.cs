using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace AsyncWeb.Security;

/// <summary>
/// What an HTTP error's record shows of the server's body (ErrorDetails, as Invoke-RestMethod): the decoded text,
/// with every secret the request carried hidden (its Authorization, Proxy-Authorization and Cookie values and their
/// parts, the values of its sensitive query parameters, credentials and signatures in URIs), cut to
/// <see cref="MaximumChars"/> characters. The result keeps the whole body.
/// </summary>
internal static class ErrorBodyExcerpt
{
    /// <summary>At most this many characters of the body are shown (4 KiB of ASCII text).</summary>
    public const int MaximumChars = 4096;

    // Shorter pieces (a cookie named "id", a scheme) are no secret, and hiding them would garble the text.
    private const int ShortestSecret = 4;

    /// <summary>The excerpt, or null when the body is empty or was not read as text.</summary>
    public static string? Of(string? content, Uri uri, IEnumerable<KeyValuePair<string, string>> sensitiveHeaders, UriRedactor redactor)
    {
        if (content is null || content.Trim().Length == 0)
        {
            return null;
        }

        var text = Hide(content, uri, sensitiveHeaders, redactor);
        if (text.Length <= MaximumChars)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[MaximumChars - 1]) ? MaximumChars - 1 : MaximumChars;
        return text.Substring(0, cut) + string.Create(CultureInfo.InvariantCulture,
            $"… ({text.Length - cut:N0} more characters: the whole body is in the result's Content)");
    }

    /// <summary>
    /// Text with every secret the request carried hidden (the values of its sensitive headers and their parts, of its
    /// sensitive query parameters) and credentials and signatures in URIs in it; the same text when there was nothing to hide.
    /// </summary>
    public static string Hide(string text, Uri? uri, IEnumerable<KeyValuePair<string, string>> sensitiveHeaders, UriRedactor redactor) =>
        Hide(text, SecretsOf(uri, sensitiveHeaders, redactor), redactor);

    /// <summary>The secret values a request carried, longest first, to hide in many texts with <see cref="Hide(string, IReadOnlyList{string}, UriRedactor)"/>.</summary>
    public static IReadOnlyList<string> SecretsOf(Uri? uri, IEnumerable<KeyValuePair<string, string>> sensitiveHeaders, UriRedactor redactor) =>
        Secrets(uri, sensitiveHeaders, redactor).Where(s => s.Length >= ShortestSecret).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToList();

    /// <summary>Text with the given secrets (from <see cref="SecretsOf"/>) and credentials and signatures in URIs hidden.</summary>
    public static string Hide(string text, IReadOnlyList<string> secrets, UriRedactor redactor)
    {
        foreach (var secret in secrets)
        {
            if (text.IndexOf(secret, StringComparison.Ordinal) >= 0)
            {
                text = text.Replace(secret, UriRedaction.Mask);
            }
        }

        return redactor.RedactText(text);
    }

    private static IEnumerable<string> Secrets(Uri? uri, IEnumerable<KeyValuePair<string, string>> sensitiveHeaders, UriRedactor redactor)
    {
        foreach (var header in sensitiveHeaders)
        {
            var value = header.Value.Trim();
            yield return value;
            if (header.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                // "a=1; session=<value>": each cookie's value.
                foreach (var cookie in value.Split(';'))
                {
                    var equals = cookie.IndexOf('=');
                    yield return equals < 0 ? cookie.Trim() : cookie.Substring(equals + 1).Trim();
                }
            }
            else if (value.IndexOf(' ') is var space and > 0)
            {
                // "Bearer <token>", "Basic <base64>": the credentials after the scheme.
                yield return value.Substring(space + 1).Trim();
            }
        }

        if (uri is null || !uri.IsAbsoluteUri)
        {
            yield break;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || !redactor.IsSensitive(pair.Substring(0, equals)))
            {
                continue;
            }

            var raw = pair.Substring(equals + 1);
            yield return raw;
            yield return Unescape(raw);
        }
    }

    private static string Unescape(string raw)
    {
        try
        {
            return Uri.UnescapeDataString(raw.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return raw;
        }
    }
}

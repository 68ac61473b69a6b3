using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using AsyncWeb.Security;

namespace AsyncWeb.Requests;

/// <summary>
/// The HTTP rules an input item must meet before it is sent: an absolute http(s) URI with a valid
/// host, a method token, header names and values that cannot inject headers, a SHA-256 in hex.
/// Each rule throws <see cref="InvalidInputException"/> naming what is wrong.
/// </summary>
internal static class RequestRules
{
    private static readonly HashSet<string> s_sensitive = new(StringComparer.OrdinalIgnoreCase) { "Authorization", "Proxy-Authorization", "Cookie" };

    /// <summary>Headers sent only to the origin they were meant for, and never shown in messages.</summary>
    public static bool IsSensitiveHeader(string name) => s_sensitive.Contains(name);

    /// <summary>The item's absolute http(s) URI and its host key (computed here once: IDN mapping is not free, and it validates the host).</summary>
    public static (Uri Uri, string HostKey) ParseUri(string text, Uri? baseUri)
    {
        if (text.Length == 0)
        {
            throw new InvalidInputException(ErrorIds.EmptyUri, "the URI is empty");
        }

        var looksRelative = text.StartsWith("/", StringComparison.Ordinal) && !text.StartsWith("//", StringComparison.Ordinal);
        if (!looksRelative && WithoutScheme(text, portRequired: baseUri is not null) is { } meant)
        {
            var shown = UriRedaction.Redact(meant);
            throw new InvalidInputException(ErrorIds.MissingScheme,
                $"'{shown.Substring("http://".Length)}' has no scheme (plain http is never assumed): did you mean {shown} or https://{shown.Substring("http://".Length)}");
        }

        Uri? uri = null;
        if (!looksRelative && SafeTryCreate(text, UriKind.Absolute, out var absolute) && text.Contains(':'))
        {
            uri = absolute;
        }
        else if (baseUri is not null)
        {
            if (!SafeTryCreate(baseUri, text, out uri))
            {
                throw new InvalidInputException(ErrorIds.InvalidUri, $"'{Given(text)}' is not a valid URI relative to the session's base URI {UriRedaction.Redact(baseUri)}");
            }
        }
        else if (SafeTryCreate(text, UriKind.Relative, out _))
        {
            throw new InvalidInputException(ErrorIds.RelativeUriWithoutBase,
                $"'{Given(text)}' is a relative URI and no base URI is set; give an absolute http:// or https:// URI, or -BaseUri (or -Session with a -BaseUri)");
        }
        else
        {
            throw new InvalidInputException(ErrorIds.InvalidUri, $"'{Given(text)}' is not a valid URI");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidInputException(ErrorIds.UnsupportedScheme, $"the scheme '{uri.Scheme}' of '{Given(text)}' is not supported; use http or https");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidInputException(ErrorIds.InvalidUri, $"'{Given(text)}' has no host");
        }

        try
        {
            return (uri, HostKey.Of(uri));
        }
        catch (UriFormatException ex)
        {
            throw new InvalidInputException(ErrorIds.InvalidUri, $"the host of '{Given(text)}' is not a valid domain name: {ex.Message}");
        }
    }

    /// <summary>The item's URI text as an error may quote it: secrets hidden even where it is not a valid URI.</summary>
    private static string Given(string text) => UriRedactor.Default.RedactGiven(text);

    /// <summary>
    /// Text that names a host but no scheme ("example.com/x", "localhost:8080/x", "10.0.0.1:80", "[::1]:8080"), as the
    /// http:// URI Invoke-WebRequest would make of it; null for anything else. With a base URI only host:port counts
    /// ("example.com/x" is then a relative path). Text with user-info is left to the other rules, so no password is quoted.
    /// </summary>
    private static Uri? WithoutScheme(string text, bool portRequired)
    {
        if (text.IndexOf("://", StringComparison.Ordinal) >= 0 || text.StartsWith("/", StringComparison.Ordinal))
        {
            return null;
        }

        var end = text.IndexOfAny(new[] { '/', '?', '#' });
        var authority = end < 0 ? text : text.Substring(0, end);
        if (authority.Length == 0 || authority.IndexOf('@') >= 0)
        {
            return null;
        }

        var bracketed = authority[0] == '[';
        var colon = bracketed ? authority.IndexOf("]:", StringComparison.Ordinal) + 1 : authority.LastIndexOf(':');
        var host = colon > 0 ? authority.Substring(0, colon) : authority;
        var port = colon > 0 ? authority.Substring(colon + 1) : null;
        if (port is not null && (port.Length == 0 || !IsDigits(port)))
        {
            return null;
        }

        var namesHost = port is not null || bracketed || host.IndexOf('.') > 0 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        if (!namesHost || (portRequired && port is null))
        {
            return null;
        }

        return SafeTryCreate("http://" + text, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri : null;
    }

    private static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// -BaseUri (of a batch or a session): absolute http(s) with a host. The message never quotes the value: a base
    /// URI may carry user:password, and a string that is not http(s) need not have "//" before it for redaction to find.
    /// </summary>
    public static void CheckBaseUri(Uri? baseUri)
    {
        if (baseUri is null)
        {
            return;
        }

        if (!baseUri.IsAbsoluteUri)
        {
            throw new InvalidInputException(ErrorIds.InvalidBaseUri, "-BaseUri is a relative URI; it must be an absolute http:// or https:// URI");
        }

        if (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidInputException(ErrorIds.InvalidBaseUri, $"-BaseUri has the scheme '{baseUri.Scheme}'; it must be an absolute http:// or https:// URI");
        }

        if (string.IsNullOrEmpty(baseUri.Host))
        {
            throw new InvalidInputException(ErrorIds.InvalidBaseUri, "-BaseUri has no host; it must be an absolute http:// or https:// URI");
        }
    }

    /// <summary>The method as sent: trimmed, upper case, and a token (custom verbs allowed).</summary>
    public static string NormaliseMethod(string method)
    {
        var trimmed = method.Trim();
        if (trimmed.Length == 0 || !IsToken(trimmed))
        {
            throw new InvalidInputException(ErrorIds.InvalidMethod, $"'{method}' is not a valid HTTP method (letters, digits and !#$%&'*+-.^_`|~ only)");
        }

        return trimmed.ToUpperInvariant();
    }

    /// <summary>Refuses a header name that is not a token, or a value with CR, LF or NUL (header injection); <paramref name="source"/> names where it came from.</summary>
    public static void ValidateHeader(string name, string value, string source)
    {
        if (name.Length == 0 || !IsToken(name))
        {
            throw new InvalidInputException(ErrorIds.InvalidHeader, $"the header name '{Printable(name)}' in {source} is not valid (no spaces, colons or control characters)");
        }

        foreach (var c in value)
        {
            if (c == '\r' || c == '\n' || c == '\0')
            {
                var shown = IsSensitiveHeader(name) ? "(hidden)" : "'" + Printable(value) + "'";
                throw new InvalidInputException(ErrorIds.InvalidHeader, $"the value {shown} of header '{name}' in {source} contains CR, LF or NUL, which could inject headers");
            }
        }
    }

    /// <summary>An expected SHA-256: 64 hexadecimal characters, returned in upper case.</summary>
    public static string NormaliseSha256(string sha)
    {
        if (sha.Length != 64 || !IsHex(sha))
        {
            throw new InvalidInputException(ErrorIds.InvalidBody, $"the Sha256 '{sha}' is not 64 hexadecimal characters");
        }

        return sha.ToUpperInvariant();
    }

    /// <summary>RFC 9110 token: visible ASCII except separators.</summary>
    public static bool IsToken(string text)
    {
        foreach (var c in text)
        {
            if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".IndexOf(c) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    // System.Uri.TryCreate can throw for hostile strings (e.g. "//\u202e/xy.0,\0" raises
    // IndexOutOfRangeException in .NET 10): such a string is simply not a usable URI.
    private static bool SafeTryCreate(string text, UriKind kind, [NotNullWhen(true)] out Uri? uri) =>
        Safely(() => Uri.TryCreate(text, kind, out var created) ? created : null, out uri);

    private static bool SafeTryCreate(Uri baseUri, string relative, [NotNullWhen(true)] out Uri? uri) =>
        Safely(() => Uri.TryCreate(baseUri, relative, out var created) ? created : null, out uri);

    private static bool Safely(Func<Uri?> create, [NotNullWhen(true)] out Uri? uri)
    {
        try
        {
            uri = create();
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or FormatException or InvalidOperationException)
        {
            uri = null;
        }

        return uri is not null;
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!Uri.IsHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '\0' => "\\0",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}

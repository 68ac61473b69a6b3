using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Requests;
using AsyncWeb.Security;

namespace AsyncWeb.Export;

/// <summary>
/// What an exported file shows of one result: its URI with user-info and sensitive query values hidden (as messages
/// show it), sensitive header values as ***, cookie values as ***, and in every other text (header values, bodies,
/// error messages) the values of the request's sensitive headers and query parameters hidden, as an error record's
/// ErrorDetails hides them. A header is sensitive when requests treat it so (Authorization, Proxy-Authorization,
/// Cookie) or its name ends with a sensitive query parameter's name (X-Api-Key, X-Auth-Token, X-Amz-Security-Token).
/// </summary>
internal sealed class ExportRedaction
{
    private readonly UriRedactor _redactor;
    private readonly Uri? _uri;
    // The names of sensitive query parameters as header-name endings: "api_key", "token" ...
    private static readonly string[] s_headerEndings = UriRedaction.DefaultSensitiveNames.Select(n => n.Replace('-', '_')).Where(n => n.Length >= 3).ToArray();

    private readonly List<KeyValuePair<string, string>> _secrets = new();
    private IReadOnlyList<string>? _secretValues;

    /// <summary>The record's redaction: its batch's rules (<see cref="ExportRecord.Redactor"/>), else <paramref name="redactor"/>.</summary>
    public ExportRedaction(UriRedactor redactor, ExportRecord record)
    {
        redactor = record.Redactor ?? redactor;
        _redactor = redactor;
        _uri = record.EffectiveUri;
        foreach (var header in record.RequestHeaders)
        {
            if (IsSensitiveHeader(header.Key))
            {
                _secrets.Add(header);
            }
        }

        if (record.Uri is { } requested && record.FinalUri is not null && !ReferenceEquals(requested, record.FinalUri))
        {
            // The requested URI's signature can show up in the final response (a redirect's Location, an echo).
            foreach (var pair in QueryPairs(requested))
            {
                if (redactor.IsSensitive(pair.Key) && pair.Value.Length > 0)
                {
                    _secrets.Add(new KeyValuePair<string, string>(pair.Key, pair.Value));
                }
            }
        }
    }

    /// <summary>The URI as the file shows it.</summary>
    public string Url(ExportRecord record) =>
        _uri is not null ? _redactor.Redact(_uri) : _redactor.RedactGiven(record.GivenUri);

    /// <summary>Free text (a header value, a body, a message) with the request's secrets hidden.</summary>
    public string Text(string? text) => string.IsNullOrEmpty(text)
        ? string.Empty
        : ErrorBodyExcerpt.Hide(text!, _secretValues ??= ErrorBodyExcerpt.SecretsOf(_uri, _secrets, _redactor), _redactor);

    /// <summary>A header's value as the file shows it.</summary>
    public string HeaderValue(string name, string value)
    {
        if (IsSensitiveHeader(name))
        {
            return UriRedaction.Mask;
        }

        return name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? SetCookie(value) : Text(value);
    }

    /// <summary>True for a header whose value is never shown.</summary>
    public bool IsSensitiveHeader(string name)
    {
        if (RequestRules.IsSensitiveHeader(name))
        {
            return true;
        }

        var normalized = name.IndexOf('-') < 0 ? name : name.Replace('-', '_');
        foreach (var plain in s_headerEndings)
        {
            if (normalized.EndsWith(plain, StringComparison.OrdinalIgnoreCase)
                && (normalized.Length == plain.Length || normalized[normalized.Length - plain.Length - 1] == '_'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The names of the cookies in a Cookie header ("a=1; b=2") or a Set-Cookie one ("a=1; Path=/").</summary>
    public static IEnumerable<string> CookieNames(string name, string value)
    {
        var cookies = name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? new[] { value.Split(';')[0] } : value.Split(';');
        foreach (var cookie in cookies)
        {
            var equals = cookie.IndexOf('=');
            var cookieName = (equals < 0 ? cookie : cookie.Substring(0, equals)).Trim();
            if (cookieName.Length > 0)
            {
                yield return cookieName;
            }
        }
    }

    /// <summary>The name=value pairs of a URI's query, decoded.</summary>
    public static IEnumerable<KeyValuePair<string, string>> QueryPairs(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.Query.Length <= 1)
        {
            yield break;
        }

        foreach (var pair in uri.Query.Substring(1).Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            yield return equals < 0
                ? new KeyValuePair<string, string>(Decode(pair), string.Empty)
                : new KeyValuePair<string, string>(Decode(pair.Substring(0, equals)), Decode(pair.Substring(equals + 1)));
        }
    }

    /// <summary>The query of the URI as the file shows it: a sensitive parameter's value as ***.</summary>
    public IEnumerable<KeyValuePair<string, string>> QueryString()
    {
        if (_uri is null)
        {
            yield break;
        }

        foreach (var pair in QueryPairs(_uri))
        {
            yield return new KeyValuePair<string, string>(Text(pair.Key),
                _redactor.IsSensitive(pair.Key) && pair.Value.Length > 0 ? UriRedaction.Mask : Text(pair.Value));
        }
    }

    // "session=abc; Path=/; HttpOnly" shows as "session=***; Path=/; HttpOnly".
    private string SetCookie(string value)
    {
        var semicolon = value.IndexOf(';');
        var first = semicolon < 0 ? value : value.Substring(0, semicolon);
        var equals = first.IndexOf('=');
        var shown = (equals < 0 ? first : first.Substring(0, equals + 1)) + UriRedaction.Mask;
        return semicolon < 0 ? shown : shown + Text(value.Substring(semicolon));
    }

    private static string Decode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return text;
        }
    }
}

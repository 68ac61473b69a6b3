using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AsyncWeb.Engine;

namespace AsyncWeb.Commands;

/// <summary>Defaults for every item of a batch; a pipeline object's own properties override them.</summary>
internal sealed class RequestDefaults
{
    public string Method { get; init; } = "GET";
    public IDictionary? Headers { get; init; }
    public object? Body { get; init; }
    public string? ContentType { get; init; }
    public string? UserAgent { get; init; }
    public string? OutFile { get; init; }
    public string? OutDirectory { get; init; }
    public string? Sha256 { get; init; }
    public AsyncWebSession? Session { get; init; }
}

/// <summary>Raised for an unusable input item; becomes that item's error, the batch goes on.</summary>
internal sealed class InvalidItemException : Exception
{
    public InvalidItemException(string errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    public string ErrorId { get; }
}

/// <summary>
/// Turns one pipeline object (a string, Uri, CSV row, pscustomobject or hashtable) into a
/// validated <see cref="RequestSpec"/>. Runs on the pipeline thread: it may call ConvertTo-Json.
/// </summary>
internal sealed class RequestSpecBuilder
{
    private static readonly string[] s_uriNames = { "Uri", "Url", "Href" };
    private static readonly HashSet<string> s_sensitive = new(StringComparer.OrdinalIgnoreCase) { "Authorization", "Proxy-Authorization", "Cookie" };

    private readonly RequestDefaults _defaults;
    private readonly Func<object, string> _toJson;
    private readonly Func<string, string> _resolvePath;
    private readonly List<KeyValuePair<string, string>> _baseHeaders = new();
    private readonly List<KeyValuePair<string, string>> _baseSensitive = new();
    private readonly string? _sessionAuthorization;

    public RequestSpecBuilder(RequestDefaults defaults, Func<object, string> toJson, Func<string, string> resolvePath)
    {
        _defaults = defaults;
        _toJson = toJson;
        _resolvePath = resolvePath;
        _baseHeaders.Add(new("User-Agent", defaults.UserAgent ?? DefaultUserAgent));
        if (defaults.Session is { } session)
        {
            foreach (var header in session.Headers)
            {
                AddHeader(header.Key, header.Value, _baseHeaders, _baseSensitive, "the session's headers");
            }

            _sessionAuthorization = session.AuthorizationValue();
        }

        if (defaults.Headers is not null)
        {
            foreach (DictionaryEntry entry in defaults.Headers)
            {
                AddHeader(ToText(entry.Key), ToText(entry.Value), _baseHeaders, _baseSensitive, "-Headers");
            }
        }
    }

    public static string DefaultUserAgent { get; } =
        $"AsyncWeb/{typeof(RequestSpecBuilder).Assembly.GetName().Version?.ToString(3)} (PowerShell {Environment.OSVersion.Platform})";

    /// <summary>Builds the request for one item; throws <see cref="InvalidItemException"/> naming what is wrong.</summary>
    public RequestSpec Build(long index, object? item)
    {
        var fields = Fields.From(item);
        var (uri, hostKey) = ParseUri(fields.Uri);
        var method = NormaliseMethod(fields.Method ?? _defaults.Method);

        List<KeyValuePair<string, string>> headers = _baseHeaders;
        List<KeyValuePair<string, string>> sensitive = _baseSensitive;
        if (fields.Headers is not null)
        {
            headers = new List<KeyValuePair<string, string>>(_baseHeaders);
            sensitive = new List<KeyValuePair<string, string>>(_baseSensitive);
            foreach (DictionaryEntry entry in fields.Headers)
            {
                AddHeader(ToText(entry.Key), ToText(entry.Value), headers, sensitive, "the item's Headers");
            }
        }

        if (_sessionAuthorization is not null && SessionOriginAllows(uri) && !sensitive.Exists(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            sensitive = new List<KeyValuePair<string, string>>(sensitive) { new("Authorization", _sessionAuthorization) };
        }

        var contentType = fields.ContentType ?? _defaults.ContentType;
        var bodyValue = fields.HasBody ? fields.Body : _defaults.Body;
        var body = EncodeBody(bodyValue, ref contentType);
        if (contentType is not null && !MediaTypeHeaderValue.TryParse(contentType, out _))
        {
            throw new InvalidItemException(ErrorIds.InvalidHeader, $"the content type '{contentType}' is not a valid media type");
        }

        string? outFile = null;
        var outFileText = fields.OutFile ?? _defaults.OutFile;
        if (!string.IsNullOrWhiteSpace(outFileText))
        {
            try
            {
                outFile = _resolvePath(outFileText!);
            }
            catch (Exception ex) when (ex is not InvalidItemException)
            {
                throw new InvalidItemException(ErrorIds.InvalidOutFile, $"the OutFile '{outFileText}' is not a usable path: {ex.Message}");
            }
        }

        var sha = fields.Sha256 ?? _defaults.Sha256;
        if (sha is not null && (sha.Length != 64 || !IsHex(sha)))
        {
            throw new InvalidItemException(ErrorIds.InvalidBody, $"the Sha256 '{sha}' is not 64 hexadecimal characters");
        }

        return new RequestSpec(index, uri, hostKey, method, item)
        {
            Headers = headers,
            SensitiveHeaders = sensitive,
            Body = body,
            ContentType = body is null ? null : contentType,
            OutFile = outFile,
            OutDirectory = outFile is null ? _defaults.OutDirectory : null,
            ExpectedSha256 = sha?.ToUpperInvariant(),
        };
    }

    /// <summary>Best-effort text of an item for error messages, e.g. its URI value.</summary>
    public static string Describe(object? item)
    {
        try
        {
            var fields = Fields.From(item);
            return fields.Uri is null ? "(null)" : "'" + ToText(fields.Uri) + "'";
        }
        catch (InvalidItemException)
        {
            return item is null ? "(null)" : "'" + ToText(item) + "'";
        }
    }

    /// <summary>The absolute URI an item would be sent to, or null when it has no usable one: what -Partition keys on by default.</summary>
    public Uri? UriOf(object? item)
    {
        try
        {
            return ParseUri(Fields.From(item).Uri).Uri;
        }
        catch (InvalidItemException)
        {
            return null;
        }
    }

    /// <summary>The text of an item's property (or hashtable key) <paramref name="name"/>; null when it has none or it is empty.</summary>
    public static string? PropertyText(object? item, string name) =>
        Fields.LookupOf(item, out _) is { } lookup ? Fields.Text(lookup(name)) : null;

    /// <summary>A session's credentials go only to its base URI's origin (see CredentialPolicy).</summary>
    private bool SessionOriginAllows(Uri uri) => _defaults.Session!.CredentialsMayGoTo(uri);

    /// <summary>The item's absolute http(s) URI and its host key (computed here once: IDN mapping is not free, and it validates the host).</summary>
    private (Uri Uri, string HostKey) ParseUri(object? value)
    {
        var text = value is Uri given ? given.OriginalString : ToText(value).Trim();
        if (text.Length == 0)
        {
            throw new InvalidItemException(ErrorIds.EmptyUri, "the URI is empty");
        }

        var looksRelative = text.StartsWith("/", StringComparison.Ordinal) && !text.StartsWith("//", StringComparison.Ordinal);
        Uri? uri = null;
        if (!looksRelative && SafeTryCreate(text, UriKind.Absolute, out var absolute) && text.Contains(':'))
        {
            uri = absolute;
        }
        else if (_defaults.Session?.BaseUri is { } baseUri)
        {
            if (!SafeTryCreate(baseUri, text, out uri))
            {
                throw new InvalidItemException(ErrorIds.InvalidUri, $"'{text}' is not a valid URI relative to the session's base URI {baseUri}");
            }
        }
        else if (SafeTryCreate(text, UriKind.Relative, out _))
        {
            throw new InvalidItemException(ErrorIds.RelativeUriWithoutBase,
                $"'{text}' is a relative URI and no session base URI is set; give an absolute http:// or https:// URI, or use -Session with a -BaseUri");
        }
        else
        {
            throw new InvalidItemException(ErrorIds.InvalidUri, $"'{text}' is not a valid URI");
        }

        if (uri.Scheme != System.Uri.UriSchemeHttp && uri.Scheme != System.Uri.UriSchemeHttps)
        {
            throw new InvalidItemException(ErrorIds.UnsupportedScheme, $"the scheme '{uri.Scheme}' of '{text}' is not supported; use http or https");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidItemException(ErrorIds.InvalidUri, $"'{text}' has no host");
        }

        try
        {
            return (uri, RequestSpec.KeyOf(uri));
        }
        catch (UriFormatException ex)
        {
            throw new InvalidItemException(ErrorIds.InvalidUri, $"the host of '{text}' is not a valid domain name: {ex.Message}");
        }
    }

    // System.Uri.TryCreate can throw for hostile strings (e.g. "//\u202e/xy.0,\0" raises
    // IndexOutOfRangeException in .NET 10): such a string is simply not a usable URI.
    private static bool SafeTryCreate(string text, UriKind kind, [NotNullWhen(true)] out Uri? uri) =>
        Safely(() => System.Uri.TryCreate(text, kind, out var created) ? created : null, out uri);

    private static bool SafeTryCreate(Uri baseUri, string relative, [NotNullWhen(true)] out Uri? uri) =>
        Safely(() => System.Uri.TryCreate(baseUri, relative, out var created) ? created : null, out uri);

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

    private static string NormaliseMethod(string method)
    {
        var trimmed = method.Trim();
        if (trimmed.Length == 0 || !IsToken(trimmed))
        {
            throw new InvalidItemException(ErrorIds.InvalidMethod, $"'{method}' is not a valid HTTP method (letters, digits and !#$%&'*+-.^_`|~ only)");
        }

        return trimmed.ToUpperInvariant();
    }

    private byte[]? EncodeBody(object? value, ref string? contentType)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        switch (value)
        {
            case null:
                return null;
            case byte[] bytes:
                contentType ??= "application/octet-stream";
                return bytes;
            case string text:
                contentType ??= LooksLikeJson(text) ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
                return EncodingFor(contentType).GetBytes(text);
            case IDictionary form when contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase):
                return Encoding.UTF8.GetBytes(FormEncode(form));
            default:
                contentType ??= "application/json; charset=utf-8";
                try
                {
                    return EncodingFor(contentType).GetBytes(_toJson(value));
                }
                catch (Exception ex)
                {
                    throw new InvalidItemException(ErrorIds.InvalidBody, "the body could not be converted to JSON: " + ex.Message);
                }
        }
    }

    private static Encoding EncodingFor(string contentType)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var parsed) && !string.IsNullOrEmpty(parsed.CharSet))
        {
            try
            {
                return Encoding.GetEncoding(parsed.CharSet.Trim('"'));
            }
            catch (ArgumentException)
            {
                throw new InvalidItemException(ErrorIds.InvalidHeader, $"the charset '{parsed.CharSet}' of the content type is not known");
            }
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    }

    private static string FormEncode(IDictionary form)
    {
        var builder = new StringBuilder();
        foreach (DictionaryEntry entry in form)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(WebUtility.UrlEncode(ToText(entry.Key))).Append('=').Append(WebUtility.UrlEncode(ToText(entry.Value)));
        }

        return builder.ToString();
    }

    private static void AddHeader(string name, string value, List<KeyValuePair<string, string>> headers, List<KeyValuePair<string, string>> sensitive, string source)
    {
        if (name.Length == 0 || !IsToken(name))
        {
            throw new InvalidItemException(ErrorIds.InvalidHeader, $"the header name '{Printable(name)}' in {source} is not valid (no spaces, colons or control characters)");
        }

        foreach (var c in value)
        {
            if (c == '\r' || c == '\n' || c == '\0')
            {
                var shown = s_sensitive.Contains(name) ? "(hidden)" : "'" + Printable(value) + "'";
                throw new InvalidItemException(ErrorIds.InvalidHeader, $"the value {shown} of header '{name}' in {source} contains CR, LF or NUL, which could inject headers");
            }
        }

        Replace(s_sensitive.Contains(name) ? sensitive : headers, name, value);
    }

    private static void Replace(List<KeyValuePair<string, string>> headers, string name, string value)
    {
        headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        headers.Add(new KeyValuePair<string, string>(name, value));
    }

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.TrimStart();
        return trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal);
    }

    private static bool IsToken(string text)
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

    internal static string ToText(object? value)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        return value switch
        {
            null => string.Empty,
            string s => s,
            Uri u => u.OriginalString,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => LanguagePrimitives.ConvertTo<string>(value) ?? string.Empty,
        };
    }

    /// <summary>The per-item values found on a pipeline object.</summary>
    private sealed class Fields
    {
        public object? Uri { get; private set; }
        public string? Method { get; private set; }
        public IDictionary? Headers { get; private set; }
        public bool HasBody { get; private set; }
        public object? Body { get; private set; }
        public string? ContentType { get; private set; }
        public string? OutFile { get; private set; }
        public string? Sha256 { get; private set; }

        public static Fields From(object? item) =>
            LookupOf(item, out var kind) is { } lookup
                ? FromLookup(lookup, kind)
                : new Fields { Uri = item is PSObject pso ? pso.BaseObject : item };

        /// <summary>How to read an item's named values (hashtable keys, object properties); null for a plain value (string, URI, number).</summary>
        public static Func<string, (bool Found, object? Value)>? LookupOf(object? item, out string kind)
        {
            var baseObject = item is PSObject pso ? pso.BaseObject : item;
            kind = baseObject?.GetType().Name ?? "null";
            switch (baseObject)
            {
                case null or string or System.Uri:
                    return null;
                case IDictionary dictionary:
                    kind = "hashtable";
                    return name => TryDictionary(dictionary, name);
                case PSCustomObject or not (ValueType or IFormattable):
                    var wrapped = item as PSObject ?? PSObject.AsPSObject(baseObject);
                    return name => wrapped.Properties[name] is { } p ? (true, p.Value) : (false, null);
                default:
                    return null;
            }
        }

        private static (bool Found, object? Value) TryDictionary(IDictionary dictionary, string name)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(ToText(entry.Key), name, StringComparison.OrdinalIgnoreCase))
                {
                    return (true, entry.Value);
                }
            }

            return (false, null);
        }

        private static Fields FromLookup(Func<string, (bool Found, object? Value)> lookup, string kind)
        {
            var fields = new Fields();
            var hasUri = false;
            foreach (var name in s_uriNames)
            {
                var (found, value) = lookup(name);
                if (found)
                {
                    fields.Uri = value;
                    hasUri = true;
                    break;
                }
            }

            if (!hasUri)
            {
                throw new InvalidItemException(ErrorIds.InvalidUri, $"the {kind} has no Uri, Url or Href property");
            }

            fields.Method = Text(lookup("Method"));
            var headers = lookup("Headers");
            if (headers.Found && headers.Value is not null)
            {
                fields.Headers = (headers.Value is PSObject hp ? hp.BaseObject : headers.Value) as IDictionary
                    ?? throw new InvalidItemException(ErrorIds.InvalidHeader, "the Headers property is not a hashtable or dictionary");
            }

            var body = lookup("Body");
            fields.HasBody = body.Found && body.Value is not null && !(body.Value is string s && s.Length == 0);
            fields.Body = body.Value;
            fields.ContentType = Text(lookup("ContentType"));
            fields.OutFile = Text(lookup("OutFile"));
            fields.Sha256 = Text(lookup("Sha256"));
            return fields;
        }

        public static string? Text((bool Found, object? Value) found)
        {
            if (!found.Found)
            {
                return null;
            }

            var text = ToText(found.Value);
            return text.Length == 0 ? null : text;
        }
    }
}

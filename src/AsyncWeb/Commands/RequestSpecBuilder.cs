using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
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

    // Uploads and authentication (issue 12)
    public string? InFile { get; init; }
    public IDictionary? Form { get; init; }

    /// <summary>The cmdlet's own credentials (not a session's): they go to each item's origin.</summary>
    public ClientAuthentication? Authentication { get; init; }
    public bool AllowUnencryptedAuthentication { get; init; }
    public Uri? BaseUri { get; init; }
}

/// <summary>
/// Turns one pipeline object (a string, Uri, CSV row, pscustomobject or hashtable) into a
/// validated <see cref="RequestSpec"/>. Runs on the pipeline thread: it may call ConvertTo-Json.
/// </summary>
internal sealed class RequestSpecBuilder
{
    private static readonly string[] s_uriNames = { "Uri", "Url", "Href" };

    private readonly RequestDefaults _defaults;
    private readonly Func<object, string> _toJson;
    private readonly Func<string, string> _resolvePath;
    private readonly List<KeyValuePair<string, string>> _baseHeaders = new();
    private readonly List<KeyValuePair<string, string>> _baseSensitive = new();
    private readonly string? _sessionAuthorization;
    private readonly UploadBinding _uploads;

    public RequestSpecBuilder(RequestDefaults defaults, Func<object, string> toJson, Func<string, string> resolvePath)
    {
        _defaults = defaults;
        _toJson = toJson;
        _resolvePath = resolvePath;
        _uploads = new UploadBinding(defaults, resolvePath);
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
        var (uri, hostKey) = ParseItemUri(fields.Uri);
        var method = RequestRules.NormaliseMethod(fields.Method ?? _defaults.Method);

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

        var credentialOrigin = CredentialOrigin(uri, ref sensitive);

        var contentType = fields.ContentType ?? _defaults.ContentType;
        var bodyValue = fields.HasBody ? fields.Body : _defaults.Body;
        var upload = _uploads.For(fields.HasBody, fields.InFile, fields.Form, fields.ContentType, method);
        if (upload is null && QueryString.TakesBody(method) && (bodyValue is PSObject wrapped ? wrapped.BaseObject : bodyValue) is IDictionary query)
        {
            // As Invoke-RestMethod: a dictionary body of a GET (or HEAD) is the query string, not a body.
            uri = QueryString.Append(uri, Pairs(query));
            bodyValue = null;
        }

        var body = upload is null ? EncodeBody(bodyValue, ref contentType) : null;
        if (contentType is not null)
        {
            BodyEncoding.ValidateContentType(contentType);
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

        return new RequestSpec(index, uri, hostKey, method, item)
        {
            Headers = headers,
            SensitiveHeaders = sensitive,
            Body = body,
            ContentType = body is null ? null : contentType,
            Upload = upload,
            CredentialOrigin = credentialOrigin,
            OutFile = outFile,
            OutDirectory = outFile is null ? _defaults.OutDirectory : null,
            ExpectedSha256 = sha is null ? null : RequestRules.NormaliseSha256(sha),
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

    /// <summary>
    /// The cmdlet's credentials (issue 12) go to the item's own origin, over https unless
    /// -AllowUnencryptedAuthentication: Basic and Bearer as an Authorization header (an item's own header
    /// wins), Negotiate and NTLM by the handler. Returns the origin the handler may answer challenges from.
    /// </summary>
    private Uri? CredentialOrigin(Uri uri, ref List<KeyValuePair<string, string>> sensitive)
    {
        if (_defaults.Authentication is not { } authentication)
        {
            return _defaults.Session?.HandlerCredentials is not null && SessionOriginAllows(uri) ? uri : null;
        }

        ClientAuthentication.CheckEncrypted(uri, _defaults.AllowUnencryptedAuthentication);
        if (authentication.Authorization is not null && !sensitive.Exists(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            sensitive = new List<KeyValuePair<string, string>>(sensitive) { new("Authorization", authentication.Authorization) };
        }

        return authentication.Handler is null ? null : uri;
    }

    /// <summary>An item's URI value, absolute or relative to -BaseUri (or the session's base URI), and its host key.</summary>
    private (Uri Uri, string HostKey) ParseItemUri(object? value) =>
        RequestRules.ParseUri(value is Uri given ? given.OriginalString : ToText(value).Trim(), _defaults.BaseUri ?? _defaults.Session?.BaseUri);

    /// <summary>The absolute URI an item would be sent to, or null when it has no usable one: what -Partition keys on by default.</summary>
    public Uri? UriOf(object? item)
    {
        try
        {
            return ParseItemUri(Fields.From(item).Uri).Uri;
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

    private byte[]? EncodeBody(object? value, ref string? contentType)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        (byte[] Bytes, string ContentType) encoded;
        switch (value)
        {
            case null:
                return null;
            case byte[] bytes:
                encoded = BodyEncoding.FromBytes(bytes, contentType);
                break;
            case string text:
                encoded = BodyEncoding.FromText(text, contentType);
                break;
            case IDictionary form when BodyEncoding.IsForm(contentType):
                encoded = BodyEncoding.FromForm(Pairs(form), contentType!);
                break;
            default:
                string json;
                try
                {
                    json = _toJson(value);
                }
                catch (Exception ex)
                {
                    throw new InvalidItemException(ErrorIds.InvalidBody, "the body could not be converted to JSON: " + ex.Message);
                }

                encoded = BodyEncoding.FromJson(json, contentType);
                break;
        }

        contentType = encoded.ContentType;
        return encoded.Bytes;
    }

    /// <summary>A dictionary's entries as text pairs, in its own order; a key with an array of values is repeated for each.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Pairs(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = ToText(entry.Key);
            var value = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
            if (value is IEnumerable values and not string and not IDictionary)
            {
                foreach (var element in values)
                {
                    yield return new KeyValuePair<string, string>(key, ToText(element));
                }

                continue;
            }

            yield return new KeyValuePair<string, string>(key, ToText(value));
        }
    }

    private static void AddHeader(string name, string value, List<KeyValuePair<string, string>> headers, List<KeyValuePair<string, string>> sensitive, string source)
    {
        RequestRules.ValidateHeader(name, value, source);
        Replace(RequestRules.IsSensitiveHeader(name) ? sensitive : headers, name, value);
    }

    private static void Replace(List<KeyValuePair<string, string>> headers, string name, string value)
    {
        headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        headers.Add(new KeyValuePair<string, string>(name, value));
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
        public string? InFile { get; private set; }
        public IDictionary? Form { get; private set; }

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

            // Uploads (issue 12)
            fields.InFile = Text(lookup("InFile"));
            var form = lookup("Form");
            if (form.Found && form.Value is not null)
            {
                fields.Form = (form.Value is PSObject fp ? fp.BaseObject : form.Value) as IDictionary
                    ?? throw new InvalidItemException(ErrorIds.InvalidBody, "the Form property is not a hashtable or dictionary");
            }

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

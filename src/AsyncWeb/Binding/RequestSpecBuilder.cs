using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Connections;
using AsyncWeb.Requests;
using AsyncWeb.Security;

namespace AsyncWeb.Binding;

/// <summary>
/// Turns one pipeline object (a string, Uri, CSV row, pscustomobject or hashtable) into a
/// validated <see cref="RequestSpec"/>. Runs on the pipeline thread: it may call ConvertTo-Json.
/// </summary>
internal sealed class RequestSpecBuilder
{
    private readonly RequestDefaults _defaults;
    private readonly Func<object, string> _toJson;
    private readonly Func<string, string> _resolvePath;
    private readonly List<KeyValuePair<string, string>> _baseHeaders = new();
    private readonly List<KeyValuePair<string, string>> _baseSensitive = new();
    private readonly string? _sessionAuthorization;
    private readonly UploadBinding _uploads;

    // The batch's headers without their Content-Type, and its value: what an item without headers of its own is sent with.
    private readonly List<KeyValuePair<string, string>> _baseBodyHeaders;
    private readonly string? _baseContentType;

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

        _baseBodyHeaders = _baseHeaders;
        _baseContentType = TakeContentType(ref _baseBodyHeaders);
    }

    public static string DefaultUserAgent { get; } =
        $"AsyncWeb/{typeof(RequestSpecBuilder).Assembly.GetName().Version?.ToString(3)} (PowerShell {Environment.OSVersion.Platform})";

    /// <summary>Builds the request for one item; throws <see cref="InvalidInputException"/> naming what is wrong.</summary>
    public RequestSpec Build(long index, object? item)
    {
        var fields = ItemFields.From(item);
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

        if (_sessionAuthorization is not null && SessionOriginAllows(uri))
        {
            sensitive = WithAuthorization(sensitive, _sessionAuthorization);
        }

        var credentialOrigin = CredentialOrigin(uri, ref sensitive);

        var contentType = fields.ContentType ?? _defaults.ContentType;
        var bodyValue = fields.HasBody ? fields.Body : _defaults.Body;
        var upload = _uploads.For(fields.HasBody, fields.InFile, fields.Form, fields.ContentType, method);
        var noContentType = false;
        if (upload is null)
        {
            // As Invoke-RestMethod: a Content-Type among the headers is the body's (its charset encodes a text body)
            // unless -ContentType or the item's ContentType gives one, which wins; a blank one sends none.
            string? fromHeaders;
            if (ReferenceEquals(headers, _baseHeaders))
            {
                (headers, fromHeaders) = (_baseBodyHeaders, _baseContentType);
            }
            else
            {
                fromHeaders = TakeContentType(ref headers);
            }

            noContentType = string.IsNullOrWhiteSpace(contentType ?? fromHeaders) && (contentType ?? fromHeaders) is not null;
            contentType = noContentType ? null : contentType ?? fromHeaders;
        }

        if (upload is null && HttpMethods.TakesBodyAsQuery(method) && (bodyValue is PSObject wrapped ? wrapped.BaseObject : bodyValue) is IDictionary query)
        {
            // As Invoke-RestMethod: a dictionary body of a GET (or HEAD) is the query string, not a body.
            uri = QueryString.Append(uri, Pairs(query));
            bodyValue = null;
        }

        var body = upload is null ? EncodeBody(bodyValue, ref contentType) : null;
        if (noContentType)
        {
            contentType = null;
        }
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
            catch (Exception ex) when (ex is not InvalidInputException)
            {
                throw new InvalidInputException(ErrorIds.InvalidOutFile, $"the OutFile '{outFileText}' is not a usable path: {ex.Message}");
            }
        }

        // As Invoke-WebRequest 7.4: an OutFile that names an existing folder saves inside it, named as -OutDirectory names.
        var outDirectory = outFile is not null && Directory.Exists(outFile) ? outFile : null;
        if (outDirectory is not null)
        {
            outFile = null;
        }

        var sha = fields.Sha256 ?? _defaults.Sha256;
        var connect = ItemConnect(in fields);

        return new RequestSpec(index, uri, hostKey, method, item)
        {
            Headers = headers,
            SensitiveHeaders = sensitive,
            Body = body,
            ContentType = body is null ? null : contentType,
            Upload = upload,
            CredentialOrigin = credentialOrigin,
            HandlerCredentials = credentialOrigin is null ? null : _defaults.Authentication?.Handler ?? _defaults.Session?.HandlerCredentials,
            OutFile = outFile,
            OutDirectory = outDirectory ?? (outFile is null ? _defaults.OutDirectory : null),
            ExpectedSha256 = sha is null ? null : RequestRules.NormaliseSha256(sha),
            Connect = connect,
            Route = ItemProxy.Read(fields.Proxy, fields.NoProxy, _defaults.UnixSocket, pinned: connect.TargetFor(uri) is not null),
            Stream = StreamChoice.For(in fields, _defaults),
        };
    }

    /// <summary>The item's own -Resolve and -ConnectTo entries, then the batch's.</summary>
    private ConnectRules ItemConnect(in ItemFields fields)
    {
        if (fields.Resolve is null && fields.ConnectTo is null)
        {
            return _defaults.Connect;
        }

        var own = ConnectRules.Parse(fields.Resolve, fields.ConnectTo);
        if (!own.IsEmpty && _defaults.ConnectConflict is { } conflict)
        {
            throw new InvalidInputException(ErrorIds.ConflictingParameters, "the item's Resolve or ConnectTo cannot be followed: " + conflict);
        }

        return own.Then(_defaults.Connect);
    }

    /// <summary>Best-effort text of an item for error messages, e.g. its URI value.</summary>
    public static string Describe(object? item)
    {
        try
        {
            var fields = ItemFields.From(item);
            return fields.Uri is null ? "(null)" : "'" + UriRedactor.Default.RedactGiven(ToText(fields.Uri)) + "'";
        }
        catch (InvalidInputException)
        {
            return item is null ? "(null)" : "'" + UriRedactor.Default.RedactGiven(ToText(item)) + "'";
        }
    }

    /// <summary>
    /// The cmdlet's credentials go to the item's own origin, over https unless
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
        if (authentication.Authorization is not null)
        {
            sensitive = WithAuthorization(sensitive, authentication.Authorization);
        }

        return authentication.Handler is null ? null : uri;
    }

    /// <summary>The headers with an Authorization header added, unless they have one already (an item's own header wins).</summary>
    private static List<KeyValuePair<string, string>> WithAuthorization(List<KeyValuePair<string, string>> sensitive, string authorization) =>
        sensitive.Exists(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            ? sensitive
            : new List<KeyValuePair<string, string>>(sensitive) { new("Authorization", authorization) };

    /// <summary>An item's URI value, absolute or relative to -BaseUri (or the session's base URI), and its host key.</summary>
    private (Uri Uri, string HostKey) ParseItemUri(object? value) =>
        RequestRules.ParseUri(value is Uri given ? given.OriginalString : ToText(value).Trim(), _defaults.BaseUri ?? _defaults.Session?.BaseUri);

    /// <summary>The absolute URI an item would be sent to, or null when it has no usable one: what -Partition keys on by default.</summary>
    public Uri? UriOf(object? item)
    {
        try
        {
            return ParseItemUri(ItemFields.From(item).Uri).Uri;
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }

    /// <summary>The text of an item's property (or hashtable key) <paramref name="name"/>; null when it has none or it is empty.</summary>
    public static string? PropertyText(object? item, string name) =>
        ItemFields.LookupOf(item, out _) is { } lookup ? ItemFields.Text(lookup(name)) : null;

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
                    throw new InvalidInputException(ErrorIds.InvalidBody, "the body could not be converted to JSON: " + ex.Message);
                }

                encoded = BodyEncoding.FromJson(json, contentType);
                break;
        }

        contentType = encoded.ContentType;
        return encoded.Bytes;
    }

    /// <summary>Removes the Content-Type from the headers (a copy, when there is one) and returns its value.</summary>
    private static string? TakeContentType(ref List<KeyValuePair<string, string>> headers)
    {
        var at = headers.FindLastIndex(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase));
        if (at < 0)
        {
            return null;
        }

        var value = headers[at].Value;
        headers = headers.Where(h => !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).ToList();
        return value;
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
}

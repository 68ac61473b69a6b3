using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Requests;

namespace AsyncWeb.Binding;

/// <summary>
/// The per-item values found on a pipeline object. A struct: every input is read into one, and a plain URI (the common
/// input) would otherwise cost an object per request for one field.
/// </summary>
internal struct ItemFields
{
    private static readonly string[] s_uriNames = { "Uri", "Url", "Href" };

    /// <summary>Every property or key name an item's request is built from (the URI's aliases included).</summary>
    public static readonly string[] Names =
        s_uriNames.Concat(new[] { nameof(Method), nameof(Headers), nameof(Body), nameof(ContentType), nameof(OutFile), nameof(Sha256), nameof(InFile), nameof(Form), nameof(Resolve), nameof(ConnectTo), nameof(Proxy), nameof(NoProxy), nameof(Stream), nameof(StreamFormat) }).ToArray();

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

    /// <summary>The item's own -Resolve and -ConnectTo entries (a string or several), or null.</summary>
    public string?[]? Resolve { get; private set; }
    public string?[]? ConnectTo { get; private set; }

    /// <summary>The item's own proxy (a URI) and its NoProxy flag, as given: <see cref="ItemProxy"/> reads them.</summary>
    public object? Proxy { get; private set; }
    public object? NoProxy { get; private set; }

    /// <summary>The item's Stream value (true, false, or not given) and its StreamFormat text.</summary>
    public object? Stream { get; private set; }
    public string? StreamFormat { get; private set; }

    public static ItemFields From(object? item) =>
        LookupOf(item, out var kind) is { } lookup
            ? FromLookup(lookup, kind)
            : new ItemFields { Uri = item is PSObject pso ? pso.BaseObject : item };

    /// <summary>
    /// How to read an item's named values (hashtable keys, object properties); null for a plain value (string, URI, number).
    /// <paramref name="kind"/> names what was read, for messages (empty for a plain value).
    /// </summary>
    public static Func<string, (bool Found, object? Value)>? LookupOf(object? item, out string kind)
    {
        var baseObject = item is PSObject pso ? pso.BaseObject : item;
        switch (baseObject)
        {
            case null or string or System.Uri:
                kind = string.Empty;
                return null;
            case IDictionary dictionary:
                kind = "hashtable";
                return new DictionaryFields(dictionary).Lookup;
            case PSCustomObject or not (ValueType or IFormattable):
                kind = baseObject.GetType().Name;
                var wrapped = item as PSObject ?? PSObject.AsPSObject(baseObject);
                return name => wrapped.Properties[name] is { } p ? (true, p.Value) : (false, null);
            default:
                kind = string.Empty;
                return null;
        }
    }

    internal static (bool Found, object? Value) TryDictionary(IDictionary dictionary, string name)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            if (string.Equals(RequestSpecBuilder.ToText(entry.Key), name, StringComparison.OrdinalIgnoreCase))
            {
                return (true, entry.Value);
            }
        }

        return (false, null);
    }

    private static ItemFields FromLookup(Func<string, (bool Found, object? Value)> lookup, string kind)
    {
        var fields = new ItemFields();
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
            throw new InvalidInputException(ErrorIds.InvalidUri, $"the {kind} has no Uri, Url or Href property");
        }

        fields.Method = Text(lookup(nameof(Method)));
        var headers = lookup(nameof(Headers));
        if (headers.Found && headers.Value is not null)
        {
            fields.Headers = (headers.Value is PSObject hp ? hp.BaseObject : headers.Value) as IDictionary
                ?? throw new InvalidInputException(ErrorIds.InvalidHeader, "the Headers property is not a hashtable or dictionary");
        }

        var body = lookup(nameof(Body));
        fields.HasBody = body.Found && body.Value is not null && !(body.Value is string s && s.Length == 0);
        fields.Body = body.Value;
        fields.ContentType = Text(lookup(nameof(ContentType)));
        fields.OutFile = Text(lookup(nameof(OutFile)));
        fields.Sha256 = Text(lookup(nameof(Sha256)));

        // Uploads
        fields.InFile = Text(lookup(nameof(InFile)));
        var form = lookup(nameof(Form));
        if (form.Found && form.Value is not null)
        {
            fields.Form = (form.Value is PSObject fp ? fp.BaseObject : form.Value) as IDictionary
                ?? throw new InvalidInputException(ErrorIds.InvalidBody, "the Form property is not a hashtable or dictionary");
        }

        fields.Resolve = Texts(lookup(nameof(Resolve)));
        fields.ConnectTo = Texts(lookup(nameof(ConnectTo)));
        fields.Proxy = lookup(nameof(Proxy)).Value;
        fields.NoProxy = lookup(nameof(NoProxy)).Value;
        // Streams
        var stream = lookup(nameof(Stream));
        fields.Stream = stream.Found ? LooseValues.Unwrap(stream.Value) : null;
        fields.StreamFormat = Text(lookup(nameof(StreamFormat)));
        return fields;
    }

    /// <summary>A value that may be one text or several (an array); null when absent or null.</summary>
    private static string?[]? Texts((bool Found, object? Value) found)
    {
        var value = found.Value is PSObject pso ? pso.BaseObject : found.Value;
        return !found.Found || value is null
            ? null
            : value is IEnumerable many and not string
                ? many.Cast<object?>().Select(v => v is null ? null : RequestSpecBuilder.ToText(v)).ToArray()
                : new string?[] { RequestSpecBuilder.ToText(value) };
    }

    public static string? Text((bool Found, object? Value) found)
    {
        if (!found.Found)
        {
            return null;
        }

        var text = RequestSpecBuilder.ToText(found.Value);
        return text.Length == 0 ? null : text;
    }
}

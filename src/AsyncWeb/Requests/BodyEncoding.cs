using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace AsyncWeb.Requests;

/// <summary>
/// How a request body becomes bytes: the default Content-Type of each kind of body, the charset of
/// string bodies, and form encoding. The PowerShell side turns objects into JSON text or key/value
/// pairs first; what happens to them afterwards is decided here.
/// </summary>
internal static class BodyEncoding
{
    public const string FormMediaType = "application/x-www-form-urlencoded";
    private const string JsonType = "application/json; charset=utf-8";

    /// <summary>True when the content type asks for a form-encoded body.</summary>
    public static bool IsForm(string? contentType) =>
        contentType is not null && contentType.StartsWith(FormMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>A byte[] body, sent unchanged (application/octet-stream unless told otherwise).</summary>
    public static (byte[] Bytes, string ContentType) FromBytes(byte[] bytes, string? contentType) =>
        (bytes, contentType ?? "application/octet-stream");

    /// <summary>A string body, in the charset of its content type (UTF-8 by default); JSON when it looks like JSON and no type is given.</summary>
    public static (byte[] Bytes, string ContentType) FromText(string text, string? contentType)
    {
        contentType ??= LooksLikeJson(text) ? JsonType : "text/plain; charset=utf-8";
        return (EncodingFor(contentType).GetBytes(text), contentType);
    }

    /// <summary>An object already converted to JSON text.</summary>
    public static (byte[] Bytes, string ContentType) FromJson(string json, string? contentType)
    {
        contentType ??= JsonType;
        return (EncodingFor(contentType).GetBytes(json), contentType);
    }

    /// <summary>Key/value pairs as an application/x-www-form-urlencoded body (UTF-8).</summary>
    public static (byte[] Bytes, string ContentType) FromForm(IEnumerable<KeyValuePair<string, string>> pairs, string contentType) =>
        (Encoding.UTF8.GetBytes(FormEncode(pairs)), contentType);

    /// <summary>key=value pairs joined by &amp;, each part URL-encoded (space as +), as Invoke-RestMethod encodes them.</summary>
    public static string FormEncode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var builder = new StringBuilder();
        foreach (var pair in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(WebUtility.UrlEncode(pair.Key)).Append('=').Append(WebUtility.UrlEncode(pair.Value));
        }

        return builder.ToString();
    }

    /// <summary>Refuses a Content-Type that is not a media type.</summary>
    public static void ValidateContentType(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out _))
        {
            throw new InvalidInputException(ErrorIds.InvalidHeader, $"the content type '{contentType}' is not a valid media type");
        }
    }

    /// <summary>The encoding a content type's charset names; UTF-8 (without BOM) when it names none.</summary>
    public static Encoding EncodingFor(string contentType)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var parsed) && !string.IsNullOrEmpty(parsed.CharSet))
        {
            try
            {
                return Encoding.GetEncoding(parsed.CharSet.Trim('"'));
            }
            catch (ArgumentException)
            {
                throw new InvalidInputException(ErrorIds.InvalidHeader, $"the charset '{parsed.CharSet}' of the content type is not known");
            }
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    }

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.TrimStart();
        return trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal);
    }
}

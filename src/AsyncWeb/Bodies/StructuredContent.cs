using System;
using System.IO;
using System.Xml;

namespace AsyncWeb.Bodies;

/// <summary>
/// The rules Invoke-RestMethod applies to a text body before it turns it into objects: which parse to try
/// first (JSON for JSON media types, XML otherwise; it tries the other one next), and how XML is read
/// safely (no DTD processing, no external resolver, bounded entity expansion: never an XXE or an entity bomb).
/// </summary>
internal static class StructuredContent
{
    /// <summary>True for the media types Invoke-RestMethod reads as JSON first (and *+json).</summary>
    public static bool PrefersJson(string? contentType)
    {
        var mediaType = MediaTypeOf(contentType);
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/x-javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Invoke-RestMethod's reader settings: a DTD is skipped (so its entities are never declared), nothing is fetched.</summary>
    public static XmlReaderSettings SecureXmlSettings() => new()
    {
        CheckCharacters = false,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 1024,
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
    };

    /// <summary>The text as an XmlDocument (whitespace preserved, as Invoke-RestMethod keeps it), or null when it is not well-formed XML.</summary>
    public static XmlDocument? TryParseXml(string text)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), SecureXmlSettings());
            var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
            document.Load(reader);
            return document;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string MediaTypeOf(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return string.Empty;
        }

        var semicolon = contentType!.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType.Substring(0, semicolon)).Trim();
    }
}

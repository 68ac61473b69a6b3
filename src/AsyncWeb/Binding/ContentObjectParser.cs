using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using AsyncWeb.Bodies;

namespace AsyncWeb.Binding;

/// <summary>
/// Turns a text body into what Invoke-RestMethod would return for it: JSON as PowerShell objects (through
/// PowerShell's own JsonObject.ConvertFromJson, so each edition's depth limit is Invoke-RestMethod's: 1024 on
/// PowerShell 7, about 100 on Windows PowerShell 5.1), XML as an XmlDocument, anything else (or a body
/// neither parse accepts) as the string. Needs no runspace, so it works on any thread.
/// </summary>
internal static class ContentObjectParser
{
    private static readonly Lazy<JsonParse?> s_convertFromJson = new(BindConvertFromJson);

    private delegate object? JsonParse(string input, out ErrorRecord? error);

    /// <summary>Null for no text (a binary body, a download); otherwise the parsed body or the text itself.</summary>
    public static object? Parse(string? content, string? contentType)
    {
        if (content is null)
        {
            return null;
        }

        if (StructuredContent.PrefersJson(contentType))
        {
            return TryJson(content, out var json) ? json : StructuredContent.TryParseXml(content) ?? (object)content;
        }

        return StructuredContent.TryParseXml(content) ?? (TryJson(content, out var value) ? value : content);
    }

    private static bool TryJson(string text, out object? value)
    {
        value = null;
        var convert = s_convertFromJson.Value;
        if (convert is null)
        {
            return false;
        }

        try
        {
            value = convert(text, out var error);
            if (error is not null)
            {
                value = null;
                return false;
            }

            // ConvertFromJson also answers null for an empty or blank body; only the literal null is JSON.
            return value is not null || text.Trim() == "null";
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>PowerShell's public JsonObject.ConvertFromJson(string, out ErrorRecord), which Invoke-RestMethod itself calls (both editions have it).</summary>
    private static JsonParse? BindConvertFromJson()
    {
        const string typeName = "Microsoft.PowerShell.Commands.JsonObject";
        const string assemblyName = "Microsoft.PowerShell.Commands.Utility";
        var type = AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => a.GetName().Name == assemblyName)
                .Select(a => a.GetType(typeName, throwOnError: false))
                .FirstOrDefault(t => t is not null)
            ?? Type.GetType($"{typeName}, {assemblyName}, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35", throwOnError: false)
            ?? Type.GetType($"{typeName}, {assemblyName}", throwOnError: false);
        var method = type?.GetMethod("ConvertFromJson", BindingFlags.Public | BindingFlags.Static, null,
            new[] { typeof(string), typeof(ErrorRecord).MakeByRefType() }, null);
        return method is null ? null : (JsonParse)Delegate.CreateDelegate(typeof(JsonParse), method);
    }
}

using System.Threading;
using AsyncWeb.Binding;

namespace AsyncWeb;

/// <summary>The PowerShell view of a result's body (this part knows PowerShell; the rest of the type does not).</summary>
public sealed partial class WebBatchResult
{
    private ParsedContent? _parsedContent;

    /// <summary>
    /// The body as Invoke-RestMethod returns it: JSON as objects, XML as an XmlDocument, other text as the
    /// string; null for binary bodies and downloads. Parsed on first use only, then kept (the same object
    /// every time); left out when the result is serialized.
    /// </summary>
    public object? ContentObject
    {
        get
        {
            var parsed = Volatile.Read(ref _parsedContent);
            if (parsed is null)
            {
                parsed = new ParsedContent(ContentObjectParser.Parse(Content, ContentType));
                parsed = Interlocked.CompareExchange(ref _parsedContent, parsed, null) ?? parsed;
            }

            return parsed.Value;
        }
    }

    /// <summary>A parse result, so that a parsed null is told apart from "not parsed yet".</summary>
    private sealed class ParsedContent
    {
        public ParsedContent(object? value) => Value = value;

        public object? Value { get; }
    }
}

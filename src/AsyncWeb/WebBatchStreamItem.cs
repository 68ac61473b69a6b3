using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using AsyncWeb.Binding;
using AsyncWeb.Security;
using AsyncWeb.Streaming;

namespace AsyncWeb;

/// <summary>
/// One unit of a response that is still open (-Stream): a server-sent event, a line of JSON lines or text, or an
/// element of a top-level JSON array, emitted as it arrives. The item's <see cref="WebBatchResult"/> follows when
/// its stream ends.
/// </summary>
public sealed class WebBatchStreamItem
{
    private StrongBox<object?>? _parsed; // a parsed null is told apart from "not parsed yet"

    /// <summary>Position of the item in the input, from 0: the same Index as the item's result.</summary>
    public long Index { get; internal set; }

    /// <summary>The requested URI, as the item's result has it.</summary>
    public Uri? Uri { get; internal set; }

    /// <summary>The URI as messages and tables show it: user:password and sensitive query values as ***.</summary>
    public string RedactedUri => Uri is null ? string.Empty : Redactor.Redact(Uri);

    /// <summary>The unit's place in its item's stream, from 1 (across reconnections of an event stream); the result's StreamItemCount is the last.</summary>
    public long Sequence { get; internal set; }

    /// <summary>How the stream was cut into units (chosen from the Content-Type, or -StreamFormat).</summary>
    public WebStreamFormat Format { get; internal set; }

    /// <summary>A server-sent event's type ("message" when the event named none); null for other formats.</summary>
    public string? Event { get; internal set; }

    /// <summary>A server-sent event's last event ID (what a reconnection sends as Last-Event-ID); null for other formats or before any id.</summary>
    public string? Id { get; internal set; }

    /// <summary>The unit's text: the event's data (its lines joined by LF), the line, or the array element's JSON.</summary>
    public string Data { get; internal set; } = string.Empty;

    /// <summary>Local time the unit was cut from the stream.</summary>
    public DateTimeOffset Received { get; internal set; }

    /// <summary>The original pipeline object of the item.</summary>
    public object? Input { get; internal set; }

    /// <summary>
    /// The data as Invoke-RestMethod would return it: JSON as PowerShell objects (PowerShell's own parser), other
    /// text as the string. Parsed on first use only, then kept; left out when the unit is serialized.
    /// </summary>
    public object? ContentObject
    {
        get
        {
            var parsed = Volatile.Read(ref _parsed);
            if (parsed is null)
            {
                parsed = new StrongBox<object?>(ContentObjectParser.Parse(Data, "application/json"));
                parsed = Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
            }

            return parsed.Value;
        }
    }

    /// <summary>The batch's redaction rules (its -SensitiveQueryParameter names too).</summary>
    internal UriRedactor Redactor { get; set; } = UriRedactor.Default;

    /// <summary>Never the data (it may hold secrets): which item, which unit, which event.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Index} #{Sequence}]{(Event is null ? string.Empty : " " + Event)} {RedactedUri}");
}

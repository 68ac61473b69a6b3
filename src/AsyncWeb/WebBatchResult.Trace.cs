using AsyncWeb.Tracing;

namespace AsyncWeb;

// Where the item is in a distributed trace: what its last attempt's traceparent header said.
public sealed partial class WebBatchResult
{
    /// <summary>The W3C trace id (32 hex digits) the item's requests were sent in: the batch's, -TraceParent's or the current Activity's; null with -NoTraceParent or when nothing was sent.</summary>
    public string? TraceId { get; internal set; }

    /// <summary>The span id (16 hex digits) of the item's last attempt, as its traceparent header told the server; null when none was sent.</summary>
    public string? SpanId => SpanIdValue == 0 ? null : TraceParent.Hex(SpanIdValue);

    internal ulong SpanIdValue { get; set; }
}

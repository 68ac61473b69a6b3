using System;
using System.Management.Automation;
using AsyncWeb.Tracing;

namespace AsyncWeb.Commands;

// -TraceParent and -NoTraceParent: the W3C traceparent header on every request, and the trace it belongs to.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>
    /// A W3C traceparent ('00-&lt;trace id&gt;-&lt;parent id&gt;-&lt;flags&gt;') whose trace the batch joins: every request carries its trace id,
    /// with its parent id as the parent of each attempt's new span. Without it: the current Activity's trace, else a new trace per batch.
    /// Empty or null (an unset $env:TRACEPARENT, how a CI job hands its trace to a process) is the same as not given.
    /// </summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? TraceParent { get; set; }

    /// <summary>Send no traceparent header (and start no activities): for servers that must not see one.</summary>
    [Parameter]
    public SwitchParameter NoTraceParent { get; set; }

    /// <summary>The batch's trace, from -TraceParent, the current Activity or a new trace id; null with -NoTraceParent.</summary>
    private BatchTrace? StartTrace()
    {
        if (string.IsNullOrWhiteSpace(TraceParent))
        {
            TraceParent = null;
        }

        if (NoTraceParent)
        {
            if (TraceParent is not null)
            {
                Conflict("-TraceParent names the trace to send; -NoTraceParent sends none: choose one");
            }

            return null;
        }

        if (TraceParent is null)
        {
            return BatchTrace.Start(null);
        }

        if (!Tracing.TraceParent.TryParse(TraceParent, out var given, out var reason))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-TraceParent '{TraceParent}' is not a W3C traceparent: {reason} (such as 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01)"),
                ErrorIds.InvalidTraceParent, ErrorCategory.InvalidArgument, TraceParent));
        }

        return BatchTrace.Start(given);
    }
}

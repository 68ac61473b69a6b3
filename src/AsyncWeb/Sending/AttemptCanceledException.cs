using System;
using AsyncWeb.Tracing;

namespace AsyncWeb.Sending;

/// <summary>
/// An attempt ended by its item's cancellation (-TotalTimeoutSec, Stop) after it went out with a traceparent: the
/// cancellation, carrying the attempt's span so the item's result still says what its last attempt sent.
/// </summary>
internal sealed class AttemptCanceledException : OperationCanceledException
{
    public AttemptCanceledException(AttemptSpan span, OperationCanceledException cancellation)
        : base(cancellation.Message, cancellation, cancellation.CancellationToken) => Span = span;

    public AttemptSpan Span { get; }
}

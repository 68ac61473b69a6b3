using System;
#if NET
using System.Diagnostics;
#endif

namespace AsyncWeb.Tracing;

/// <summary>
/// The trace a batch's requests belong to: the caller's (-TraceParent, else the current Activity on PowerShell 7), or a new one.
/// With a listener on the "AsyncWeb" ActivitySource and no caller's trace, the batch is itself a span, the parent of its requests'.
/// </summary>
internal sealed class BatchTrace : IDisposable
{
#if NET
    /// <summary>The module's ActivitySource: one Client activity per attempt, with OpenTelemetry's HTTP client attribute names.</summary>
    public static readonly ActivitySource Source = new("AsyncWeb", typeof(BatchTrace).Assembly.GetName().Version?.ToString(3));

    private readonly Activity? _batch;

    /// <summary>What each attempt's activity is a child of; default for none.</summary>
    public ActivityContext Parent { get; }
#endif

    private BatchTrace(string traceId, ulong parentId, byte flags)
    {
        TraceId = traceId;
        ParentId = parentId;
        Flags = flags;
    }

#if NET
    private BatchTrace(ActivityContext parent, Activity? batch)
        : this(parent.TraceId.ToHexString(), IdOf(parent.SpanId), (byte)parent.TraceFlags)
    {
        Parent = parent;
        _batch = batch;
    }
#endif

    /// <summary>32 lower-case hex digits, the trace id of every request of the batch.</summary>
    public string TraceId { get; }

    /// <summary>The caller's (or the batch's) span id, the parent of every attempt's; 0 for none.</summary>
    public ulong ParentId { get; }
    public byte Flags { get; }

    /// <summary>The batch's trace: under <paramref name="given"/> (-TraceParent), else under the current Activity, else a new trace.</summary>
    public static BatchTrace Start(TraceParent? given)
    {
#if NET
        if (given is { } caller)
        {
            return new BatchTrace(new ActivityContext(ActivityTraceId.CreateFromString(caller.TraceId.AsSpan()),
                ActivitySpanId.CreateFromString(TraceParent.Hex(caller.ParentId).AsSpan()), (ActivityTraceFlags)caller.Flags, isRemote: true), null);
        }

        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            return new BatchTrace(current.Context, null);
        }

        if (Source.HasListeners())
        {
            // The batch's own span, not made current: the pipeline thread's Activity.Current stays as it was.
            var previous = Activity.Current;
            var batch = Source.StartActivity("Invoke-AsyncWebBatch", ActivityKind.Internal, default(ActivityContext));
            Activity.Current = previous;
            if (batch is not null)
            {
                return new BatchTrace(batch.Context, batch);
            }
        }
#else
        if (given is { } caller)
        {
            return new BatchTrace(caller.TraceId, caller.ParentId, caller.Flags);
        }
#endif
        return new BatchTrace(SpanIds.NewTraceId(), 0, 1);
    }

    /// <summary>Ends the batch's own span, if it has one.</summary>
    public void Dispose()
    {
#if NET
        _batch?.Stop();
#endif
    }

#if NET
    /// <summary>The 8 bytes of a span id as a number (0 for the default id).</summary>
    public static ulong IdOf(ActivitySpanId id)
    {
        Span<byte> bytes = stackalloc byte[8];
        id.CopyTo(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
#endif
}

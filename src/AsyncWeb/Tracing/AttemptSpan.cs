using System;
#if NET
using System.Diagnostics;
using System.Globalization;
#endif

namespace AsyncWeb.Tracing;

/// <summary>
/// One attempt's span: a new span id (a retry gets a new one, the trace id stays), the traceparent header that carries it, and,
/// on PowerShell 7 when someone listens to the "AsyncWeb" ActivitySource, a Client activity with OpenTelemetry's HTTP client
/// attributes. The URL in it is redacted as everywhere else; no header value is recorded.
/// </summary>
internal sealed class AttemptSpan
{
    private readonly BatchTrace _trace;
#if NET
    private Activity? _activity;
#endif

    public AttemptSpan(BatchTrace trace) => _trace = trace;

    /// <summary>This attempt's span id (0 until started).</summary>
    public ulong SpanId { get; private set; }

    /// <summary>The trace id the header carries: the batch's, or the activity's when a listener started one outside any trace.</summary>
    public string TraceId { get; private set; } = string.Empty;

    /// <summary>The traceparent header value of this attempt (null until started).</summary>
    public string? Header { get; private set; }

    /// <summary>
    /// Starts the span. Call it inside the attempt's async method: the activity becomes Activity.Current for the attempt only,
    /// so HttpClient's own activity (System.Net.Http) is its child, and HttpClient adds no second traceparent.
    /// </summary>
    public void Start(string method, Uri uri, string redactedUri, int attempt)
    {
        TraceId = _trace.TraceId;
        var flags = _trace.Flags;
#if NET
        if (BatchTrace.Source.HasListeners())
        {
            _activity = BatchTrace.Source.StartActivity(method, ActivityKind.Client, _trace.Parent);
            if (_activity is { } activity)
            {
                activity.SetTag("http.request.method", method);
                activity.SetTag("url.full", redactedUri);
                activity.SetTag("server.address", uri.Host);
                activity.SetTag("server.port", uri.Port);
                if (attempt > 1)
                {
                    activity.SetTag("http.request.resend_count", attempt - 1);
                }

                SpanId = BatchTrace.IdOf(activity.SpanId);
                if (_trace.Parent == default)
                {
                    TraceId = activity.TraceId.ToHexString(); // a listener that came after the batch started: a trace of its own
                }

                Header = TraceParent.Format(TraceId, SpanId, (byte)activity.ActivityTraceFlags);
                return;
            }
        }
#endif
        SpanId = SpanIds.Next();
        Header = TraceParent.Format(TraceId, SpanId, flags);
    }

    /// <summary>Ends the span with the attempt's outcome: its status, its ErrorId as error.type, its HTTP version.</summary>
    public void Finish(int statusCode, string? errorId, Version? protocolVersion)
    {
#if NET
        if (_activity is not { } activity)
        {
            return;
        }

        if (statusCode > 0)
        {
            activity.SetTag("http.response.status_code", statusCode);
        }

        if (protocolVersion is not null)
        {
            activity.SetTag("network.protocol.version", protocolVersion.Minor == 0 ? protocolVersion.Major.ToString(CultureInfo.InvariantCulture) : protocolVersion.ToString(2));
        }

        if (errorId is not null)
        {
            activity.SetTag("error.type", errorId);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Stop();
#endif
    }
}

using System;
using AsyncWeb.Security;
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
internal readonly struct AttemptSpan
{
#if NET
    private readonly Activity? _activity;
#endif

    private AttemptSpan(string traceId, ulong spanId, string header)
    {
        TraceId = traceId;
        SpanId = spanId;
        Header = header;
#if NET
        _activity = null;
#endif
    }

#if NET
    private AttemptSpan(string traceId, ulong spanId, string header, Activity activity)
        : this(traceId, spanId, header)
    {
        _activity = activity;
    }
#endif

    /// <summary>This attempt's span id (0 for none: the default value).</summary>
    public ulong SpanId { get; }

    /// <summary>The trace id the header carries: the batch's, or the activity's when a listener started one outside any trace.</summary>
    public string? TraceId { get; }

    /// <summary>The traceparent header value of this attempt.</summary>
    public string? Header { get; }

    /// <summary>
    /// Starts the span. Call it inside the attempt's async method: the activity becomes Activity.Current for the attempt only,
    /// so HttpClient's own activity (System.Net.Http) is its child, and HttpClient adds no second traceparent.
    /// </summary>
    public static AttemptSpan Start(BatchTrace trace, string method, Uri uri, UriRedactor redactor, int attempt)
    {
#if NET
        if (BatchTrace.Source.HasListeners() && BatchTrace.Source.StartActivity(method, ActivityKind.Client, trace.Parent) is { } activity)
        {
            activity.SetTag("http.request.method", method);
            activity.SetTag("url.full", redactor.Redact(uri));
            activity.SetTag("server.address", uri.Host);
            activity.SetTag("server.port", uri.Port);
            if (attempt > 1)
            {
                activity.SetTag("http.request.resend_count", attempt - 1);
            }

            var spanId = BatchTrace.IdOf(activity.SpanId);

            // A listener that came after the batch started makes a trace of its own.
            var traceId = trace.Parent == default ? activity.TraceId.ToHexString() : trace.TraceId;
            return new AttemptSpan(traceId, spanId, TraceParent.Format(traceId, spanId, (byte)activity.ActivityTraceFlags), activity);
        }
#endif
        var id = SpanIds.Next();
        return new AttemptSpan(trace.TraceId, id, TraceParent.Format(trace.TraceId, id, trace.Flags));
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

using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using AsyncWeb.Connections;

namespace AsyncWeb.Timing;

/// <summary>
/// Records where one item's time goes, as Stopwatch timestamps (five per request, about 0.2 µs in all,
/// plus this object and the AsyncLocal's context): when the cmdlet received it, when its first attempt
/// started, and for the latest request of its latest attempt when it was handed to the handler, when
/// its last byte was written and when the response headers arrived.
/// It rides in an AsyncLocal, so the connection stream (net8.0, <see cref="ConnectionStream"/>) can tell
/// which request is writing on it. Written by one request flow at a time; read once, at the end.
/// </summary>
internal sealed class RequestProbe
{
    private static readonly AsyncLocal<RequestProbe?> s_current = new();
    private readonly long _received;
    private long _firstAttempt;
    private long _requestStart;
    private long _sent;
    private long _headers;
    private ConnectionInfo? _connection;
    private bool? _reused;
    private Action? _onWire;

    private RequestProbe(long received) => _received = received;

    /// <summary>The probe of the item whose request runs in this flow, if any.</summary>
    public static RequestProbe? Current => s_current.Value;

    /// <summary>A probe for an item received at <paramref name="received"/>, current for this flow and the calls it makes.</summary>
    public static RequestProbe Start(long received)
    {
        var probe = new RequestProbe(received);
        s_current.Value = probe;
        return probe;
    }

    /// <summary>An attempt begins: the first one ends the queue wait; each one starts its phases afresh.</summary>
    public void AttemptStarting()
    {
        if (_firstAttempt == 0)
        {
            _firstAttempt = Stopwatch.GetTimestamp();
        }

        Reset(0);
    }

    /// <summary>
    /// A request (a redirect hop, or a resume's second request) is handed to the handler: the phases are its own from here.
    /// <paramref name="onWire"/> is called whenever it writes on a connection until its response headers arrive (HTTP/1.x on net8.0).
    /// </summary>
    public void RequestStarting(Action? onWire = null)
    {
        Reset(Stopwatch.GetTimestamp());
        _onWire = onWire;
    }

    /// <summary>The response headers arrived (the handler returned the response).</summary>
    public void HeadersReceived(HttpRequestMessage request, HttpResponseMessage response)
    {
        Volatile.Write(ref _headers, Stopwatch.GetTimestamp());
#if NET
        if (_connection is null && response.Version.Major == 2)
        {
            // HTTP/2 frames are written by a loop per connection, not by the request's flow: ask the registry.
            (_connection, _reused) = Http2Connections.Attribute(request);
        }
#endif
    }

    /// <summary>A request of this flow writes on a connection: the first write on it tells whether the connection was new.</summary>
    public void Writing(ConnectionInfo connection)
    {
        if (!ReferenceEquals(_connection, connection))
        {
            // The handler may move a request to another connection (a pooled one that turned out closed): the last one counts.
            _connection = connection;
            _reused = !connection.ClaimFirstUse();
        }

        if (Volatile.Read(ref _headers) == 0)
        {
            _onWire?.Invoke();
        }
    }

    /// <summary>A write of this flow completed: the request is sent up to here (once headers arrived, later writes do not count).</summary>
    public void Written()
    {
        if (Volatile.Read(ref _headers) == 0)
        {
            _sent = Stopwatch.GetTimestamp();
            _onWire?.Invoke();
        }
    }

    /// <summary>
    /// What the item spent where, once it is done. <paramref name="itemStart"/> ends the queue wait when no
    /// attempt was made; <paramref name="itemEnd"/> (the end of Elapsed) ends the last request's body: nothing
    /// waits between the end of the last attempt and the end of the item, so no timestamp of its own is taken.
    /// </summary>
    public PhaseTimings Snapshot(long itemStart, long itemEnd)
    {
        var headers = _headers;
        var firstByteFrom = _sent != 0 ? _sent : Math.Max(_requestStart, _reused == false ? _connection?.Ready ?? 0 : 0);
        var answered = headers != 0 && _requestStart != 0;
        return new PhaseTimings(
            (_firstAttempt != 0 ? _firstAttempt : itemStart) - _received,
            answered ? Math.Max(0, headers - firstByteFrom) : PhaseTimings.NotSeen,
            answered ? Math.Max(0, itemEnd - headers) : PhaseTimings.NotSeen,
            _connection,
            _reused);
    }

    private void Reset(long requestStart)
    {
        _requestStart = requestStart;
        _sent = 0;
        _connection = null;
        _reused = null;
        _onWire = null;
        Volatile.Write(ref _headers, 0);
    }
}

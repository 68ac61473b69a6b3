#if NET
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Engine;

/// <summary>
/// How each connection was opened (net8.0). The connect callback stamps its socket stream
/// (<see cref="TimedNetworkStream"/>); the handler's PlaintextStreamFilter, called once TLS (if any) is
/// done, measures the phases from those stamps and wraps the plaintext stream in a
/// <see cref="ConnectionStream"/> that carries them. Under TLS the filter sees only the SslStream, so the
/// socket stream is found by the request that caused the connection, which both callbacks are given.
/// </summary>
internal static class ConnectionTimings
{
    private static readonly ConditionalWeakTable<HttpRequestMessage, TimedNetworkStream> s_connecting = new();

    /// <summary>The connect callback's stream for <paramref name="socket"/>, just connected.</summary>
    public static Stream Connected(Socket socket, long started, long resolved, HttpRequestMessage initialRequest)
    {
        var stream = new TimedNetworkStream(socket, started, resolved);
        s_connecting.AddOrUpdate(initialRequest, stream);
        return stream;
    }

    public static ValueTask<Stream> FilterAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
    {
        var ready = Stopwatch.GetTimestamp();
        var plaintext = context.PlaintextStream;
        var tls = plaintext as SslStream;

        // Through a proxy tunnel the stream under TLS is the tunnel's, not a socket of ours: those phases are not seen.
        if (s_connecting.TryGetValue(context.InitialRequestMessage, out var connecting))
        {
            s_connecting.Remove(context.InitialRequestMessage);
        }

        var socket = plaintext as TimedNetworkStream ?? (tls is null ? null : connecting);
        var info = new ConnectionInfo(
            socket is null || socket.UnixSocket ? PhaseTimings.NotSeen : socket.Resolved - socket.Started,
            socket is null ? PhaseTimings.NotSeen : socket.Connected - socket.Resolved,
            socket is null || tls is null ? PhaseTimings.NotSeen : ready - socket.Connected,
            ready,
            socket?.Remote,
            tls?.SslProtocol,
            tls?.NegotiatedCipherSuite.ToString(),
            socket?.UnixSocket ?? false);

        var multiplexed = context.NegotiatedHttpVersion.Major >= 2;
        if (multiplexed)
        {
            Http2Connections.Opened(context.InitialRequestMessage, info);
        }

        return new ValueTask<Stream>(new ConnectionStream(plaintext, info, multiplexed));
    }
}

/// <summary>
/// What can be said honestly about HTTP/2 requests, whose frames one loop per connection writes: the
/// request that caused a connection to open (the runtime's InitialRequestMessage) is told that
/// connection's phases; any other request rode on a connection it did not open (reused), and its
/// address is known when every open HTTP/2 connection to its origin has the same address and TLS version.
/// </summary>
internal static class Http2Connections
{
    private static readonly ConditionalWeakTable<HttpRequestMessage, ConnectionInfo> s_openers = new();
    private static readonly Dictionary<(string Scheme, string Host, int Port), List<ConnectionInfo>> s_open = new();
    private static readonly Dictionary<ConnectionInfo, (string Scheme, string Host, int Port)> s_origins = new();
    private static readonly object s_gate = new();

    public static void Opened(HttpRequestMessage initial, ConnectionInfo info)
    {
        s_openers.AddOrUpdate(initial, info);
        if (initial.RequestUri is not { } uri)
        {
            return;
        }

        var origin = Origin(uri);
        lock (s_gate)
        {
            if (!s_open.TryGetValue(origin, out var open))
            {
                s_open[origin] = open = new List<ConnectionInfo>(1);
            }

            open.Add(info);
            s_origins[info] = origin;
        }
    }

    public static void Closed(ConnectionInfo info)
    {
        lock (s_gate)
        {
            if (s_origins.Remove(info, out var origin) && s_open.TryGetValue(origin, out var open))
            {
                open.Remove(info);
                if (open.Count == 0)
                {
                    s_open.Remove(origin);
                }
            }
        }
    }

    /// <summary>The connection an HTTP/2 request used, where it can be told, and whether it was reused.</summary>
    public static (ConnectionInfo? Connection, bool? Reused) Attribute(HttpRequestMessage request)
    {
        if (s_openers.TryGetValue(request, out var opened))
        {
            s_openers.Remove(request);
            return (opened, false);
        }

        if (request.RequestUri is not { } uri)
        {
            return (null, true);
        }

        lock (s_gate)
        {
            if (!s_open.TryGetValue(Origin(uri), out var open) || open.Count == 0)
            {
                return (null, true);
            }

            var first = open[0];
            foreach (var other in open)
            {
                if (!Equals(other.Remote, first.Remote) || other.TlsProtocol != first.TlsProtocol)
                {
                    return (null, true);
                }
            }

            return (first, true);
        }
    }

    private static (string Scheme, string Host, int Port) Origin(Uri uri) => (uri.Scheme, uri.IdnHost, uri.Port);
}
#endif

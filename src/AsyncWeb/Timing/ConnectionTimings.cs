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
using AsyncWeb.Connections;

namespace AsyncWeb.Timing;

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

#endif

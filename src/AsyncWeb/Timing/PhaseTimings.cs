using System;
using System.Diagnostics;
using System.Net.Http;
using System.Security.Authentication;
using System.Threading;

namespace AsyncWeb.Timing;

/// <summary>
/// Where an item's time went, as the result reports it: durations in Stopwatch ticks, the connection its
/// last request used (when seen) and whether that connection was reused. Built once per item.
/// </summary>
internal readonly struct PhaseTimings
{
    /// <summary>A phase that did not happen or could not be seen.</summary>
    public const long NotSeen = -1;

    /// <summary>Nothing seen: an item that never reached the engine (bad input).</summary>
    public static readonly PhaseTimings None = new(NotSeen, NotSeen, NotSeen, null, null);

    public PhaseTimings(long queueWait, long timeToFirstByte, long transfer, ConnectionInfo? connection, bool? connectionReused)
    {
        QueueWait = queueWait;
        TimeToFirstByte = timeToFirstByte;
        Transfer = transfer;
        Connection = connection;
        ConnectionReused = connectionReused;
    }

    public long QueueWait { get; }
    public long TimeToFirstByte { get; }
    public long Transfer { get; }
    public ConnectionInfo? Connection { get; }
    public bool? ConnectionReused { get; }

    /// <summary>Waiting for the name: zero on a reused connection (it took this request no time), the lookup on a new one; never over a Unix socket.</summary>
    public long DnsLookup => Connection is { UnixSocket: true } ? NotSeen : OfConnection(Connection?.DnsLookup);

    /// <summary>Opening the TCP (or Unix socket) connection: zero on a reused connection, the connect on a new one.</summary>
    public long Connect => OfConnection(Connection?.Connect);

    /// <summary>The TLS handshake: zero on a reused connection; not seen on a connection without TLS (plain http).</summary>
    public long TlsHandshake => Connection is { TlsProtocol: null } ? NotSeen : OfConnection(Connection?.TlsHandshake);

    private long OfConnection(long? phase) => ConnectionReused switch
    {
        true => 0,
        false => phase ?? NotSeen,
        _ => NotSeen,
    };

    /// <summary>Milliseconds, to the microsecond; null for <see cref="NotSeen"/>.</summary>
    public static double? Milliseconds(long ticks) =>
        ticks < 0 ? null : Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
}

using System.Diagnostics;
using System.Net;
using System.Security.Authentication;
using System.Threading;

namespace AsyncWeb.Timing;

/// <summary>
/// How one connection was opened, measured once when it was (net8.0): DNS lookup, TCP connect and TLS
/// handshake durations in Stopwatch ticks (<see cref="PhaseTimings.NotSeen"/> when not seen), the
/// address and port it reached, the TLS version and cipher suite, and when it was ready for requests.
/// Over a Unix socket there is no lookup and no IP endpoint (<see cref="UnixSocket"/>).
/// </summary>
internal sealed class ConnectionInfo
{
    private int _used;

    public ConnectionInfo(long dnsLookup, long connect, long tlsHandshake, long ready, IPEndPoint? remote, SslProtocols? tlsProtocol, string? tlsCipherSuite, bool unixSocket = false)
    {
        UnixSocket = unixSocket;
        DnsLookup = dnsLookup;
        Connect = connect;
        TlsHandshake = tlsHandshake;
        Ready = ready;
        Remote = remote;
        TlsProtocol = tlsProtocol;
        TlsCipherSuite = tlsCipherSuite;
    }

    public long DnsLookup { get; }
    public long Connect { get; }
    public long TlsHandshake { get; }

    /// <summary>Timestamp at which the connection was ready to carry requests (TLS done).</summary>
    public long Ready { get; }

    public IPEndPoint? Remote { get; }
    public SslProtocols? TlsProtocol { get; }
    public string? TlsCipherSuite { get; }

    /// <summary>True for a connection to a Unix socket (-UnixSocket).</summary>
    public bool UnixSocket { get; }

    /// <summary>True for the first request to use the connection, false for every later one.</summary>
    public bool ClaimFirstUse() => Volatile.Read(ref _used) == 0 && Interlocked.Exchange(ref _used, 1) == 0;
}

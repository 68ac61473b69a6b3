#if NET
using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Connections;

/// <summary>
/// The socket stream the connect callback returns, stamped with when its lookup and connect began and ended, and
/// where it connected. A Unix socket (-UnixSocket) has no lookup: it is stamped with resolved = started.
/// </summary>
internal sealed class TimedNetworkStream : NetworkStream
{
    public TimedNetworkStream(Socket socket, long started, long resolved)
        : base(socket, ownsSocket: true)
    {
        Started = started;
        Resolved = resolved;
        Connected = Stopwatch.GetTimestamp();
        UnixSocket = socket.AddressFamily == AddressFamily.Unix;
        Remote = socket.RemoteEndPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
            ? new IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port)
            : socket.RemoteEndPoint as IPEndPoint;
    }

    public long Started { get; }
    public long Resolved { get; }
    public long Connected { get; }

    /// <summary>True over a Unix socket: no name was looked up and there is no IP endpoint.</summary>
    public bool UnixSocket { get; }

    /// <summary>The address and port connected to (IPv4 as IPv4, not IPv4-mapped IPv6); null for a Unix socket.</summary>
    public IPEndPoint? Remote { get; }
}
#endif

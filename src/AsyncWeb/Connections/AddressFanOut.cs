using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using AsyncWeb.Requests;

namespace AsyncWeb.Connections;

/// <summary>
/// -EveryAddress: one request per address of the host a request connects to (A and AAAA, through the shared
/// <see cref="NameResolver"/>, or a -Resolve entry's addresses, after any -ConnectTo), each pinned to its address,
/// so retries, redirects on that host:port and next pages stay on it while the Host header, SNI and certificate
/// check stay on the name.
/// </summary>
internal static class AddressFanOut
{
    /// <summary>
    /// The addresses <paramref name="spec"/> fans out to, in the resolver's order; null when the name cannot be looked up
    /// within <paramref name="timeout"/>: the request then goes out once, unpinned, and fails as it would (DnsResolutionFailed).
    /// </summary>
    public static IReadOnlyList<IPAddress>? AddressesOf(RequestSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = spec.Connect.TargetFor(spec.Uri);
        if (target?.Addresses is { } pinned)
        {
            return pinned;
        }

        var host = target?.Host ?? spec.Connect.EndpointOf(spec.Uri).Host;
        if (IPAddress.TryParse(host, out var literal))
        {
            return new[] { literal };
        }

#if NET
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout > TimeSpan.Zero)
        {
            bounded.CancelAfter(timeout);
        }

        try
        {
            return NameResolver.Shared.ResolveAsync(host, bounded.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
#else
        return null;
#endif
    }

    /// <summary><paramref name="spec"/> as the request to <paramref name="address"/>, numbered <paramref name="index"/>.</summary>
    public static RequestSpec PinTo(RequestSpec spec, IPAddress address, long index)
    {
        var (host, port) = spec.Connect.EndpointOf(spec.Uri);
        return spec with { Index = index, TargetAddress = address, Connect = spec.Connect.Pinned(host, port, address) };
    }
}

using System;
using System.Threading;

namespace AsyncWeb.Connections;

/// <summary>The settings of a .NET Framework ServicePoint (one per origin, or per proxy, shared by the whole process) that AsyncWeb cares about.</summary>
/// <param name="UseNagleAlgorithm">False sends small writes at once (TCP_NODELAY).</param>
/// <param name="Expect100Continue">True holds a request body back until the server answers 100 Continue, or 350 ms pass.</param>
/// <param name="ConnectionLimit">Connections per connection group (each HttpClientHandler has its own group).</param>
/// <param name="ConnectionLeaseTimeoutMs">How long a connection is kept before it is closed after its request, in milliseconds; -1 forever.</param>
internal sealed record ServicePointState(bool UseNagleAlgorithm, bool Expect100Continue, int ConnectionLimit, int ConnectionLeaseTimeoutMs);

/// <summary>
/// What AsyncWeb needs from a ServicePoint on .NET Framework, where HttpWebRequest takes these from the
/// process-wide ServicePoint of the origin rather than from the handler: small bodies sent without waiting
/// (no Nagle: HttpWebRequest writes headers and body separately, and a Windows server's delayed ACK then
/// stalls each small POST ~200 ms; no Expect: 100-continue, which PowerShell 7's handler never sends either),
/// enough connections for the batch, and connections recycled so DNS changes are followed. Every change goes
/// only one way (Nagle and 100-continue off, the limit up, the lease shorter), so AsyncWeb never undoes
/// another writer's raise, and two batches asking different things end in the same state whatever their order.
/// </summary>
internal static class ServicePointPolicy
{
    /// <summary>The state to write: <paramref name="current"/> moved only as far as AsyncWeb needs, never back.</summary>
    /// <param name="connections">The connections this handler may want to the origin; 0 for no limit of its own.</param>
    /// <param name="lifetime">How long a connection may live (-ConnectionLifetimeSec); infinite or zero leaves the lease as it is.</param>
    public static ServicePointState Decide(ServicePointState current, int connections, TimeSpan lifetime)
    {
        var limit = connections > 0 ? connections : int.MaxValue;
        var lease = current.ConnectionLeaseTimeoutMs;
        if (lifetime > TimeSpan.Zero && lifetime != Timeout.InfiniteTimeSpan)
        {
            var wanted = (int)Math.Min(int.MaxValue, lifetime.TotalMilliseconds);
            lease = lease < 0 ? wanted : Math.Min(lease, wanted);
        }

        return new ServicePointState(
            UseNagleAlgorithm: false,
            Expect100Continue: false,
            ConnectionLimit: Math.Max(current.ConnectionLimit, limit),
            ConnectionLeaseTimeoutMs: lease);
    }
}

#if !NET
using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Connections;

/// <summary>
/// On .NET Framework, brings the ServicePoint each request will use to <see cref="ServicePointPolicy"/> before
/// HttpClientHandler sends it. HttpClientHandler would instead copy its MaxConnectionsPerServer onto the same
/// process-wide ServicePoint at every request (last writer wins), so the handler is given no limit of its own.
/// The ServicePoint is looked up per request because .NET Framework drops an idle one (after
/// ServicePointManager.MaxServicePointIdleTime) and makes a fresh one with the defaults.
/// </summary>
internal sealed class ServicePointHandler : DelegatingHandler
{
    private readonly HandlerSettings _settings;
    private readonly IWebProxy? _proxy;

    public ServicePointHandler(HttpClientHandler inner, HandlerSettings settings)
        : base(inner)
    {
        _settings = settings;
        _proxy = inner.UseProxy ? inner.Proxy : null;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            // The explicit -Proxy's ServicePoint when there is one; with the system proxy, the origin's (asking the
            // system proxy here could start a WPAD lookup on this thread, see README).
            Apply(_proxy is null ? ServicePointManager.FindServicePoint(uri) : ServicePointManager.FindServicePoint(uri, _proxy));
        }

        return base.SendAsync(request, cancellationToken);
    }

    private void Apply(ServicePoint point)
    {
        var current = new ServicePointState(point.UseNagleAlgorithm, point.Expect100Continue, point.ConnectionLimit, point.ConnectionLeaseTimeout);
        var wanted = ServicePointPolicy.Decide(current, _settings.MaxConnectionsPerServer, _settings.PooledConnectionLifetime);
        if (wanted == current)
        {
            return;
        }

        // Only what differs is written: each setter takes the ServicePoint's lock and may walk its connection groups.
        if (point.UseNagleAlgorithm != wanted.UseNagleAlgorithm)
        {
            point.UseNagleAlgorithm = wanted.UseNagleAlgorithm;
        }

        if (point.Expect100Continue != wanted.Expect100Continue)
        {
            point.Expect100Continue = wanted.Expect100Continue;
        }

        if (point.ConnectionLimit != wanted.ConnectionLimit)
        {
            point.ConnectionLimit = wanted.ConnectionLimit;
        }

        if (point.ConnectionLeaseTimeout != wanted.ConnectionLeaseTimeoutMs)
        {
            point.ConnectionLeaseTimeout = wanted.ConnectionLeaseTimeoutMs;
        }
    }
}
#endif

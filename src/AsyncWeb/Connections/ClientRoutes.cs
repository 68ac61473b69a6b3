using System;
using System.Collections.Generic;
using System.Net.Http;

namespace AsyncWeb.Connections;

/// <summary>
/// The clients one batch sends through: its own (the pool of its settings, or its session's), and for hops that
/// go another way one client per distinct route, opened on first use and kept until the batch ends: an item's
/// other proxy or none (<see cref="ProxyRoute"/>), or a pinned host:port's <see cref="ConnectTarget"/> (-Resolve,
/// -ConnectTo). A pool per place connected to, not per name: the handler pools connections by scheme, host and
/// port, so two pins of one host:port to different addresses must never meet in one handler; the request itself
/// keeps its URI, Host header, SNI, certificate check, cookies and credentials. Pooled routes are leased from
/// <see cref="ClientPool"/> (so a later batch with the same route finds its connections warm); a session's come
/// from the session, which owns them.
/// </summary>
internal sealed class ClientRoutes : IDisposable
{
    private readonly HttpClient _default;
    private readonly HandlerSettings _settings;
    private readonly IDisposable? _lease;
    private readonly Func<HandlerSettings, (HttpClient Client, IDisposable? Lease)> _open;
    private readonly Dictionary<HandlerSettings, (HttpClient Client, IDisposable? Lease)> _routes = new();
    private bool _disposed;

    private ClientRoutes(HttpClient client, HandlerSettings settings, IDisposable? lease, Func<HandlerSettings, (HttpClient, IDisposable?)> open)
    {
        _default = client;
        _settings = settings;
        _lease = lease;
        _open = open;
    }

    /// <summary>Routes over the module's shared pools, starting with the one of <paramref name="settings"/>.</summary>
    public static ClientRoutes Pooled(HandlerSettings settings)
    {
        static (HttpClient, IDisposable?) Rent(HandlerSettings s)
        {
            var lease = ClientPool.Rent(s);
            return (lease.Value, lease);
        }

        var (client, lease) = Rent(settings);
        return new ClientRoutes(client, settings, lease, Rent);
    }

    /// <summary>Routes of a session: its own client, and the ones it opens (and closes with itself) for other routes.</summary>
    public static ClientRoutes Owned(HttpClient client, HandlerSettings settings, Func<HandlerSettings, HttpClient> open) =>
        new(client, settings, null, s => (open(s), null));

    /// <summary>The client for a hop: the item's route (null: the batch's) and where the hop connects (null: its own host).</summary>
    public HttpClient For(ProxyRoute? route, ConnectTarget? target)
    {
        var sameRoute = route is null || route.IsSameAs(_settings);
        if (sameRoute && target is null)
        {
            return _default;
        }

        var settings = (sameRoute ? _settings : route!.Apply(_settings)) with { ConnectTarget = target };

        lock (_routes)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(ClientRoutes), "the batch has ended");
            }

            if (!_routes.TryGetValue(settings, out var opened))
            {
                opened = _open(settings);
                _routes.Add(settings, opened);
            }

            return opened.Client;
        }
    }

    /// <summary>Returns every lease (the pooled clients stay open for later batches, within ClientPool's bound).</summary>
    public void Dispose()
    {
        lock (_routes)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var opened in _routes.Values)
            {
                opened.Lease?.Dispose();
            }

            _routes.Clear();
        }

        _lease?.Dispose();
    }
}

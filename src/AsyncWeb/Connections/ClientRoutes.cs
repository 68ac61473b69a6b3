using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading;

namespace AsyncWeb.Connections;

/// <summary>
/// The clients of one batch by where a hop connects: the batch's own client for a hop that connects as usual, and a
/// client of its own for each other place, made on first use and kept until the batch ends: each
/// <see cref="ConnectTarget"/> (-Resolve, -ConnectTo, -EveryAddress) and each item's own <see cref="ProxyRoute"/>
/// (Proxy, NoProxy). A pool per place, not per host: the handler pools connections by scheme, host and port (and
/// its one proxy), so two pins of one host:port to different addresses, or one host through two proxies, must not meet
/// in one handler; requests that go one way share its connections. The request itself is untouched: its URI, Host
/// header, SNI, certificate check, cookies and credentials stay on the name.
/// </summary>
internal sealed class ClientRoutes : IDisposable
{
    private readonly HandlerSettings _settings;
    private readonly HttpMessageInvoker _direct;
    private readonly IDisposable? _directLease;
    private readonly Func<HandlerSettings, (HttpMessageInvoker Client, IDisposable? Lease)> _create;
    // Made by the first hop that goes another way: most batches have none, and a dictionary keyed by a value tuple is
    // generic code over a value type, which ReadyToRun cannot supply: made and cleared in every batch, it was JIT-compiled
    // by every first call.
    private ConcurrentDictionary<(ConnectTarget? Target, ProxyRoute? Proxy), Lazy<(HttpMessageInvoker Client, IDisposable? Lease)>>? _routes;
    private bool _disposed;

    /// <param name="settings">The settings of <paramref name="direct"/> (the batch's or the session's); other routes change them.</param>
    /// <param name="direct">The client of hops that connect as usual.</param>
    /// <param name="directLease">The lease of <paramref name="direct"/> (null: a session's), returned when the batch ends.</param>
    /// <param name="create">Makes (or rents) the client of other settings; the lease, if any, is returned when the batch ends.</param>
    public ClientRoutes(HandlerSettings settings, HttpMessageInvoker direct, IDisposable? directLease, Func<HandlerSettings, (HttpMessageInvoker Client, IDisposable? Lease)> create)
    {
        _settings = settings;
        _direct = direct;
        _directLease = directLease;
        _create = create;
    }

    /// <summary>Routes over the module's shared pools (ClientPool), starting with the one of <paramref name="settings"/>.</summary>
    public static ClientRoutes Pooled(HandlerSettings settings)
    {
        var lease = ClientPool.Rent(settings);
        return new ClientRoutes(settings, lease.Value, lease, static s =>
        {
            var other = ClientPool.Rent(s);
            return (other.Value, other);
        });
    }

    /// <summary>
    /// The client a hop goes through: pinned to <paramref name="target"/> (null: not pinned), by the item's own
    /// <paramref name="proxy"/> route (null, or the batch's own choice: the batch's).
    /// </summary>
    public HttpMessageInvoker For(ConnectTarget? target, ProxyRoute? proxy = null)
    {
        if (proxy is not null && proxy.IsSameAs(_settings))
        {
            proxy = null;
        }

        if (target is null && proxy is null)
        {
            return _direct;
        }

        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ClientRoutes));
        }

        var routes = Volatile.Read(ref _routes) ?? EnsureRoutes();
        return routes.GetOrAdd((target, proxy), key => new Lazy<(HttpMessageInvoker, IDisposable?)>(() => _create(SettingsOf(key.Target, key.Proxy)))).Value.Client;
    }

    /// <summary>Places used so far besides the batch's own (a pool each).</summary>
    public int PinnedCount => Volatile.Read(ref _routes)?.Count ?? 0;

    /// <summary>Returns every client the batch used (it is over).</summary>
    public void Dispose()
    {
        _disposed = true;
        if (Volatile.Read(ref _routes) is { } routes)
        {
            foreach (var entry in routes.Values)
            {
                if (entry.IsValueCreated)
                {
                    entry.Value.Lease?.Dispose();
                }
            }

            routes.Clear();
        }

        _directLease?.Dispose();
    }

    private ConcurrentDictionary<(ConnectTarget? Target, ProxyRoute? Proxy), Lazy<(HttpMessageInvoker Client, IDisposable? Lease)>> EnsureRoutes()
    {
        Interlocked.CompareExchange(ref _routes, new(), null);
        return _routes!;
    }

    private HandlerSettings SettingsOf(ConnectTarget? target, ProxyRoute? proxy)
    {
        var settings = proxy?.Apply(_settings) ?? _settings;
        return target is null ? settings : settings with { ConnectTarget = target };
    }
}

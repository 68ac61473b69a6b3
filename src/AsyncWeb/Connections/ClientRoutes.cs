using System;
using System.Collections.Concurrent;
using System.Net.Http;

namespace AsyncWeb.Connections;

/// <summary>
/// The clients of one batch by where a hop connects: the batch's own client for a hop that connects as usual, and a
/// client of its own for each <see cref="ConnectTarget"/> (-Resolve, -ConnectTo, -EveryAddress), made on first use and
/// kept until the batch ends. A pool per target, not per host: the handler pools connections by scheme, host and
/// port, so two pins of one host:port to different addresses must not meet in one handler; requests pinned to one
/// place share its connections. The request itself is untouched: its URI, Host header, SNI, certificate check,
/// cookies and credentials stay on the name.
/// </summary>
internal sealed class ClientRoutes : IDisposable
{
    private readonly HttpClient _direct;
    private readonly IDisposable? _directLease;
    private readonly Func<ConnectTarget, (HttpClient Client, IDisposable? Lease)> _create;
    private readonly ConcurrentDictionary<ConnectTarget, Lazy<(HttpClient Client, IDisposable? Lease)>> _pinned = new();
    private bool _disposed;

    /// <param name="direct">The client of hops that are not pinned.</param>
    /// <param name="directLease">The lease of <paramref name="direct"/> (null: a session's), returned when the batch ends.</param>
    /// <param name="create">Makes (or rents) the client of one target; the lease, if any, is returned when the batch ends.</param>
    public ClientRoutes(HttpClient direct, IDisposable? directLease, Func<ConnectTarget, (HttpClient Client, IDisposable? Lease)> create)
    {
        _direct = direct;
        _directLease = directLease;
        _create = create;
    }

    /// <summary>The client a hop to <paramref name="target"/> (null: not pinned) goes through.</summary>
    public HttpClient For(ConnectTarget? target)
    {
        if (target is null)
        {
            return _direct;
        }

        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ClientRoutes));
        }

        return _pinned.GetOrAdd(target, t => new Lazy<(HttpClient, IDisposable?)>(() => _create(t))).Value.Client;
    }

    /// <summary>Targets used so far (a pool each).</summary>
    public int PinnedCount => _pinned.Count;

    /// <summary>Returns every client the batch used (it is over).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var entry in _pinned.Values)
        {
            if (entry.IsValueCreated)
            {
                entry.Value.Lease?.Dispose();
            }
        }

        _pinned.Clear();
        _directLease?.Dispose();
    }
}

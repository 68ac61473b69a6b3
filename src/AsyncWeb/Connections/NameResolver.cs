#if NET
using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Connections;

/// <summary>
/// Host name lookups shared by every request of the process: one lookup per name in flight, whoever waits
/// for it (a batch opening 1,000 connections to one name does one lookup, not 1,000 blocking ones), and a
/// cache bounded by a time to live and by a number of names, least recently used first out. The system's
/// resolver gives no TTL, so the cache keeps an answer <see cref="DefaultTtl"/> (curl's default DNS cache
/// timeout) and a failure <see cref="FailureTtl"/>, so a dead name costs one lookup per few seconds and a
/// name that comes back is seen soon. The lookup itself is never cancelled by one waiter: each caller stops
/// waiting when its own token (the connect timeout) fires. IP literals are never looked up.
/// </summary>
internal sealed class NameResolver
{
    /// <summary>How long an answer is kept: curl's default (CURLOPT_DNS_CACHE_TIMEOUT, 60 s).</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(60);

    /// <summary>How long a failed lookup (no such name, no address, resolver error) is kept.</summary>
    public static readonly TimeSpan FailureTtl = TimeSpan.FromSeconds(5);

    /// <summary>Names kept: a sweep of many distinct names must not keep every answer for the life of the process.</summary>
    public const int DefaultCapacity = 4096;

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _lookup;
    private readonly long _ttlMs;
    private readonly long _failureTtlMs;
    private readonly int _capacity;
    private readonly Func<long> _clock;
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private long _lookups;

    /// <param name="lookup">The lookup of one name (the system's resolver in <see cref="Shared"/>).</param>
    /// <param name="ttl">How long an answer is kept; a failure is kept the shorter of this and <see cref="FailureTtl"/>.</param>
    /// <param name="capacity">How many names are kept.</param>
    /// <param name="clock">Milliseconds of a monotonic clock (tests move it); Environment.TickCount64 by default.</param>
    public NameResolver(Func<string, CancellationToken, Task<IPAddress[]>> lookup, TimeSpan ttl, int capacity, Func<long>? clock = null)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "at least one name must be kept");
        }

        _lookup = lookup;
        _ttlMs = (long)ttl.TotalMilliseconds;
        _failureTtlMs = Math.Min(_ttlMs, (long)FailureTtl.TotalMilliseconds);
        _capacity = capacity;
        _clock = clock ?? (static () => Environment.TickCount64);
    }

    /// <summary>The process-wide resolver over the system's (Dns.GetHostAddressesAsync: A and AAAA, in the system's order).</summary>
    public static NameResolver Shared { get; } = new(static (host, token) => Dns.GetHostAddressesAsync(host, token), DefaultTtl, DefaultCapacity);

    /// <summary>Lookups started (not answered from the cache or joined in flight): what tests and diagnostics count.</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    /// <summary>
    /// The addresses of <paramref name="host"/>, in the resolver's order; never empty (no address is a
    /// SocketException, HostNotFound, as the system resolver's own failures are). <paramref name="cancellationToken"/>
    /// ends this caller's wait, not the lookup others share.
    /// </summary>
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return Task.FromResult(new[] { literal });
        }

        Task<IPAddress[]> lookup;
        lock (_gate)
        {
            var now = _clock();
            if (_entries.TryGetValue(host, out var node) && node.Value.Expires > now)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                lookup = node.Value.Lookup;
            }
            else
            {
                if (node is not null)
                {
                    _entries.Remove(host);
                    _recency.Remove(node);
                }

                lookup = Start(host, now);
            }
        }

        return lookup.IsCompleted ? lookup : lookup.WaitAsync(cancellationToken);
    }

    /// <summary>Starts a lookup and keeps it (the caller holds the gate); evicts the least recently used name beyond capacity.</summary>
    private Task<IPAddress[]> Start(string host, long now)
    {
        Interlocked.Increment(ref _lookups);
        var entry = new Entry(host, now + _ttlMs);
        var node = _recency.AddFirst(entry);
        _entries[host] = node;
        while (_entries.Count > _capacity)
        {
            var oldest = _recency.Last!;
            _recency.RemoveLast();
            _entries.Remove(oldest.Value.Host);
        }

        // Run outside the gate: a lookup function that completes synchronously must not re-enter it.
        entry.Lookup = Task.Run(() => LookupAsync(entry));
        return entry.Lookup;
    }

    private async Task<IPAddress[]> LookupAsync(Entry entry)
    {
        try
        {
            var addresses = await _lookup(entry.Host, CancellationToken.None).ConfigureAwait(false);
            if (addresses is null || addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            return addresses;
        }
        catch
        {
            lock (_gate)
            {
                entry.Expires = Math.Min(entry.Expires, _clock() + _failureTtlMs);
            }

            throw;
        }
    }

    private sealed class Entry
    {
        public Entry(string host, long expires)
        {
            Host = host;
            Expires = expires;
        }

        public string Host { get; }

        /// <summary>Clock milliseconds after which the entry is looked up again; shortened when the lookup fails.</summary>
        public long Expires { get; set; }

        public Task<IPAddress[]> Lookup { get; set; } = null!;
    }
}
#endif

using System;
using System.Collections.Generic;
using System.Threading;

namespace AsyncWeb.Connections;

/// <summary>
/// A bounded set of shared, disposable values (HttpClients) by key. A caller rents the value for a key
/// (creating it on first use) and returns the lease when done. When more than the bound are kept, the
/// least recently used values that nobody rents are disposed; a value in use is never taken away (the
/// pool may then briefly hold more).
/// </summary>
internal sealed class LeasePool<TKey, TValue>
    where TKey : notnull
    where TValue : class, IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<TKey, Entry> _entries;
    private readonly Func<TKey, TValue> _create;
    private readonly int _bound;
    private long _clock;

    public LeasePool(int bound, Func<TKey, TValue> create, IEqualityComparer<TKey>? comparer = null)
    {
        if (bound < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "the pool must keep at least one value");
        }

        _bound = bound;
        _create = create;
        _entries = new Dictionary<TKey, Entry>(comparer);
    }

    /// <summary>Values kept (rented or idle).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The value for <paramref name="key"/>; dispose the lease when it is no longer used.</summary>
    public Lease Rent(TKey key)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry(_create(key));
                _entries.Add(key, entry);
            }

            entry.Leases++;
            entry.LastUsed = ++_clock;
            EvictIdleBeyondBound();
            return new Lease(this, entry);
        }
    }

    /// <summary>Disposes every value (module removal); leases still out keep working until their owner notices.</summary>
    public void Clear()
    {
        List<Entry> all;
        lock (_gate)
        {
            all = new List<Entry>(_entries.Values);
            _entries.Clear();
        }

        foreach (var entry in all)
        {
            entry.Value.Dispose();
        }
    }

    private void EvictIdleBeyondBound()
    {
        while (_entries.Count > _bound)
        {
            KeyValuePair<TKey, Entry>? oldest = null;
            foreach (var pair in _entries)
            {
                if (pair.Value.Leases == 0 && (oldest is null || pair.Value.LastUsed < oldest.Value.Value.LastUsed))
                {
                    oldest = pair;
                }
            }

            if (oldest is null)
            {
                return; // every value is in use
            }

            _entries.Remove(oldest.Value.Key);
            oldest.Value.Value.Value.Dispose();
        }
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Leases--;
            entry.LastUsed = ++_clock;
            EvictIdleBeyondBound();
        }
    }

    /// <summary>One use of a pooled value.</summary>
    public sealed class Lease : IDisposable
    {
        private LeasePool<TKey, TValue>? _pool;
        private readonly Entry _entry;

        internal Lease(LeasePool<TKey, TValue> pool, Entry entry)
        {
            _pool = pool;
            _entry = entry;
        }

        public TValue Value => _entry.Value;

        public void Dispose()
        {
            Interlocked.Exchange(ref _pool, null)?.Release(_entry);
        }
    }

    internal sealed class Entry
    {
        public Entry(TValue value) => Value = value;

        public TValue Value { get; }

        public int Leases { get; set; }

        public long LastUsed { get; set; }
    }
}

using System;

namespace AsyncWeb.Bodies;

/// <summary>
/// The requests reading bodies now (without -Ordered), of which only the lowest (index, page index) is ever asked for,
/// and only when the budget is spent. An array of the leases, each knowing its slot: adding and removing are a store or
/// two (the last lease fills a removed one's slot), with no hashing and no node; the lowest is kept while known and
/// looked for only when asked. Not thread-safe: <see cref="BodyBudget"/> holds its lock.
/// </summary>
internal sealed class RunningRequests
{
    private BudgetLease[] _leases = new BudgetLease[16];
    private (long Index, int PageIndex) _lowest;
    private bool _lowestKnown;

    public int Count { get; private set; }

    /// <summary>A new request is the lowest when it is below the lowest known, or the only one.</summary>
    public void Add(BudgetLease lease)
    {
        if (lease.Slot >= 0)
        {
            return;
        }

        if (Count == _leases.Length)
        {
            Array.Resize(ref _leases, Count * 2);
        }

        _leases[Count] = lease;
        lease.Slot = Count++;
        var request = lease.Request;
        if (Count == 1 || (_lowestKnown && request.CompareTo(_lowest) < 0))
        {
            (_lowest, _lowestKnown) = (request, true);
        }
    }

    /// <summary>When the lowest ends, the next lowest is looked for only once it is asked for.</summary>
    public void Remove(BudgetLease lease)
    {
        var slot = lease.Slot;
        if (slot < 0)
        {
            return;
        }

        var last = _leases[--Count];
        _leases[slot] = last;
        last.Slot = slot;
        _leases[Count] = null!;
        lease.Slot = -1;
        if (_lowestKnown && lease.Request == _lowest)
        {
            _lowestKnown = false;
        }
    }

    /// <summary>The lowest running request; call only when <see cref="Count"/> is above 0.</summary>
    public (long Index, int PageIndex) Lowest()
    {
        if (!_lowestKnown)
        {
            _lowest = (long.MaxValue, int.MaxValue);
            for (var i = 0; i < Count; i++)
            {
                if (_leases[i].Request.CompareTo(_lowest) < 0)
                {
                    _lowest = _leases[i].Request;
                }
            }

            _lowestKnown = true;
        }

        return _lowest;
    }
}

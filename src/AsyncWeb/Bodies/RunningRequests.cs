using System.Collections.Generic;

namespace AsyncWeb.Bodies;

/// <summary>
/// The requests reading bodies now (without -Ordered), of which only the lowest (index, page index) is ever asked for,
/// and only when the budget is spent: a set that keeps its lowest member while known, not a sorted tree, which would
/// pay a node and a rebalance per request. Not thread-safe: <see cref="BodyBudget"/> holds its lock.
/// </summary>
internal sealed class RunningRequests
{
    private readonly HashSet<(long Index, int PageIndex)> _running = new();
    private (long Index, int PageIndex) _lowest;
    private bool _lowestKnown;

    public int Count => _running.Count;

    /// <summary>A new request is the lowest when it is below the lowest known, or the only one.</summary>
    public void Add((long Index, int PageIndex) request)
    {
        if (_running.Add(request) && (_running.Count == 1 || (_lowestKnown && request.CompareTo(_lowest) < 0)))
        {
            (_lowest, _lowestKnown) = (request, true);
        }
    }

    /// <summary>When the lowest ends, the next lowest is looked for only once it is asked for.</summary>
    public void Remove((long Index, int PageIndex) request)
    {
        if (_running.Remove(request) && _lowestKnown && request == _lowest)
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
            foreach (var running in _running)
            {
                if (running.CompareTo(_lowest) < 0)
                {
                    _lowest = running;
                }
            }

            _lowestKnown = true;
        }

        return _lowest;
    }
}

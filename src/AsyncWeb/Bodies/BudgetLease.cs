using System;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Bodies;

/// <summary>One request's share of the <see cref="BodyBudget"/> while it runs (an item, or one page of it), across its attempts.</summary>
internal sealed class BudgetLease : IDisposable
{
    private readonly BodyBudget _budget;
    private long _reserved;
    private bool _closed;

    internal BudgetLease(BodyBudget budget, (long Index, int PageIndex) request)
    {
        _budget = budget;
        Request = request;
    }

    /// <summary>The request this lease reserves for: (index, page index).</summary>
    internal (long Index, int PageIndex) Request { get; }

    /// <summary>Its place among the running requests (<see cref="RunningRequests"/>, under the budget's lock); -1 when not there.</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>Reserves more room for a growing body; waits while the budget is full (see <see cref="BodyBudget"/>).</summary>
    public ValueTask ReserveAsync(long bytes, AttemptDeadline deadline)
    {
        if (_budget.TryReserve(Request, bytes))
        {
            _reserved += bytes;
            return default;
        }

        return WaitAsync(bytes, deadline);
    }

    /// <summary>A new attempt: what the last one read is thrown away, its room given back.</summary>
    public void Reset()
    {
        _budget.Unreserve(_reserved);
        _reserved = 0;
    }

    /// <summary>
    /// The item's result holds <paramref name="bytes"/> until the pipeline takes it (BatchEngine releases them then),
    /// and the request no longer runs.
    /// </summary>
    public void HandOver(long bytes)
    {
        _budget.HandOver(_reserved, bytes, this);
        _reserved = 0;
        _closed = true;
    }

    /// <summary>The request no longer runs (closed by <see cref="HandOver"/> already, or after a failure before it).</summary>
    public void Dispose()
    {
        if (!_closed)
        {
            _closed = true;
            _budget.Close(this);
        }
    }

    private async ValueTask WaitAsync(long bytes, AttemptDeadline deadline)
    {
        await _budget.ReserveAsync(Request, bytes, deadline).ConfigureAwait(false);
        _reserved += bytes;
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Bodies;

/// <summary>One request's share of the <see cref="BodyBudget"/> while it runs (an item, or one page of it), across its attempts.</summary>
internal sealed class BudgetLease : IDisposable
{
    private readonly BodyBudget _budget;
    private readonly (long Index, int PageIndex) _request;
    private long _reserved;
    private bool _closed;

    internal BudgetLease(BodyBudget budget, (long Index, int PageIndex) request)
    {
        _budget = budget;
        _request = request;
    }

    /// <summary>Reserves more room for a growing body; waits while the budget is full (see <see cref="BodyBudget"/>).</summary>
    public async ValueTask ReserveAsync(long bytes, AttemptDeadline deadline)
    {
        await _budget.ReserveAsync(_request, bytes, deadline).ConfigureAwait(false);
        _reserved += bytes;
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
        _budget.HandOver(_reserved, bytes, _request);
        _reserved = 0;
        _closed = true;
    }

    /// <summary>The request no longer runs (closed by <see cref="HandOver"/> already, or after a failure before it).</summary>
    public void Dispose()
    {
        if (!_closed)
        {
            _closed = true;
            _budget.Close(_request);
        }
    }
}

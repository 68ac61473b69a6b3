using System;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Bodies;

/// <summary>One item's share of the <see cref="BodyBudget"/> while it runs, across its attempts.</summary>
internal sealed class BudgetLease : IDisposable
{
    private readonly BodyBudget _budget;
    private readonly long _index;
    private long _reserved;

    internal BudgetLease(BodyBudget budget, long index)
    {
        _budget = budget;
        _index = index;
    }

    /// <summary>Reserves more room for a growing body; waits while the budget is full (see <see cref="BodyBudget"/>).</summary>
    public async ValueTask ReserveAsync(long bytes, AttemptDeadline deadline)
    {
        await _budget.ReserveAsync(_index, bytes, deadline).ConfigureAwait(false);
        _reserved += bytes;
    }

    /// <summary>A new attempt: what the last one read is thrown away, its room given back.</summary>
    public void Reset()
    {
        _budget.Unreserve(_reserved);
        _reserved = 0;
    }

    /// <summary>The item's result holds <paramref name="bytes"/> until the pipeline takes it (BatchEngine releases them then).</summary>
    public void HandOver(long bytes)
    {
        _budget.HandOver(_reserved, bytes);
        _reserved = 0;
    }

    /// <summary>The item no longer runs (after <see cref="HandOver"/>).</summary>
    public void Dispose() => _budget.Close(_index);
}

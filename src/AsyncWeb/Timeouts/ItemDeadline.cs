using System;
using System.Threading;

namespace AsyncWeb.Timeouts;

/// <summary>The whole item's deadline (TotalTimeoutSec), across attempts, retry delays and rate-limit waits (see <see cref="DeadlineClock.Item"/>).</summary>
internal readonly struct ItemDeadline : IDisposable
{
    // Null without TotalTimeoutSec: then only the batch cancels the item, and its token serves as it is
    // (a source per item would cost a source and a registration for nothing, and a struct costs no object).
    private readonly AttemptDeadline? _deadline;

    internal ItemDeadline(CancellationToken batch, AttemptDeadline? deadline)
    {
        _deadline = deadline;
        Token = deadline?.Token ?? batch;
    }

    public CancellationToken Token { get; }

    /// <summary>True when the item's own deadline passed (not the batch's cancellation).</summary>
    public bool Expired(CancellationToken batch) => _deadline is not null && _deadline.Fired() != TimerFired.None && !batch.IsCancellationRequested;

    public void Dispose() => _deadline?.Dispose();
}

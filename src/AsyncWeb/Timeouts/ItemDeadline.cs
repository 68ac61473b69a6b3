using System;
using System.Threading;

namespace AsyncWeb.Timeouts;

/// <summary>The whole item's deadline (TotalTimeoutSec), across attempts, retry delays and rate-limit waits.</summary>
internal sealed class ItemDeadline : IDisposable
{
    private readonly CancellationTokenSource _source;

    public ItemDeadline(CancellationToken batch, TimeSpan total)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(batch);
        if (total > TimeSpan.Zero)
        {
            _source.CancelAfter(total);
        }
    }

    public CancellationToken Token => _source.Token;

    /// <summary>True when the item's own deadline passed (not the batch's cancellation).</summary>
    public bool Expired(CancellationToken batch) => _source.IsCancellationRequested && !batch.IsCancellationRequested;

    public void Dispose() => _source.Dispose();
}

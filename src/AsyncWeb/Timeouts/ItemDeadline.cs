using System;
using System.Threading;

namespace AsyncWeb.Timeouts;

/// <summary>The whole item's deadline (TotalTimeoutSec), across attempts, retry delays and rate-limit waits.</summary>
internal readonly struct ItemDeadline : IDisposable
{
    // Null without TotalTimeoutSec: then only the batch cancels the item, and its token serves as it is
    // (a linked source per item would cost a source and a registration on the batch's token for nothing,
    // and a struct, not a class, costs no object either).
    private readonly CancellationTokenSource? _source;

    public ItemDeadline(CancellationToken batch, TimeSpan total)
    {
        if (total > TimeSpan.Zero)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(batch);
            _source.CancelAfter(total);
        }

        Token = _source?.Token ?? batch;
    }

    public CancellationToken Token { get; }

    /// <summary>True when the item's own deadline passed (not the batch's cancellation).</summary>
    public bool Expired(CancellationToken batch) => _source is { IsCancellationRequested: true } && !batch.IsCancellationRequested;

    public void Dispose() => _source?.Dispose();
}

using System;
using System.Threading;

namespace AsyncWeb.Timeouts;

/// <summary>
/// The cancellation source of one attempt at a time, kept by a <see cref="DeadlineClock"/> for the next attempt when
/// nothing cancelled it (its own registrations, the handler's included, are cleared then). A source that was
/// cancelled, or that a deadline or the batch is about to cancel, is never used again.
/// </summary>
internal sealed class DeadlineSlot
#if NET
    : IThreadPoolWorkItem
#endif
{
    private static readonly Action<object?> s_itemCancelled = static state => ((DeadlineSlot)state!).Cancel();
#if !NET
    private static readonly WaitCallback s_cancelLater = static state => ((DeadlineSlot)state!).Cancel();
#endif
    private CancellationTokenRegistration _item;
    private AttemptDeadline? _owner;

    public DeadlineSlot(int index)
    {
        Index = index;
    }

    /// <summary>Where the clock keeps this slot in its list of slots to look at.</summary>
    public int Index { get; }

    public CancellationTokenSource Source { get; private set; } = new();

    /// <summary>The attempt that holds the slot now (null while it waits in the pool).</summary>
    public AttemptDeadline? Owner => Volatile.Read(ref _owner);

    /// <summary>True when the batch's cancellation reaches this attempt through the clock's one registration, not one of its own.</summary>
    public bool Watched { get; private set; }

    /// <summary>
    /// The slot serves <paramref name="owner"/>: the item's cancellation reaches it through the clock's registration
    /// (<paramref name="watched"/>) or through one of its own on <paramref name="item"/>. Published before the item's
    /// state is read, so a cancellation either finds the owner here or is seen by this check.
    /// </summary>
    public void Attach(AttemptDeadline owner, CancellationToken item, bool watched)
    {
        Watched = watched;
        Interlocked.Exchange(ref _owner, owner);
        if (!watched)
        {
#if NET
            _item = item.UnsafeRegister(s_itemCancelled, this);
#else
            _item = item.Register(s_itemCancelled, this);
#endif
        }
        else if (item.IsCancellationRequested)
        {
            Cancel();
        }
    }

    /// <summary>
    /// The attempt ended: its registration on the item is removed (waiting for a callback under way), and the source
    /// is made ready for the next attempt unless it was cancelled or <paramref name="doomed"/>. False: drop the slot.
    /// </summary>
    public bool Detach(bool doomed)
    {
        _item.Dispose();
        _item = default;
        Volatile.Write(ref _owner, null);
        if (doomed || Source.IsCancellationRequested)
        {
            return false;
        }

#if NET
        return Source.TryReset();
#else
        // No TryReset before .NET 6: a fresh source, so no callback registered on the old one can act on the next attempt.
        Source.Dispose();
        Source = new CancellationTokenSource();
        return true;
#endif
    }

    /// <summary>A deadline passed: the source is cancelled on a pool thread, as a timer of its own would have done.</summary>
    public void CancelLater()
    {
#if NET
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
#else
        ThreadPool.UnsafeQueueUserWorkItem(s_cancelLater, this);
#endif
    }

#if NET
    void IThreadPoolWorkItem.Execute() => Cancel();
#endif

    public void Cancel()
    {
        try
        {
            Source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The clock was disposed with the engine meanwhile.
        }
    }
}

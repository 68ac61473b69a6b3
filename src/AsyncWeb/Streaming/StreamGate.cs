using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Streaming;

/// <summary>
/// The bound between the streams' readers and the pipeline: the bytes of stream items handed over but not yet
/// taken. A reader enters an item's bytes before handing it over and waits, first come first served, while the
/// queue holds its bound or more; the pipeline leaves them when it takes the item. A single item larger than the
/// bound still passes when the queue is below it, so no stream waits forever: memory stays within the bound plus
/// one item per open stream. While nobody waits, entering and leaving are one interlocked operation each: no lock
/// is taken per item, so the readers and the pipeline thread do not contend for one.
/// </summary>
internal sealed class StreamGate
{
    private readonly long _bound;
    private readonly object _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _queued;
    private long _peak;
    private int _waiting; // _waiters.Count, readable without the lock

    public StreamGate(long bound) => _bound = Math.Max(1, bound);

    /// <summary>Bytes handed over and not yet taken.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>The most bytes that were queued at once (for the closing verbose line and tests of the bound).</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>What an item holds in memory while it waits: its strings (two bytes a character) and the objects around them.</summary>
    public static long CostOf(WebBatchStreamItem item) =>
        2L * (item.Data.Length + (item.Event?.Length ?? 0) + (item.Id?.Length ?? 0)) + ItemOverhead;

    private const int ItemOverhead = 160;

    /// <summary>Enters <paramref name="bytes"/>: at once while the queue is below its bound and nobody waits, otherwise in turn.</summary>
    public ValueTask EnterAsync(long bytes, CancellationToken token)
    {
        if (Volatile.Read(ref _waiting) == 0 && TryAdd(bytes))
        {
            return default;
        }

        LinkedListNode<Waiter> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && TryAdd(bytes))
            {
                return default;
            }

            token.ThrowIfCancellationRequested();
            node = _waiters.AddLast(new Waiter(bytes));
            Interlocked.Exchange(ref _waiting, _waiters.Count); // a fence: then the queue is read again (Admit)
        }

        // A Leave that did not see this waiter yet may have made room: look again, so it is never stranded.
        Admit();
        return new ValueTask(WaitAsync(node, token));
    }

    /// <summary>The pipeline took an item: its bytes leave the queue, and waiting readers enter while there is room.</summary>
    public void Leave(long bytes)
    {
        Interlocked.Add(ref _queued, -bytes); // a fence: then the waiters are read
        if (Volatile.Read(ref _waiting) > 0)
        {
            Admit();
        }
    }

    /// <summary>Waiting readers enter, first come first served, while the queue is below its bound.</summary>
    private void Admit()
    {
        List<Waiter>? admitted = null;
        lock (_lock)
        {
            while (_waiters.First is { } first && Interlocked.Read(ref _queued) < _bound)
            {
                _waiters.RemoveFirst();
                Raise(Interlocked.Add(ref _queued, first.Value.Bytes));
                (admitted ??= new List<Waiter>()).Add(first.Value);
            }

            Volatile.Write(ref _waiting, _waiters.Count);
        }

        // Continuations run outside the lock (the source runs them asynchronously anyway).
        if (admitted is not null)
        {
            foreach (var waiter in admitted)
            {
                waiter.Entered.TrySetResult(true);
            }
        }
    }

    private async Task WaitAsync(LinkedListNode<Waiter> node, CancellationToken token)
    {
        using (token.Register(static state =>
        {
            var (gate, waiting) = ((StreamGate, LinkedListNode<Waiter>))state!;
            gate.Abandon(waiting);
        }, (this, node)))
        {
            await node.Value.Entered.Task.ConfigureAwait(false);
        }
    }

    /// <summary>A waiting reader was cancelled: it leaves the line without entering.</summary>
    private void Abandon(LinkedListNode<Waiter> node)
    {
        lock (_lock)
        {
            if (node.List is null)
            {
                return; // it entered already
            }

            _waiters.Remove(node);
            Volatile.Write(ref _waiting, _waiters.Count);
        }

        node.Value.Entered.TrySetCanceled();
    }

    /// <summary>Adds <paramref name="bytes"/> if the queue is below its bound (a single item may take it past).</summary>
    private bool TryAdd(long bytes)
    {
        var queued = Interlocked.Read(ref _queued);
        while (queued < _bound)
        {
            var seen = Interlocked.CompareExchange(ref _queued, queued + bytes, queued);
            if (seen == queued)
            {
                Raise(queued + bytes);
                return true;
            }

            queued = seen;
        }

        return false;
    }

    private void Raise(long queued)
    {
        var peak = Interlocked.Read(ref _peak);
        while (queued > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, queued, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    private sealed class Waiter
    {
        public Waiter(long bytes) => Bytes = bytes;

        public long Bytes { get; }

        public TaskCompletionSource<bool> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Bodies;

/// <summary>
/// The batch's budget for bodies held in memory (-MaximumBufferSize). Reading a body reserves its
/// buffer as it grows; a finished result holds its bytes until the pipeline takes it. Admission waits
/// while the budget is full, and so does a reader that would overflow it, with one exception that
/// keeps the budget from ever deadlocking: the running item with the lowest index proceeds when nothing
/// else can free room (no finished result waits to be taken; under -Ordered always, since the results
/// waiting there may be waiting for that very item). Body memory stays within the budget plus one
/// -MaximumResponseSize.
/// </summary>
internal sealed class BodyBudget
{
    private readonly long _limit;
    private readonly bool _ordered;
    private readonly object _gate = new();
    private readonly SortedSet<long> _running = new();
    private long _reserved;
    private long _results;
    private int _waiting;
    private TaskCompletionSource<bool> _changed = NewSignal();

    public BodyBudget(long limit, bool ordered)
    {
        _limit = limit;
        _ordered = ordered;
    }

    /// <summary>Bytes reserved by readers and held by results not yet taken.</summary>
    public long Used
    {
        get
        {
            lock (_gate)
            {
                return _reserved + _results;
            }
        }
    }

    /// <summary>True when admitting more would not help: the budget is spent, or a reader is waiting for it.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return _reserved + _results >= _limit || _waiting > 0;
            }
        }
    }

    /// <summary>What a result's body occupies: its bytes, or its text (two bytes a character).</summary>
    public static long SizeOf(string? content, byte[]? rawContent) => rawContent?.LongLength ?? (content?.Length ?? 0) * 2L;

    /// <summary>Registers item <paramref name="index"/> as running: its reads reserve through the lease.</summary>
    public BudgetLease Open(long index)
    {
        lock (_gate)
        {
            _running.Add(index);
        }

        return new BudgetLease(this, index);
    }

    /// <summary>A result the pipeline took: the bytes it held are free again.</summary>
    public void Release(long bytes) => Change(ref _results, -bytes);

    internal void Unreserve(long bytes) => Change(ref _reserved, -bytes);

    /// <summary>A finished item's reservation becomes its result's hold.</summary>
    internal void HandOver(long reserved, long held)
    {
        lock (_gate)
        {
            _reserved -= reserved;
            _results += held;
            Signal();
        }
    }

    internal async ValueTask ReserveAsync(long index, long bytes, AttemptDeadline deadline)
    {
        var held = false;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_reserved + _results + bytes <= _limit || (index == _running.Min && (_ordered || _results == 0)))
                {
                    _reserved += bytes;
                    break;
                }

                _waiting++;
                changed = _changed.Task;
            }

            // Waiting on the budget is not the server's silence: only the whole-attempt deadline runs meanwhile.
            deadline.Hold();
            held = true;
            try
            {
                await WaitAsync(changed, deadline.Token).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                {
                    _waiting--;
                }
            }
        }

        if (held)
        {
            deadline.Restart();
        }
    }

    internal void Close(long index)
    {
        lock (_gate)
        {
            _running.Remove(index);
            Signal();
        }
    }

    private static async Task WaitAsync(Task changed, CancellationToken token)
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetResult(true), cancelled))
        {
            await Task.WhenAny(changed, cancelled.Task).ConfigureAwait(false);
        }

        token.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Change(ref long counter, long delta)
    {
        if (delta == 0)
        {
            return;
        }

        lock (_gate)
        {
            counter += delta;
            Signal();
        }
    }

    // Under the lock: wakes every waiter to look again (room freed, or a new lowest running item).
    private void Signal()
    {
        if (_waiting == 0)
        {
            return;
        }

        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult(true);
    }
}

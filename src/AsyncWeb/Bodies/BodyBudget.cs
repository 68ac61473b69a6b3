using System;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Sending;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Bodies;

/// <summary>
/// The batch's budget for bodies held in memory (-MaximumBufferSize). A response's headers are reserved when
/// they arrive, then its body's buffer as it grows; a finished result holds its bytes until the pipeline takes it. Admission waits
/// while the budget is full, and so does a reader that would overflow it. Every request in flight, each page
/// of an item included, has its own entry. One exception keeps the budget from ever deadlocking: one request
/// at a time may read past the budget, until the pipeline takes its result: under -Ordered the one whose result
/// leaves next (the results waiting may be waiting for it), otherwise the running request with the lowest
/// (index, page index) when no finished result waits to be taken. Body memory stays within the budget plus one
/// -MaximumResponseSize. Under -Ordered, while the budget is spent the request whose result leaves next may have to
/// start past the slot limits (<see cref="Awaited"/>): the slots may all be held by requests waiting for room that
/// only its result frees.
/// </summary>
internal sealed class BodyBudget
{
    private readonly long _limit;
    private readonly bool _ordered;
    private readonly object _gate = new();
    private readonly RunningRequests _running = new();
    private (long Index, int PageIndex)? _past;   // the request reading past the budget, until its result is taken
    private (long Index, int PageIndex)? _next;   // -Ordered: the request whose result leaves next
    private long _used;      // reserved by readers and held by results; written under the lock, read without it
    private long _results;   // held by results not yet taken
    private long _peak;
    private volatile int _waiting;
    private TaskCompletionSource<bool> _changed = NewSignal();

    public BodyBudget(long limit, bool ordered)
    {
        _limit = limit;
        _ordered = ordered;
    }

    /// <summary>Bytes reserved by readers and held by results not yet taken.</summary>
    public long Used => Read(ref _used);

    /// <summary>The most bytes reserved and held at once so far: what the batch's bodies took at their peak.</summary>
    public long Peak => Read(ref _peak);

    /// <summary>True when admitting more would not help: the budget is spent, or a reader is waiting for it (a snapshot, without the lock).</summary>
    public bool IsFull => Read(ref _used) >= _limit || _waiting > 0;

    /// <summary>
    /// -Ordered: the request whose result leaves next, while the budget is spent; null otherwise. The results and
    /// readers that fill the budget wait for exactly it, so it must not wait for a slot (HostAdmission).
    /// </summary>
    public (long Index, int PageIndex)? Awaited
    {
        get
        {
            lock (_gate)
            {
                return _ordered && _next is { } next && (_used >= _limit || _waiting > 0)
                    ? next
                    : null;
            }
        }
    }

    /// <summary>Called (outside the lock) when a reader begins to wait for room: <see cref="Awaited"/> may have become due.</summary>
    public Action? Waits { get; set; }

    /// <summary>
    /// What a result holds until the pipeline takes it: its body (bytes, or text at two bytes a character) and its headers.
    /// Counted once, when the request hands its result over: the pipeline thread gives back exactly that, without counting again.
    /// </summary>
    public static long HeldBy(WebBatchResult result)
    {
        if (result.HeldBytes < 0)
        {
            result.HeldBytes = (result.RawContent?.LongLength ?? (result.Content?.Length ?? 0) * 2L) + ResponseHeaders.SizeOf(result.HeldHeaders);
        }

        return result.HeldBytes;
    }

    /// <summary>Registers page <paramref name="pageIndex"/> of item <paramref name="index"/> as running: its reads reserve through the lease.</summary>
    public BudgetLease Open(long index, int pageIndex = 0)
    {
        var lease = new BudgetLease(this, (index, pageIndex));
        if (!_ordered)
        {
            // Only without -Ordered does the lowest running request matter (MayReserve).
            lock (_gate)
            {
                _running.Add(lease);
            }
        }

        return lease;
    }

    /// <summary>-Ordered: the request whose result leaves next, or null when none is admitted.</summary>
    public void Next((long Index, int PageIndex)? request)
    {
        lock (_gate)
        {
            _next = request;
            Signal();
        }
    }

    /// <summary>The result of <paramref name="request"/> was taken by the pipeline: the bytes it held are free again.</summary>
    public void Release(long bytes, (long Index, int PageIndex) request)
    {
        lock (_gate)
        {
            _results -= bytes;
            _used -= bytes;
            if (_past == request)
            {
                _past = null;
            }

            Signal();
        }
    }

    internal void Unreserve(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        lock (_gate)
        {
            _used -= bytes;
            Signal();
        }
    }

    /// <summary>A finished item's reservation becomes its result's hold, and the request no longer runs: one step, under one lock.</summary>
    internal void HandOver(long reserved, long held, BudgetLease lease)
    {
        lock (_gate)
        {
            _used += held - reserved;
            _results += held;
            if (!_ordered)
            {
                _running.Remove(lease);
            }

            NotePeak();
            Signal();
        }
    }

    /// <summary>Room granted now when it may be (see the class summary): the usual case, without an async frame.</summary>
    internal bool TryReserve((long Index, int PageIndex) request, long bytes)
    {
        lock (_gate)
        {
            return Grant(request, bytes);
        }
    }

    internal async ValueTask ReserveAsync((long Index, int PageIndex) request, long bytes, AttemptDeadline deadline)
    {
        var held = false;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (Grant(request, bytes))
                {
                    break;
                }

                _waiting++;
                changed = _changed.Task;
            }

            // Waiting on the budget is not the server's silence: only the whole-attempt deadline runs meanwhile.
            deadline.Hold();
            if (!held)
            {
                Waits?.Invoke();
            }

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

    // Under the lock: reserves the room when the request may have it.
    private bool Grant((long Index, int PageIndex) request, long bytes)
    {
        if (!MayReserve(request, _used + bytes))
        {
            return false;
        }

        _used += bytes;
        if (_used > _limit)
        {
            _past = request;
        }

        NotePeak();
        return true;
    }

    // Under the lock: whether the request may have room that would bring the total to `total` (see the class summary).
    private bool MayReserve((long Index, int PageIndex) request, long total)
    {
        if (total <= _limit || _past == request)
        {
            return true;
        }

        if (_past is not null)
        {
            return false;
        }

        return _ordered
            ? request == _next
            : _results == 0 && _running.Count > 0 && request == _running.Lowest();
    }

    internal void Close(BudgetLease lease)
    {
        if (_ordered)
        {
            return; // nothing waits on the running requests under -Ordered (see Open)
        }

        lock (_gate)
        {
            _running.Remove(lease);
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

    // A long written under the lock, read without it where that is atomic (.NET; a 32-bit .NET Framework could tear it).
    private long Read(ref long value)
    {
#if NET
        return Volatile.Read(ref value);
#else
        lock (_gate)
        {
            return value;
        }
#endif
    }

    // Under the lock.
    private void NotePeak()
    {
        if (_used > _peak)
        {
            _peak = _used;
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

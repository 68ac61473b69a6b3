using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using AsyncWeb.Batch;

namespace AsyncWeb.Timeouts;

/// <summary>
/// The deadlines of an engine's attempts on one timer. A timer per attempt cost a timer object and the runtime's
/// timer-queue lock (shared by every request) when it was created, brought forward and disposed, and a source linked
/// to the batch's token a registration under that token's lock (shared too). Here one timer is set for the earliest
/// time any attempt may be due: when it fires, the attempts whose deadline passed are cancelled and the timer is set
/// for the next. An attempt only moves its own due time (under its own lock); the clock's lock and timer are touched
/// only when a due time comes before the timer's. The batch's cancellation reaches every attempt through one
/// registration, and an attempt's cancellation source is reused when nothing cancelled it.
/// </summary>
internal sealed class DeadlineClock : IDisposable
{
    private static readonly TimerCallback s_tick = static state => ((DeadlineClock)state!).Tick();
    private static readonly Action<object?> s_batchCancelled = static state => ((DeadlineClock)state!).CancelWatched();
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<DeadlineSlot> _free = new();
    private readonly object _gate = new();
    private readonly Stack<int> _holes = new();   // indexes of dropped slots, under _gate
    private readonly ITimer _timer;
    private readonly long _totalTicks;            // TotalTimeoutSec in the clock's ticks: each item has a deadline and a token of its own
    private DeadlineSlot?[] _slots = new DeadlineSlot?[16]; // every slot, in use or pooled; replaced (grown) under _gate
    private int _count;                           // slots [0, _count) may be set
    private long _wake = long.MaxValue;           // when the timer fires (timestamp); MaxValue: not set
    private volatile bool _watching;
    private CancellationToken _watched;           // the batch's token, once an attempt brought it
    private CancellationTokenRegistration _watch;
    private bool _disposed;

    public DeadlineClock(BatchOptions options)
#if NET
        : this(options, MillisecondClock.Instance)
#else
        : this(options, TimeProvider.System)
#endif
    {
    }

    /// <summary>On the clock of <paramref name="time"/> (timestamps and the one timer): unit tests pass a fake one.</summary>
    internal DeadlineClock(BatchOptions options, TimeProvider time)
    {
        _time = time;
        Silence = options.OperationTimeout;
        Attempt = options.Timeout;
        ConnectAllowance = options.ConnectTimeout;
        _totalTicks = Ticks(options.TotalTimeout);
        SilenceTicks = Ticks(Silence);
        Connecting = Silence > TimeSpan.Zero ? Silence + ConnectAllowance : TimeSpan.Zero;
        ConnectingTicks = Ticks(Connecting);
        AttemptTicks = Ticks(Attempt);
        _timer = time.CreateTimer(s_tick, this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>An allowance of <see cref="NoDeadline"/> ticks sets no deadline.</summary>
    internal const long NoDeadline = -1;

    public TimeSpan Silence { get; }

    public TimeSpan Attempt { get; }

    public TimeSpan ConnectAllowance { get; }

    /// <summary>The silence allowed before the request is on a connection: the silence plus the connect allowance; zero without a silence deadline.</summary>
    public TimeSpan Connecting { get; }

    // The allowances in the clock's ticks, worked out once (rounded up: a deadline is never shorter than asked), or NoDeadline.
    internal long SilenceTicks { get; }

    internal long ConnectingTicks { get; }

    internal long AttemptTicks { get; }

    /// <summary>Slots made so far and not dropped (in use or pooled): reuse keeps this at the peak of attempts in flight.</summary>
    internal int Slots
    {
        get
        {
            lock (_gate)
            {
                return _count - _holes.Count;
            }
        }
    }

    /// <summary>When the timer fires next (a timestamp of the clock), MaxValue when it is not set.</summary>
    internal long Wake => Volatile.Read(ref _wake);

    /// <summary>
    /// Starts the deadlines of an attempt of an item cancelled by <paramref name="item"/>. Until the request is written on a connection the wait allows
    /// for opening one too (ConnectTimeout + OperationTimeout). On net8.0 the connect callback bounds DNS and
    /// connect by ConnectTimeout, so a slow connect is reported as ConnectTimeout, never as server silence,
    /// and an HTTP/1.x connection tells when the request is written on it (<see cref="AttemptDeadline.ConnectionReady"/>);
    /// netstandard2.0's HttpClientHandler has neither, so there this allowance is the only bound, also of the
    /// wait for the headers, and a connect that never completes reads as OperationTimeout.
    /// </summary>
    public AttemptDeadline Start(CancellationToken item)
    {
        var deadline = new AttemptDeadline(this, item);
        deadline.Connecting();
        return deadline;
    }

    /// <summary>
    /// The whole item's deadline (TotalTimeoutSec), across its attempts, retry delays and rate-limit waits, on a source of
    /// the clock's; without it the batch's token serves as it is.
    /// </summary>
    public ItemDeadline Item(CancellationToken batch) =>
        _totalTicks != NoDeadline ? new ItemDeadline(batch, Fixed(batch, _totalTicks)) : new ItemDeadline(batch, null);

    public long Now() => _time.GetTimestamp();

    /// <summary>Whether <paramref name="at"/> is within <paramref name="tolerance"/> of <paramref name="deadline"/> or past it.</summary>
    public bool Reached(long at, long deadline, TimeSpan tolerance) => at >= deadline - (long)(tolerance.TotalSeconds * _time.TimestampFrequency);

    /// <summary>A source for <paramref name="owner"/>: a pooled one that nothing cancelled, else a new one.</summary>
    internal DeadlineSlot Rent(AttemptDeadline owner, CancellationToken item)
    {
        DeadlineSlot? slot;
        while (_free.TryDequeue(out slot) && slot.Source.IsCancellationRequested)
        {
            Drop(slot); // the batch's cancellation reached it in the pool: a batch cancelled ends every attempt anyway
        }

        slot ??= Add();
        slot.Attach(owner, item, Watches(item));
        return slot;
    }

    /// <summary>The attempt of <paramref name="slot"/> ended: the slot goes back to the pool unless its source is spent.</summary>
    internal void Return(DeadlineSlot slot, bool doomed)
    {
        if (slot.Detach(doomed) && !Volatile.Read(ref _disposed))
        {
            _free.Enqueue(slot);
            return;
        }

        Drop(slot);
    }

    /// <summary>A due time was set before the timer's: the timer fires then.</summary>
    internal void BringForward(long due)
    {
        lock (_gate)
        {
            if (!_disposed && due < _wake)
            {
                _wake = due;
                var wait = Math.Max((long)Math.Ceiling((due - _time.GetTimestamp()) * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency), TimeSpan.TicksPerMillisecond);
                _timer.Change(TimeSpan.FromTicks(wait), Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _wake = long.MinValue; // nothing brings the timer forward any more
            _timer.Dispose();
        }

        _watch.Dispose();
        while (_free.TryDequeue(out var slot))
        {
            Drop(slot);
        }
    }

    // The timer fired: the attempts whose deadline passed are cancelled, and the timer is set for the earliest of the others.
    // _wake is cleared first, so an attempt that brings its due time forward while the slots are looked at sets the timer itself.
    private void Tick()
    {
        DeadlineSlot?[] slots;
        int count;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // A full fence: an attempt that moves its due time either sees the timer cleared or is seen by the loop below.
            Interlocked.Exchange(ref _wake, long.MaxValue);
            (slots, count) = (_slots, _count);
        }

        var now = _time.GetTimestamp();
        var next = long.MaxValue;
        for (var i = 0; i < count; i++)
        {
            if (Volatile.Read(ref slots[i]) is { Owner: { } owner } slot)
            {
                next = Math.Min(next, owner.Expire(slot, now));
            }
        }

        if (next != long.MaxValue)
        {
            BringForward(next);
        }
    }

    // The batch was cancelled: every attempt that relies on the clock's registration is cancelled now, as a linked source would be.
    private void CancelWatched()
    {
        DeadlineSlot?[] slots;
        int count;
        lock (_gate)
        {
            (slots, count) = (_slots, _count);
        }

        for (var i = 0; i < count; i++)
        {
            if (Volatile.Read(ref slots[i]) is { Owner: { } owner } slot && owner.Doom(slot, watchedOnly: true))
            {
                slot.Cancel();
            }
        }
    }

    // Whether the batch's cancellation reaches an attempt on `item` through the clock's one registration. The first
    // cancellable token the clock is given is the batch's: an item's, or its first attempt's when the item has no deadline.
    private bool Watches(CancellationToken item)
    {
        if (!item.CanBeCanceled)
        {
            return false;
        }

        if (!_watching)
        {
            lock (_gate)
            {
                if (!_watching && !_disposed)
                {
                    _watched = item;
                    _watching = true;
#if NET
                    _watch = item.UnsafeRegister(s_batchCancelled, this);
#else
                    _watch = item.Register(s_batchCancelled, this);
#endif
                }
            }
        }

        return _watching && item == _watched;
    }

    private long Ticks(TimeSpan span) =>
        span > TimeSpan.Zero ? (long)Math.Ceiling((decimal)span.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond) : NoDeadline;

    private AttemptDeadline Fixed(CancellationToken item, long whole)
    {
        var deadline = new AttemptDeadline(this, item, whole);
        deadline.Hold(); // only the fixed deadline runs
        return deadline;
    }

    private DeadlineSlot Add()
    {
        lock (_gate)
        {
            var index = _holes.Count > 0 ? _holes.Pop() : _count++;
            if (index == _slots.Length)
            {
                var grown = new DeadlineSlot?[_slots.Length * 2];
                Array.Copy(_slots, grown, _slots.Length);
                _slots = grown;
            }

            var slot = new DeadlineSlot(index);
            Volatile.Write(ref _slots[index], slot);
            return slot;
        }
    }

    private void Drop(DeadlineSlot slot)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_slots[slot.Index], slot))
            {
                Volatile.Write(ref _slots[slot.Index], null);
                _holes.Push(slot.Index);
            }
        }

        // Its source is not disposed: a cancellation the clock or the item decided may still be on its way to it.
    }
}

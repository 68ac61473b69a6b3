using System;
using System.Globalization;
using System.Threading;
using AsyncWeb.Batch;

namespace AsyncWeb.Timeouts;

/// <summary>
/// The deadlines of one attempt on one cancellation token: the silence (operation) deadline, which
/// first also allows for opening a connection, starts afresh once the request is on a connection
/// and is pushed back whenever the server sends something, and the fixed whole-attempt deadline
/// (TimeoutSec). Its <see cref="DeadlineClock"/> cancels it when whichever comes first passes; which one
/// fired is told by the clock afterwards, and how long the server had been silent by the allowance that was armed.
/// <para>
/// Pushing the deadline back (every chunk the server sends, the headers, the hand-over to a connection) only moves
/// the due time, without a lock (and not even that when it is unchanged); the clock looks at it when its
/// timer fires and sets the timer again for the rest. Only a due time before the clock's timer changes that timer.
/// </para>
/// <para>
/// The token's source is the clock's and serves another attempt once this one is disposed: nothing may use
/// <see cref="Token"/> after <see cref="Dispose"/> (a late call of the other members changes nothing).
/// </para>
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    private static readonly TimeSpan s_tolerance = TimeSpan.FromMilliseconds(20);
    private const int Running = 0;       // _state: the attempt runs
    private const int Doomed = 1;        // a deadline or the batch cancels the slot's source: it is never reused
    private const int Ended = 2;         // disposed
    private readonly DeadlineClock _clock;
    private readonly CancellationToken _token;
    private readonly long _attemptDeadline;
    private long _bodySent;
    private TimeSpan _armed;
    private volatile SilenceStage _stage;
    private DeadlineSlot? _slot;         // null once disposed
    private long _due = long.MaxValue;   // when the attempt is cancelled (the clock's timestamps); MaxValue: no deadline runs
    private int _state;                  // Running, Doomed or Ended, moved only by Interlocked: whichever of a deadline, the batch and the end comes first wins
    private bool _endedCancelled;        // the source was cancelled when the attempt ended
    private bool _ownsClock;

    /// <summary>The deadlines of an attempt (of the clock's options), or with <paramref name="whole"/> (the clock's ticks) one fixed deadline, armed by <see cref="Hold"/>.</summary>
    internal AttemptDeadline(DeadlineClock clock, CancellationToken item, long? whole = null)
    {
        _clock = clock;
        var fixedTicks = whole ?? clock.AttemptTicks;
        _attemptDeadline = fixedTicks != DeadlineClock.NoDeadline ? clock.Now() + fixedTicks : long.MaxValue;
        _slot = clock.Rent(this, item);
        _token = _slot.Source.Token;
    }

    /// <summary>An attempt on a clock of its own, disposed with it (a one-off attempt; an engine's attempts share its clock).</summary>
    public static AttemptDeadline Start(CancellationToken item, BatchOptions options)
    {
        var deadline = new DeadlineClock(options).Start(item);
        deadline._ownsClock = true;
        return deadline;
    }

    /// <summary>Cancelled when a deadline passes or the item is cancelled.</summary>
    public CancellationToken Token => _token;

    /// <summary>A request (the first, a redirect hop, a resume) is handed to the handler: it may need a new connection.</summary>
    public void Connecting()
    {
        _stage = SilenceStage.Connecting;
        Arm(_clock.Connecting, _clock.ConnectingTicks);
    }

    /// <summary>The request is being written on a connection, new or reused: from here the server's silence counts in full.</summary>
    public void ConnectionReady()
    {
        if (_stage == SilenceStage.Connecting)
        {
            _stage = SilenceStage.Headers;
        }

        Restart();
    }

    /// <summary>The response headers arrived: later silences are waits for the body.</summary>
    public void Answered()
    {
        _stage = SilenceStage.Body;
        Restart();
    }

    /// <summary>The server said something: the silence deadline starts again.</summary>
    public void Restart() => Arm(_clock.Silence, _clock.SilenceTicks);

    /// <summary>What the silence deadline was waiting for and how long the server had been silent when it fired.</summary>
    public string Silence() => _stage switch
    {
        SilenceStage.Connecting => string.Create(CultureInfo.InvariantCulture,
            $"no response headers came within {_armed.TotalSeconds:0.###} s while a connection was opened and the request sent (ConnectTimeoutSec {_clock.ConnectAllowance.TotalSeconds:0.###} + OperationTimeoutSec {_clock.Silence.TotalSeconds:0.###}: the connect allowance applies until the request is on a connection)"),
        SilenceStage.Headers => string.Create(CultureInfo.InvariantCulture,
            $"the server sent no response headers for {_armed.TotalSeconds:0.###} s after the request (OperationTimeoutSec)"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"the server sent nothing for {_armed.TotalSeconds:0.###} s (OperationTimeoutSec)"),
    };

    // Uploads: the request body counts as activity, so a long upload is never server silence.

    /// <summary>Request body bytes sent with the latest request of this attempt (a redirect or resumed request sends its body again).</summary>
    public long BytesSent => Interlocked.Read(ref _bodySent);

    /// <summary>A request starts sending its body: <see cref="BytesSent"/> counts that body.</summary>
    public void BodyStarting() => Interlocked.Exchange(ref _bodySent, 0);

    /// <summary>Part of the request body went out: the silence deadline starts again.</summary>
    public void BodySent(int bytes)
    {
        Interlocked.Add(ref _bodySent, bytes);
        ConnectionReady();
    }

    /// <summary>The client, not the server, is waiting (for memory): only the whole-attempt deadline runs until <see cref="Restart"/>.</summary>
    public void Hold()
    {
        if (_attemptDeadline != long.MaxValue)
        {
            Arm(TimeSpan.Zero, DeadlineClock.NoDeadline);
            return;
        }

        Volatile.Write(ref _due, long.MaxValue); // the clock finds nothing due here
    }

    /// <summary>Which deadline cancelled the attempt, if one did.</summary>
    public TimerFired Fired()
    {
        var slot = Volatile.Read(ref _slot);
        if (!(slot is null ? _endedCancelled : slot.Source.IsCancellationRequested))
        {
            return TimerFired.None;
        }

        return _attemptDeadline != long.MaxValue && _clock.Reached(_clock.Now(), _attemptDeadline, s_tolerance)
            ? TimerFired.Request
            : TimerFired.Operation;
    }

    /// <summary>Ends the attempt's deadlines: its source goes back to the clock (and to another attempt when nothing cancelled it).</summary>
    public void Dispose()
    {
        var was = Interlocked.Exchange(ref _state, Ended);
        if (was == Ended)
        {
            return;
        }

        var slot = _slot!;
        _endedCancelled = was == Doomed || slot.Source.IsCancellationRequested;
        Volatile.Write(ref _slot, null);
        _clock.Return(slot, was == Doomed);
        if (_ownsClock)
        {
            _clock.Dispose();
        }
    }

    /// <summary>
    /// The clock's timer fired at <paramref name="now"/>: when this attempt's deadline passed its source (<paramref name="slot"/>,
    /// the one it holds) is cancelled and never reused; otherwise the due time to look again at (MaxValue: none).
    /// </summary>
    internal long Expire(DeadlineSlot slot, long now)
    {
        if (Volatile.Read(ref _state) != Running)
        {
            return long.MaxValue;
        }

        var due = Volatile.Read(ref _due);
        if (now < due)
        {
            return due;
        }

        if (Interlocked.CompareExchange(ref _state, Doomed, Running) == Running)
        {
            slot.CancelLater();
        }

        return long.MaxValue;
    }

    /// <summary>The item's cancellation reaches this attempt through <paramref name="slot"/>, the one it holds: true when it still runs (then the slot is never reused).</summary>
    internal bool Doom(DeadlineSlot slot, bool watchedOnly) =>
        (!watchedOnly || slot.Watched) && Interlocked.CompareExchange(ref _state, Doomed, Running) == Running;

    // The silence deadline starts again with an allowance of `ticks` (NoDeadline: none; `silence` is the same for the message).
    // No lock: the due time is one word, and the clock only reads it. The exchange is a full fence, so a clock that cleared
    // its timer to look at the attempts either sees this due time or is seen here (it clears the timer with a fence too).
    // A due time already set (the same millisecond, the same allowance) changes nothing: no write, no timer.
    private void Arm(TimeSpan silence, long ticks)
    {
        _armed = silence;
        var due = ticks != DeadlineClock.NoDeadline ? _clock.Now() + ticks : long.MaxValue;
        if (_attemptDeadline < due)
        {
            due = _attemptDeadline;
        }

        if (due == Volatile.Read(ref _due) || Volatile.Read(ref _state) != Running)
        {
            return;
        }

        Interlocked.Exchange(ref _due, due);
        if (due < _clock.Wake)
        {
            _clock.BringForward(due);
        }
    }
}

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
/// the due time under the attempt's own lock; the clock looks at it when its timer fires and sets the timer again
/// for the rest. Only a due time before the clock's timer changes that timer.
/// </para>
/// <para>
/// The token's source is the clock's and serves another attempt once this one is disposed: nothing may use
/// <see cref="Token"/> after <see cref="Dispose"/> (a late call of the other members changes nothing).
/// </para>
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    private static readonly TimeSpan s_tolerance = TimeSpan.FromMilliseconds(20);
    private readonly DeadlineClock _clock;
    private readonly CancellationToken _token;
    private readonly long _attemptDeadline;
    private long _bodySent;
    private TimeSpan _armed;
    private volatile SilenceStage _stage;
    private DeadlineSlot? _slot;         // null once disposed; the fields below are read and written under lock (this)
    private long _due = long.MaxValue;   // when the attempt is cancelled (the clock's timestamps); MaxValue: no deadline runs
    private bool _doomed;                // a deadline or the batch cancels the slot's source: it is never reused
    private bool _endedCancelled;        // the source was cancelled when the attempt ended
    private bool _ownsClock;

    /// <summary>The deadlines of an attempt (of the clock's options), or with <paramref name="whole"/> one fixed deadline, armed by <see cref="Hold"/>.</summary>
    internal AttemptDeadline(DeadlineClock clock, CancellationToken item, TimeSpan? whole = null)
    {
        _clock = clock;
        var fixedSpan = whole ?? clock.Attempt;
        _attemptDeadline = fixedSpan > TimeSpan.Zero ? clock.After(clock.Now(), fixedSpan) : long.MaxValue;
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
        Arm(_clock.Silence > TimeSpan.Zero ? _clock.Silence + _clock.ConnectAllowance : TimeSpan.Zero);
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
    public void Restart() => Arm(_clock.Silence);

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
            Arm(TimeSpan.Zero);
            return;
        }

        lock (this)
        {
            _due = long.MaxValue; // the clock finds nothing due here
        }
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
        DeadlineSlot? slot;
        bool doomed;
        lock (this)
        {
            slot = _slot;
            if (slot is null)
            {
                return;
            }

            _endedCancelled = _doomed || slot.Source.IsCancellationRequested;
            (_slot, _due, doomed) = (null, long.MaxValue, _doomed);
        }

        _clock.Return(slot, doomed);
        if (_ownsClock)
        {
            _clock.Dispose();
        }
    }

    /// <summary>
    /// The clock's timer fired at <paramref name="now"/>: when this attempt's deadline passed its source is cancelled
    /// (and never reused); otherwise the due time to look again at (MaxValue: none).
    /// </summary>
    internal long Expire(DeadlineSlot slot, long now)
    {
        lock (this)
        {
            if (_slot != slot || _doomed)
            {
                return long.MaxValue;
            }

            if (now < _due)
            {
                return _due;
            }

            _doomed = true;
        }

        slot.CancelLater();
        return long.MaxValue;
    }

    /// <summary>The item's cancellation reaches this attempt: true when <paramref name="slot"/> is still its own (then never reused).</summary>
    internal bool Doom(DeadlineSlot slot, bool watchedOnly)
    {
        lock (this)
        {
            if (_slot != slot || (watchedOnly && !slot.Watched))
            {
                return false;
            }

            _doomed = true;
            return true;
        }
    }

    private void Arm(TimeSpan silence)
    {
        _armed = silence;
        var now = _clock.Now();
        var due = silence > TimeSpan.Zero ? _clock.After(now, silence) : long.MaxValue;
        if (_attemptDeadline < due)
        {
            due = _attemptDeadline;
        }

        bool sooner;
        lock (this)
        {
            if (_slot is null || _doomed)
            {
                return;
            }

            // Read under the lock: a clock that cleared its timer to look at the attempts either sees this due time or is seen here.
            _due = due;
            sooner = due < _clock.Wake;
        }

        if (sooner)
        {
            _clock.BringForward(due);
        }
    }
}

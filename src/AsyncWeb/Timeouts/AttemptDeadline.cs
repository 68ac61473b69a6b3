using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using AsyncWeb.Batch;

namespace AsyncWeb.Timeouts;

/// <summary>
/// The deadlines of one attempt on one cancellation token: the silence (operation) deadline, which
/// first also allows for opening a connection, starts afresh once the request is on a connection
/// and is pushed back whenever the server sends something, and the fixed whole-attempt deadline
/// (TimeoutSec). One timer is armed for whichever comes first; which one fired is told by the clock
/// afterwards, and how long the server had been silent by the allowance that was armed.
/// <para>
/// The timer is lazy: pushing the deadline back (every chunk the server sends, the headers, the hand-over to a
/// connection) only moves the due time, and a timer that fires early looks at the clock and sets itself again
/// for the rest. Only a deadline brought forward changes the timer, so an attempt changes the runtime's timer
/// queue (a lock shared by every request in flight) about twice instead of once per read.
/// </para>
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    private static readonly long s_tolerance = Stopwatch.Frequency / 50;
    private static readonly TimerCallback s_fire = static state => ((AttemptDeadline)state!).Fire();
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _silence;
    private readonly long _attemptDeadline;
    private readonly TimeSpan _connectAllowance;
    private long _bodySent;
    private TimeSpan _armed;
    private volatile SilenceStage _stage;
#if NET
    private ITimer? _timer;
#else
    private Timer? _timer;
#endif
    private long _due = long.MaxValue;     // when the attempt is cancelled (Stopwatch ticks); MaxValue: no deadline runs
    private long _timerDue = long.MaxValue; // when the timer fires; MaxValue: it is not set
    private bool _disposed;                 // the timer fields are read and written under lock (_source)

    private AttemptDeadline(CancellationToken item, TimeSpan silence, TimeSpan attempt, TimeSpan connect)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(item);
        _silence = silence;
        _connectAllowance = connect;
        _attemptDeadline = attempt > TimeSpan.Zero
            ? Stopwatch.GetTimestamp() + (long)(attempt.TotalSeconds * Stopwatch.Frequency)
            : long.MaxValue;
    }

    /// <summary>Cancelled when a deadline passes or the item is cancelled.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>
    /// Starts the deadlines of an attempt. Until the request is written on a connection the wait allows
    /// for opening one too (ConnectTimeout + OperationTimeout). On net8.0 the connect callback bounds DNS and
    /// connect by ConnectTimeout, so a slow connect is reported as ConnectTimeout, never as server silence,
    /// and an HTTP/1.x connection tells when the request is written on it (<see cref="ConnectionReady"/>);
    /// netstandard2.0's HttpClientHandler has neither, so there this allowance is the only bound, also of the
    /// wait for the headers, and a connect that never completes reads as OperationTimeout.
    /// </summary>
    public static AttemptDeadline Start(CancellationToken item, BatchOptions options)
    {
        var deadline = new AttemptDeadline(item, options.OperationTimeout, options.Timeout, options.ConnectTimeout);
        deadline.Connecting();
        return deadline;
    }

    /// <summary>A request (the first, a redirect hop, a resume) is handed to the handler: it may need a new connection.</summary>
    public void Connecting()
    {
        _stage = SilenceStage.Connecting;
        Arm(_silence > TimeSpan.Zero ? _silence + _connectAllowance : TimeSpan.Zero);
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
    public void Restart() => Arm(_silence);

    /// <summary>What the silence deadline was waiting for and how long the server had been silent when it fired.</summary>
    public string Silence() => _stage switch
    {
        SilenceStage.Connecting => string.Create(CultureInfo.InvariantCulture,
            $"no response headers came within {_armed.TotalSeconds:0.###} s while a connection was opened and the request sent (ConnectTimeoutSec {_connectAllowance.TotalSeconds:0.###} + OperationTimeoutSec {_silence.TotalSeconds:0.###}: the connect allowance applies until the request is on a connection)"),
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

        lock (_source)
        {
            _due = long.MaxValue; // a timer set now fires, finds nothing due and stays off
        }
    }

    /// <summary>Which deadline cancelled the attempt, if one did.</summary>
    public TimerFired Fired()
    {
        if (!_source.IsCancellationRequested)
        {
            return TimerFired.None;
        }

        return _attemptDeadline != long.MaxValue && Stopwatch.GetTimestamp() >= _attemptDeadline - s_tolerance
            ? TimerFired.Request
            : TimerFired.Operation;
    }

    public void Dispose()
    {
        lock (_source)
        {
            _disposed = true;
            _timer?.Dispose();
        }

        _source.Dispose();
    }

    private void Arm(TimeSpan silence)
    {
        _armed = silence;
        var now = Stopwatch.GetTimestamp();
        var due = silence > TimeSpan.Zero ? now + (long)(silence.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        if (_attemptDeadline < due)
        {
            due = _attemptDeadline;
        }

        lock (_source)
        {
            _due = due;
            if (due < _timerDue && !_disposed)
            {
                SetTimer(due, now);
            }
        }
    }

    // Under lock (_source): the timer fires at `due` (or now, when that passed).
    private void SetTimer(long due, long now)
    {
        _timerDue = due;
        var wait = TimeSpan.FromTicks(Math.Max((long)Math.Ceiling((due - now) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency), TimeSpan.TicksPerMillisecond));
        if (_timer is null)
        {
#if NET
            _timer = TimeProvider.System.CreateTimer(s_fire, this, wait, Timeout.InfiniteTimeSpan);
#else
            _timer = new Timer(s_fire, this, wait, Timeout.InfiniteTimeSpan);
#endif
        }
        else
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    // The timer fired: the attempt is cancelled if its deadline passed; a deadline pushed back since sets the timer again.
    private void Fire()
    {
        lock (_source)
        {
            _timerDue = long.MaxValue;
            if (_disposed || _due == long.MaxValue)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (now < _due)
            {
                SetTimer(_due, now);
                return;
            }
        }

        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended meanwhile.
        }
    }
}

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
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    private static readonly long s_tolerance = Stopwatch.Frequency / 50;
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _silence;
    private readonly long _attemptDeadline;
    private readonly TimeSpan _connectAllowance;
    private long _bodySent;
    private TimeSpan _armed;
    private volatile SilenceStage _stage;

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

        try
        {
            _source.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The attempt already ended.
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

    public void Dispose() => _source.Dispose();

    private void Arm(TimeSpan silence)
    {
        _armed = silence;
        var now = Stopwatch.GetTimestamp();
        var due = silence > TimeSpan.Zero ? now + (long)(silence.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        if (_attemptDeadline < due)
        {
            due = _attemptDeadline;
        }

        if (due == long.MaxValue)
        {
            return;
        }

        var wait = TimeSpan.FromSeconds(Math.Max(due - now, 1) / (double)Stopwatch.Frequency);
        try
        {
            _source.CancelAfter(wait);
        }
        catch (ObjectDisposedException)
        {
            // The attempt already ended.
        }
    }
}

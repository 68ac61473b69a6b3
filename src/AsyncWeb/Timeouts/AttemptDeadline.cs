using System;
using System.Diagnostics;
using System.Threading;
using AsyncWeb.Batch;

namespace AsyncWeb.Timeouts;

/// <summary>
/// The deadlines of one attempt on one cancellation token: the silence (operation) deadline, which
/// first also allows for opening a connection and is pushed back whenever the server sends
/// something, and the fixed whole-attempt deadline (TimeoutSec). One timer is armed for whichever
/// comes first; which one fired is told by the clock afterwards.
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    private static readonly long s_tolerance = Stopwatch.Frequency / 50;
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _silence;
    private readonly long _attemptDeadline;
    private long _bodySent;

    private AttemptDeadline(CancellationToken item, TimeSpan silence, TimeSpan attempt)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(item);
        _silence = silence;
        _attemptDeadline = attempt > TimeSpan.Zero
            ? Stopwatch.GetTimestamp() + (long)(attempt.TotalSeconds * Stopwatch.Frequency)
            : long.MaxValue;
    }

    /// <summary>Cancelled when a deadline passes or the item is cancelled.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>
    /// Starts the deadlines of an attempt. The first wait covers opening a connection too. On net8.0 the
    /// connect callback bounds DNS and connect by ConnectTimeout, so a slow connect is reported as
    /// ConnectTimeout, never as server silence; netstandard2.0's HttpClientHandler has no such callback,
    /// so there this allowance is the only bound and a connect that never completes reads as OperationTimeout.
    /// </summary>
    public static AttemptDeadline Start(CancellationToken item, BatchOptions options)
    {
        var deadline = new AttemptDeadline(item, options.OperationTimeout, options.Timeout);
        deadline.Arm(options.OperationTimeout > TimeSpan.Zero ? options.OperationTimeout + options.ConnectTimeout : TimeSpan.Zero);
        return deadline;
    }

    /// <summary>The server said something: the silence deadline starts again.</summary>
    public void Restart() => Arm(_silence);

    // Uploads: the request body counts as activity, so a long upload is never server silence.

    /// <summary>Request body bytes sent with the latest request of this attempt (a redirect or resumed request sends its body again).</summary>
    public long BytesSent => Interlocked.Read(ref _bodySent);

    /// <summary>A request starts sending its body: <see cref="BytesSent"/> counts that body.</summary>
    public void BodyStarting() => Interlocked.Exchange(ref _bodySent, 0);

    /// <summary>Part of the request body went out: the silence deadline starts again.</summary>
    public void BodySent(int bytes)
    {
        Interlocked.Add(ref _bodySent, bytes);
        Restart();
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

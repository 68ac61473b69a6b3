using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Timeouts;
using Xunit;

namespace AsyncWeb.Tests.Timeouts;

// Lower bounds and generous upper bounds only: a loaded machine delays timers, it never makes them fire early.
public class AttemptDeadlineTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_slack = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task A_silence_deadline_pushed_back_while_its_timer_runs_cancels_at_the_new_time()
    {
        // The push comes 300 ms into a 1.5 s silence: a loaded machine may stretch the delay, not past the first deadline.
        var silence = TimeSpan.FromMilliseconds(1500);
        using var deadline = AttemptDeadline.Start(CancellationToken.None, new BatchOptions { OperationTimeout = silence });
        await Task.Delay(300);

        Assert.False(deadline.Token.IsCancellationRequested); // else the delay outlasted the first deadline: nothing was pushed
        var pushed = Stopwatch.GetTimestamp();
        deadline.Restart();
        await WaitCancelledAsync(deadline.Token);

        Assert.True(Stopwatch.GetElapsedTime(pushed) >= silence - s_slack);
        Assert.Equal(TimerFired.Operation, deadline.Fired());
    }

    [Fact]
    public async Task A_deadline_brought_forward_cancels_at_the_earlier_time()
    {
        // Connecting allows ConnectTimeout + OperationTimeout (a minute here); on a connection only the 300 ms silence counts.
        var options = new BatchOptions { OperationTimeout = TimeSpan.FromMilliseconds(300), ConnectTimeout = TimeSpan.FromMinutes(1) };
        using var deadline = AttemptDeadline.Start(CancellationToken.None, options);

        var ready = Stopwatch.GetTimestamp();
        deadline.ConnectionReady();
        await WaitCancelledAsync(deadline.Token);

        Assert.True(Stopwatch.GetElapsedTime(ready) >= options.OperationTimeout - s_slack);
        Assert.Equal(TimerFired.Operation, deadline.Fired());
    }

    [Fact]
    public async Task A_held_deadline_is_not_cancelled_by_the_timer_set_before_the_hold()
    {
        var silence = TimeSpan.FromMilliseconds(300);
        using var deadline = AttemptDeadline.Start(CancellationToken.None, new BatchOptions { OperationTimeout = silence });
        deadline.Hold(); // the client waits for memory: no silence counts

        await Task.Delay(silence * 4);
        Assert.False(deadline.Token.IsCancellationRequested);

        var restarted = Stopwatch.GetTimestamp();
        deadline.Restart();
        await WaitCancelledAsync(deadline.Token);
        Assert.True(Stopwatch.GetElapsedTime(restarted) >= silence - s_slack);
    }

    [Fact]
    public async Task The_whole_attempt_deadline_is_not_pushed_back_by_the_server_speaking()
    {
        var options = new BatchOptions { OperationTimeout = TimeSpan.FromMinutes(1), Timeout = TimeSpan.FromMilliseconds(300) };
        var started = Stopwatch.GetTimestamp();
        using var deadline = AttemptDeadline.Start(CancellationToken.None, options);
        deadline.Restart();
        deadline.Answered();

        await WaitCancelledAsync(deadline.Token);
        Assert.True(Stopwatch.GetElapsedTime(started) >= options.Timeout - s_slack);
        Assert.Equal(TimerFired.Request, deadline.Fired());
    }

    [Fact]
    public void A_deadline_pushed_back_after_the_attempt_ended_changes_nothing()
    {
        var deadline = AttemptDeadline.Start(CancellationToken.None, new BatchOptions { OperationTimeout = TimeSpan.FromMinutes(1) });
        deadline.Dispose();

        deadline.Restart(); // a late read on a connection after the attempt ended
        deadline.ConnectionReady();
        deadline.Hold();

        Assert.Equal(TimerFired.None, deadline.Fired());
    }

    private static async Task WaitCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => cancelled.TrySetResult(true)))
        {
            await cancelled.Task.WaitAsync(s_patience);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Timeouts;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AsyncWeb.Tests.Timeouts;

// The clock's own rules: one timer for every attempt, sources reused only when nothing cancelled them, the batch's
// cancellation through one registration. Most run on a fake clock the test moves (its timer fires inside Advance).
public class DeadlineClockTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);
    private static readonly BatchOptions s_oneSecond = new() { OperationTimeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public void An_attempt_nothing_cancelled_leaves_its_source_to_the_next_without_the_callbacks_registered_on_it()
    {
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(s_oneSecond, time);
        var first = clock.Start(CancellationToken.None);
        var stale = 0;
        first.Token.Register(() => stale++); // the handler's registration, never disposed
        first.Dispose();

        using var batch = new CancellationTokenSource();
        using var second = clock.Start(batch.Token);
        Assert.Equal(1, clock.Slots);
        Assert.False(second.Token.IsCancellationRequested);

        batch.Cancel();
        Assert.True(second.Token.IsCancellationRequested);
        Assert.Equal(0, stale);
    }

    [Fact]
    public void A_source_the_item_cancelled_is_never_given_to_another_attempt()
    {
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(s_oneSecond, time);
        using var batch = new CancellationTokenSource();
        var first = clock.Start(batch.Token);
        batch.Cancel();
        Assert.True(first.Token.IsCancellationRequested);
        first.Dispose();

        using var second = clock.Start(CancellationToken.None);
        Assert.False(second.Token.IsCancellationRequested);
        Assert.Equal(1, clock.Slots); // the cancelled one was dropped
    }

    [Fact]
    public async Task A_deadline_that_fired_never_gives_its_source_to_the_next_attempt_even_before_the_cancellation_ran()
    {
        // The clock decides on its timer's thread and cancels on a pool thread: the attempt may end in between.
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(s_oneSecond, time);
        for (var i = 0; i < 200; i++)
        {
            var expired = clock.Start(CancellationToken.None);
            var token = expired.Token;
            time.Advance(TimeSpan.FromSeconds(2));
            expired.Dispose();

            using var next = clock.Start(CancellationToken.None);
            await WaitCancelledAsync(token);
            Assert.NotEqual(token, next.Token);
            Assert.False(next.Token.IsCancellationRequested);
        }
    }

    [Fact]
    public void The_timer_set_for_an_ended_attempt_does_not_cancel_the_attempt_that_reuses_its_source()
    {
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(s_oneSecond, time);
        var first = clock.Start(CancellationToken.None);
        first.ConnectionReady(); // due in 1 s: the timer is set for then
        first.Dispose();

        time.Advance(TimeSpan.FromMilliseconds(500));
        using var second = clock.Start(CancellationToken.None);
        second.ConnectionReady(); // due at 1.5 s, on the same source
        time.Advance(TimeSpan.FromMilliseconds(600)); // the first attempt's timer fires late
        Assert.False(second.Token.IsCancellationRequested);
        Assert.Equal(time.GetTimestamp() + TimeSpan.FromMilliseconds(400).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond, clock.Wake);
    }

    [Fact]
    public async Task A_pushed_back_deadline_fires_at_its_new_time_and_the_timer_stops_once_nothing_runs()
    {
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(s_oneSecond, time);
        using var deadline = clock.Start(CancellationToken.None);
        deadline.ConnectionReady();
        time.Advance(TimeSpan.FromMilliseconds(900));
        deadline.Restart();
        time.Advance(TimeSpan.FromMilliseconds(900)); // the timer fires at 1 s, finds 1.9 s and sets itself for it
        Assert.False(deadline.Token.IsCancellationRequested);

        time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitCancelledAsync(deadline.Token);
        Assert.Equal(TimerFired.Operation, deadline.Fired());
        Assert.Equal(long.MaxValue, clock.Wake);
    }

    [Fact]
    public void An_ended_attempt_leaves_no_registration_on_its_item()
    {
        // With TotalTimeoutSec every item has a token of its own, which each attempt registers on.
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(new BatchOptions { OperationTimeout = TimeSpan.FromSeconds(1), TotalTimeout = TimeSpan.FromMinutes(1) }, time);
        using var firstItem = new CancellationTokenSource();
        using var secondItem = new CancellationTokenSource();
        clock.Start(firstItem.Token).Dispose();

        using var second = clock.Start(secondItem.Token);
        firstItem.Cancel();
        Assert.False(second.Token.IsCancellationRequested);
        secondItem.Cancel();
        Assert.True(second.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task An_item_deadline_cancels_its_attempt_and_is_told_apart_from_the_batch_s_cancellation()
    {
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(new BatchOptions { OperationTimeout = TimeSpan.FromMinutes(1), TotalTimeout = TimeSpan.FromSeconds(5) }, time);
        using var batch = new CancellationTokenSource();
        using (var item = clock.Item(batch.Token))
        {
            clock.Start(item.Token).Dispose(); // a first attempt ends, a retry runs
            time.Advance(TimeSpan.FromSeconds(3));
            using var retry = clock.Start(item.Token);
            time.Advance(TimeSpan.FromSeconds(2));
            await WaitCancelledAsync(retry.Token);
            Assert.True(item.Expired(batch.Token));
        }

        using (var item = clock.Item(batch.Token))
        {
            using var attempt = clock.Start(item.Token);
            batch.Cancel();
            Assert.True(attempt.Token.IsCancellationRequested);
            Assert.False(item.Expired(batch.Token));
        }
    }

    [Fact]
    public void The_batch_cancels_every_attempt_through_the_clock_also_one_started_after_it()
    {
        var time = new FakeTimeProvider();
        using var clock = new DeadlineClock(s_oneSecond, time);
        using var batch = new CancellationTokenSource();
        var running = Enumerable.Range(0, 5).Select(_ => clock.Start(batch.Token)).ToList();
        running[2].Dispose();

        batch.Cancel();
        Assert.All(running.Where((_, i) => i != 2), d => Assert.True(d.Token.IsCancellationRequested));
        using var late = clock.Start(batch.Token);
        Assert.True(late.Token.IsCancellationRequested);
        running.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task Concurrent_attempts_keep_their_own_deadlines_on_one_clock()
    {
        // Real time: attempts that keep the server talking are never cancelled, silent ones always are, and the
        // sources are reused (as many slots as attempts ran at once, not one per attempt).
        using var clock = new DeadlineClock(new BatchOptions { OperationTimeout = TimeSpan.FromMilliseconds(200) });
        var silent = new List<AttemptDeadline>();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var cancelled = 0;
            for (var i = 0; i < 2000; i++)
            {
                using var busy = clock.Start(CancellationToken.None);
                busy.ConnectionReady();
                busy.Answered();
                busy.Restart();
                cancelled += busy.Token.IsCancellationRequested ? 1 : 0;
                if (i % 500 == 0)
                {
                    var quiet = clock.Start(CancellationToken.None);
                    quiet.ConnectionReady();
                    lock (silent)
                    {
                        silent.Add(quiet);
                    }
                }
            }

            return cancelled;
        })).ToArray();

        Assert.All(await Task.WhenAll(workers), cancelled => Assert.Equal(0, cancelled));
        foreach (var quiet in silent)
        {
            await WaitCancelledAsync(quiet.Token);
            Assert.Equal(TimerFired.Operation, quiet.Fired());
            quiet.Dispose();
        }

        Assert.InRange(clock.Slots, 1, workers.Length * 2 + silent.Count);
    }

    [Fact]
    public void An_engine_s_deadlines_run_on_the_millisecond_clock_of_the_runtime_s_timers()
    {
        using var clock = new DeadlineClock(new BatchOptions { OperationTimeout = TimeSpan.FromSeconds(30) });
        var before = Environment.TickCount64;
        using var deadline = clock.Start(CancellationToken.None);
        deadline.ConnectionReady();
        var after = Environment.TickCount64;
        Assert.InRange(clock.Wake, before + 30_000, after + 30_000);
    }

    [Fact]
    public void An_allowance_between_two_ticks_of_the_clock_is_rounded_up_never_down()
    {
        // On a millisecond clock, as the engine's, a 2.5 ms silence is 3 ticks: a deadline is never shorter than asked.
        var time = new MillisecondFake(new FakeTimeProvider());
        using var clock = new DeadlineClock(new BatchOptions { OperationTimeout = TimeSpan.FromMilliseconds(2.5) }, time);
        using var deadline = clock.Start(CancellationToken.None);
        deadline.ConnectionReady();
        Assert.Equal(time.GetTimestamp() + 3, clock.Wake);
    }

    // A fake clock read in whole milliseconds, with the fake's timer.
    private sealed class MillisecondFake : TimeProvider
    {
        private readonly FakeTimeProvider _inner;

        public MillisecondFake(FakeTimeProvider inner) => _inner = inner;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => _inner.GetTimestamp() * 1000 / _inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            _inner.CreateTimer(callback, state, dueTime, period);
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

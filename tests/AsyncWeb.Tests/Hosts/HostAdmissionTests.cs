using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Hosts;
using AsyncWeb.Requests;
using AsyncWeb.Resilience;
using AsyncWeb.Sending;
using Xunit;

namespace AsyncWeb.Tests.Hosts;

public sealed class HostAdmissionTests : IDisposable
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<RequestSpec> _launched = new();
    private HostFlow? _flow;

    public void Dispose() => _flow?.Dispose();

    private HostAdmission Admission(int throttle, int perHost = 0, AdaptiveThrottleSettings? adaptive = null, TimeSpan? maximumPause = null)
    {
        var options = new BatchOptions
        {
            ThrottleLimit = throttle,
            ThrottleLimitPerHost = perHost,
            AdaptiveThrottle = adaptive,
            Retry = RetrySettings.None with { MaximumRetryAfter = maximumPause ?? TimeSpan.FromSeconds(60) },
        };
        _flow = new HostFlow(options, null);
        var admission = new HostAdmission(throttle, _flow, _launched.Enqueue);
        _flow.Changed = admission.Refresh;
        return admission;
    }

    private static RequestSpec Spec(long index, string host, byte[]? body = null) =>
        new(index, new Uri($"http://{host}/item/{index}"), host, "GET", null) { Body = body };

    private static AttemptOutcome TooMany(TimeSpan retryAfter) => new() { StatusCode = 429, RetryAfter = retryAfter };

    private List<long> Launched() => _launched.Select(s => s.Index).ToList();

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the condition");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void Items_start_at_once_up_to_the_throttle_limit_then_as_slots_free()
    {
        var admission = Admission(2);
        for (var i = 0; i < 4; i++)
        {
            admission.Submit(Spec(i, "a"));
        }

        Assert.Equal(new long[] { 0, 1 }, Launched());
        Assert.Equal(2, admission.Running);
        Assert.Equal(0, admission.Parked);   // waiting for the global limit is not waiting for a host

        admission.Finished("a");
        Assert.Equal(new long[] { 0, 1, 2 }, Launched());
    }

    [Fact]
    public void A_host_at_its_limit_holds_up_only_its_own_items()
    {
        var admission = Admission(8, perHost: 1);
        admission.Submit(Spec(0, "a"));
        admission.Submit(Spec(1, "a"));
        admission.Submit(Spec(2, "a"));
        admission.Submit(Spec(3, "b"));

        Assert.Equal(new long[] { 0, 3 }, Launched());
        Assert.Equal(2, admission.Parked);

        admission.Finished("a");
        Assert.Equal(new long[] { 0, 3, 1 }, Launched());
        Assert.Equal(1, admission.Parked);
    }

    [Fact]
    public void Hosts_take_turns_for_free_slots()
    {
        var admission = Admission(1);
        admission.Submit(Spec(0, "a"));
        admission.Submit(Spec(1, "a"));
        admission.Submit(Spec(2, "a"));
        admission.Submit(Spec(3, "b"));
        admission.Submit(Spec(4, "b"));

        admission.Finished("a");
        admission.Finished("a");
        admission.Finished("b");
        admission.Finished("a");
        Assert.Equal(new long[] { 0, 1, 3, 2, 4 }, Launched());
    }

    [Fact]
    public void A_paused_host_starts_nothing_until_the_pause_ends_while_others_go_on()
    {
        var admission = Admission(4);
        admission.Submit(Spec(0, "a"));
        _flow!.Observe(Spec(0, "a"), 0, TooMany(TimeSpan.FromMilliseconds(300)));
        Assert.True(_flow.IsPaused("a"));

        admission.Submit(Spec(1, "a"));
        admission.Submit(Spec(2, "b"));
        admission.Finished("a");
        Assert.Equal(new long[] { 0, 2 }, Launched());
        Assert.Equal(1, admission.Parked);

        WaitFor(() => Launched().Contains(1));
        Assert.False(_flow.IsPaused("a"));
        Assert.Equal(0, admission.Parked);
        var waited = _launched.Single(s => s.Index == 1).HostWait.Total;
        Assert.InRange(waited.TotalMilliseconds, 200, 5000);
        Assert.Equal(TimeSpan.Zero, _launched.Single(s => s.Index == 2).HostWait.Total);
    }

    [Fact]
    public void A_pause_longer_than_the_maximum_is_cut_to_it()
    {
        Admission(4, maximumPause: TimeSpan.FromSeconds(1));
        _flow!.Observe(Spec(0, "a"), 0, TooMany(TimeSpan.FromHours(1)));
        Assert.InRange(_flow.PauseRemaining("a").TotalSeconds, 0.5, 1.0);
    }

    [Fact]
    public void A_maximum_of_zero_turns_pauses_off()
    {
        Admission(4, maximumPause: TimeSpan.Zero);
        _flow!.Observe(Spec(0, "a"), 0, TooMany(TimeSpan.FromSeconds(5)));
        Assert.False(_flow.IsPaused("a"));
    }

    [Fact]
    public void Rate_limit_headers_at_zero_pause_the_host()
    {
        Admission(4);
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) { ["RateLimit-Remaining"] = new[] { "0" }, ["RateLimit-Reset"] = new[] { "2" } };
        _flow!.Observe(Spec(0, "a"), 0, new AttemptOutcome { StatusCode = 200, Headers = headers });
        Assert.True(_flow.IsPaused("a"));
        Assert.False(_flow.IsPaused("b"));
    }

    [Fact]
    public async Task A_running_item_gives_its_slot_away_while_its_host_is_paused_and_resumes_first()
    {
        var admission = Admission(1);
        var retrying = Spec(0, "a");
        admission.Submit(retrying);
        admission.Submit(Spec(1, "a"));
        admission.Submit(Spec(2, "b"));
        _flow!.Observe(retrying, 0, TooMany(TimeSpan.FromMilliseconds(300)));

        var wait = admission.WaitForHostAsync(retrying, true, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        Assert.Equal(new long[] { 0, 2 }, Launched());   // b took the slot; a's next item waits
        admission.Finished("b");

        await wait.WaitAsync(s_patience);
        Assert.Equal(new long[] { 0, 2 }, Launched());   // the resumed item holds the slot, ahead of item 1
        Assert.Equal(1, admission.Running);
        Assert.True(retrying.HostWait.Total > TimeSpan.FromMilliseconds(200));
        admission.Finished("a");
        Assert.Equal(new long[] { 0, 2, 1 }, Launched());
    }

    [Fact]
    public async Task A_cancelled_wait_holds_a_slot_again_so_the_item_can_end()
    {
        var admission = Admission(1);
        var retrying = Spec(0, "a");
        admission.Submit(retrying);
        _flow!.Observe(retrying, 0, TooMany(TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource();
        var wait = admission.WaitForHostAsync(retrying, true, cancel.Token);
        Assert.Equal(0, admission.Running);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(1, admission.Running);
        admission.Finished("a");
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public void Abort_lets_every_waiting_item_run()
    {
        var admission = Admission(2, perHost: 1);
        admission.Submit(Spec(0, "a"));
        _flow!.Observe(Spec(0, "a"), 0, TooMany(TimeSpan.FromSeconds(30)));
        admission.Submit(Spec(1, "a"));
        admission.Submit(Spec(2, "a"));
        admission.Abort();
        Assert.Equal(new long[] { 0, 1 }, Launched());
        admission.Finished("a");
        Assert.Equal(new long[] { 0, 1, 2 }, Launched());
    }

    [Fact]
    public void Parking_is_bounded_by_items_and_by_body_bytes()
    {
        var admission = Admission(1, perHost: 1);
        Assert.Equal(1024, admission.ParkingLimit);
        admission.Submit(Spec(0, "a"));
        for (var i = 1; i <= 1100; i++)
        {
            admission.Submit(Spec(i, "a"));
        }

        Assert.Equal(1024, admission.Parked);

        var bodies = Admission(1, perHost: 1);
        bodies.Submit(Spec(0, "a"));
        bodies.Submit(Spec(1, "a", new byte[HostAdmission.ParkingBytes / 2]));
        Assert.Equal(1, bodies.Parked);
        bodies.Submit(Spec(2, "a", new byte[HostAdmission.ParkingBytes / 2 + 1]));
        Assert.Equal(0, bodies.Parked);
    }

    [Fact]
    public void An_adaptive_limit_that_is_halved_holds_back_the_host()
    {
        var admission = Admission(8, adaptive: new AdaptiveThrottleSettings(4, 1, 8));
        for (var i = 0; i < 6; i++)
        {
            admission.Submit(Spec(i, "a"));
        }

        Assert.Equal(4, Launched().Count);
        var window = _flow!.Starting("a");
        _flow.Observe(Spec(0, "a"), window, new AttemptOutcome { StatusCode = 503 });
        Assert.Equal(2, _flow.LimitFor("a"));
        admission.Finished("a");
        admission.Finished("a");
        Assert.Equal(4, Launched().Count);   // 2 still run: at the new limit
        admission.Finished("a");
        Assert.Equal(5, Launched().Count);
    }

    [Fact]
    public async Task A_retry_over_a_lowered_adaptive_limit_queues_again_until_the_host_is_within_it()
    {
        var admission = Admission(8, adaptive: new AdaptiveThrottleSettings(4, 1, 8));
        var specs = Enumerable.Range(0, 4).Select(i => Spec(i, "a")).ToList();
        specs.ForEach(admission.Submit);
        var window = _flow!.Starting("a");
        _flow.Observe(specs[0], window, new AttemptOutcome { StatusCode = 429 });
        Assert.Equal(2, _flow.LimitFor("a"));

        // Four in flight, limit 2: the retry of item 0 gives its slot back rather than run over the limit.
        var wait = admission.WaitForHostAsync(specs[0], retry: true, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        Assert.Equal(3, admission.Running);
        Assert.True(admission.WaitForHostAsync(specs[1], retry: false, CancellationToken.None).IsCompleted);   // a first attempt was admitted already

        admission.Finished("a");
        Assert.False(wait.IsCompleted);   // 2 in flight: at the limit
        admission.Finished("a");
        await wait.WaitAsync(s_patience);   // 1 in flight: the retry goes
        Assert.Equal(2, admission.Running);
        Assert.Equal(TimeSpan.Zero, specs[0].HostWait.Total);   // waiting for a slot is not waiting for a paused host
    }
    [Fact]
    public async Task A_wait_cancelled_after_its_host_could_go_again_starts_what_its_settling_took_from_the_line()
    {
        var admission = Admission(8, adaptive: new AdaptiveThrottleSettings(2, 1, 8));
        var specs = Enumerable.Range(0, 3).Select(i => Spec(i, "a")).ToList();
        specs.ForEach(admission.Submit);
        Assert.Equal(new long[] { 0, 1 }, Launched());   // item 2 waits: the host is at its limit of 2
        _flow!.Observe(specs[0], _flow.Starting("a"), new AttemptOutcome { StatusCode = 503 });
        using var cancel = new CancellationTokenSource();
        var wait = admission.WaitForHostAsync(specs[0], retry: true, cancel.Token);   // 2 in flight over the new limit of 1
        Assert.False(wait.IsCompleted);

        // The limit rises to 3, but admission has not heard of it yet (as between a pause's end and its timer).
        var unheard = new ConcurrentQueue<string>();
        _flow.Changed = unheard.Enqueue;
        _flow.Observe(specs[1], _flow.Starting("a"), new AttemptOutcome { StatusCode = 200 });
        var window = _flow.Starting("a");
        _flow.Observe(specs[1], window, new AttemptOutcome { StatusCode = 200 });
        _flow.Observe(specs[1], window, new AttemptOutcome { StatusCode = 200 });
        Assert.Equal(3, _flow.LimitFor("a"));

        // The total timeout ends the wait: the item holds a slot again, and the host's next item, which now fits, starts.
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(new long[] { 0, 1, 2 }, Launched());
        Assert.Equal(3, admission.Running);

        while (unheard.TryDequeue(out var host))
        {
            admission.Refresh(host);
        }

        admission.Finished("a");
        admission.Finished("a");
        admission.Finished("a");
        Assert.Equal(0, admission.Running);
        Assert.Equal(new long[] { 0, 1, 2 }, Launched());
    }

    [Fact]
    public async Task A_resumed_retry_takes_off_the_waiting_bytes_it_added_so_the_parking_bound_holds()
    {
        var admission = Admission(8, adaptive: new AdaptiveThrottleSettings(2, 1, 8));
        var half = new byte[HostAdmission.ParkingBytes / 2 + 1];
        var retrying = Spec(0, "a", half);
        admission.Submit(retrying);
        admission.Submit(Spec(1, "a"));
        _flow!.Observe(retrying, _flow.Starting("a"), new AttemptOutcome { StatusCode = 503 });

        var wait = admission.WaitForHostAsync(retrying, retry: true, CancellationToken.None);   // waits with its body
        Assert.False(wait.IsCompleted);
        Assert.Equal(1, admission.Parked);
        admission.Finished("a");   // item 1 ends: the retry resumes, and its body leaves the line
        await wait.WaitAsync(s_patience);
        Assert.Equal(0, admission.Parked);

        // Two items whose bodies together pass the bound, waiting for the host at its limit of 1: not parked.
        admission.Submit(Spec(2, "a", half));
        Assert.Equal(1, admission.Parked);
        admission.Submit(Spec(3, "a", half));
        Assert.Equal(0, admission.Parked);
    }

    [Fact]
    public async Task A_cancelled_retry_takes_off_the_waiting_bytes_it_added()
    {
        var admission = Admission(1, perHost: 1);
        var half = new byte[HostAdmission.ParkingBytes / 2 + 1];
        var retrying = Spec(0, "a", half);
        admission.Submit(retrying);
        _flow!.Observe(retrying, 0, TooMany(TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource();
        var wait = admission.WaitForHostAsync(retrying, retry: true, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        admission.Submit(Spec(1, "a", half));
        admission.Submit(Spec(2, "a", half));
        Assert.Equal(0, admission.Parked);   // the two bodies pass the bound; the cancelled one no longer counts either way
    }

    [Fact]
    public void A_host_whose_line_was_dropped_gets_a_new_one_that_admission_still_sees()
    {
        var admission = Admission(4);
        admission.Submit(Spec(0, "a"));
        admission.Finished("a");   // nothing runs or waits for a: its line is dropped

        _flow!.Observe(Spec(0, "a"), 0, TooMany(TimeSpan.FromSeconds(30)));
        admission.Submit(Spec(1, "a"));   // waits for the pause, in a new line
        Assert.Equal(new long[] { 0 }, Launched());
        Assert.Equal(1, admission.Parked);

        admission.Abort();   // every line is looked at: a's new one too
        Assert.Equal(new long[] { 0, 1 }, Launched());
        Assert.Equal(0, admission.Parked);
    }

    [Fact]
    public void A_pause_seen_ending_does_not_unlist_a_new_pause_that_began_meanwhile()
    {
        Admission(4);
        _flow!.Observe(Spec(0, "a"), 0, TooMany(TimeSpan.FromMilliseconds(50)));
        var first = _flow.PauseGeneration("a");
        WaitFor(() => !_flow.IsPaused("a"));

        // Pause 1 was seen to end (its timer fired); before the host is unlisted, a new 429 pauses it again.
        _flow.Observe(Spec(1, "a"), 0, TooMany(TimeSpan.FromSeconds(30)));
        Assert.Equal(first + 1, _flow.PauseGeneration("a"));
        Assert.False(_flow.EndPause("a", first));   // the late end of pause 1
        Assert.True(_flow.IsPaused("a"));
        Assert.Equal(1, _flow.PausedHosts);

        Assert.False(_flow.EndPause("a", first + 1));   // pause 2 is not over
        Assert.True(_flow.IsPaused("a"));
    }
}

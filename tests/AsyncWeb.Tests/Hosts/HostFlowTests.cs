using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AsyncWeb.Batch;
using AsyncWeb.Hosts;
using AsyncWeb.Requests;
using AsyncWeb.Resilience;
using AsyncWeb.Sending;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AsyncWeb.Tests.Hosts;

public sealed class HostFlowTests : IDisposable
{
    private const string Host = "api.example";
    private static readonly DateTimeOffset s_start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(s_start);
    private readonly List<string> _verbose = new();
    private readonly List<string> _changed = new();
    private readonly HostFlow _flow;

    public HostFlowTests()
    {
        var options = new BatchOptions { Retry = RetrySettings.None with { MaximumRetryAfter = TimeSpan.FromSeconds(60) } };
        _flow = new HostFlow(options, _verbose.Add, _clock) { Changed = _changed.Add };
    }

    public void Dispose() => _flow.Dispose();

    private static RequestSpec Spec(string host = Host) => new(3, new Uri($"https://{host}/items"), host, "GET", null);

    private static AttemptOutcome Answer(int status, int? retryAfterSeconds = null, params (string Name, string Value)[] headers) => new()
    {
        StatusCode = status,
        RetryAfter = retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        Headers = headers.ToDictionary(h => h.Name, h => new[] { h.Value }, StringComparer.OrdinalIgnoreCase),
    };

    private void Observe(AttemptOutcome outcome, string host = Host) => _flow.Observe(Spec(host), 0, outcome);

    private void Advance(int seconds) => _clock.Advance(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public void A_429_or_503_with_Retry_After_pauses_its_host_for_that_long(int status)
    {
        Observe(Answer(status, retryAfterSeconds: 30));

        Assert.True(_flow.IsPaused(Host));
        Assert.Equal(TimeSpan.FromSeconds(30), _flow.PauseRemaining(Host));
        Assert.Equal(1, _flow.PausedHosts);
        Assert.Equal(new[] { Host }, _changed);
        Assert.Equal($"host {Host} paused for 30 s: #3 answered {status} with Retry-After 30 s", Assert.Single(_verbose));
    }

    [Fact]
    public void Other_hosts_go_on_while_one_is_paused()
    {
        Observe(Answer(429, retryAfterSeconds: 30));

        Assert.False(_flow.IsPaused("other.example"));
        Assert.Equal(TimeSpan.Zero, _flow.PauseRemaining("other.example"));
    }

    [Theory]
    [InlineData(500, 30)]
    [InlineData(200, 30)]
    [InlineData(429, 0)]
    public void Retry_After_pauses_nothing_on_other_statuses_or_when_it_is_zero(int status, int seconds)
    {
        Observe(Answer(status, retryAfterSeconds: seconds));

        Assert.False(_flow.IsPaused(Host));
        Assert.Equal(0, _flow.PausedHosts);
        Assert.Empty(_changed);
    }

    [Fact]
    public void A_429_without_Retry_After_pauses_nothing()
    {
        Observe(Answer(429));
        Assert.False(_flow.IsPaused(Host));
    }

    [Fact]
    public void A_pause_asked_for_beyond_the_cap_is_cut_to_the_cap()
    {
        Observe(Answer(503, retryAfterSeconds: 3600));

        Assert.Equal(TimeSpan.FromSeconds(60), _flow.PauseRemaining(Host));
        Assert.EndsWith("longer than -MaximumRetryAfterSec 60 s", Assert.Single(_verbose), StringComparison.Ordinal);
    }

    [Fact]
    public void Rate_limit_headers_at_zero_remaining_pause_the_host_until_the_reset()
    {
        Observe(Answer(200, null, ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "20")));

        Assert.Equal(TimeSpan.FromSeconds(20), _flow.PauseRemaining(Host));
        Assert.Contains("no requests remain, reset in 20 s", Assert.Single(_verbose), StringComparison.Ordinal);
    }

    [Fact]
    public void Rate_limit_headers_with_requests_left_pause_nothing()
    {
        Observe(Answer(200, null, ("RateLimit-Remaining", "1"), ("RateLimit-Reset", "20")));
        Assert.False(_flow.IsPaused(Host));
    }

    [Fact]
    public void An_epoch_reset_is_measured_on_the_flows_clock()
    {
        var reset = (s_start + TimeSpan.FromSeconds(45)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Observe(Answer(200, null, ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)));

        Assert.Equal(TimeSpan.FromSeconds(45), _flow.PauseRemaining(Host));
    }

    [Fact]
    public void Of_Retry_After_and_a_rate_limit_reset_the_longer_wait_wins()
    {
        Observe(Answer(429, 10, ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "25")));
        Assert.Equal(TimeSpan.FromSeconds(25), _flow.PauseRemaining(Host));

        _flow.Dispose();
        var flow = new HostFlow(new BatchOptions { Retry = RetrySettings.None }, null, _clock);
        flow.Observe(Spec(), 0, Answer(429, 40, ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "25")));
        Assert.Equal(TimeSpan.FromSeconds(40), flow.PauseRemaining(Host));
        flow.Dispose();
    }

    [Fact]
    public void A_later_shorter_pause_does_not_shorten_the_current_one()
    {
        Observe(Answer(429, retryAfterSeconds: 30));
        Advance(10);
        Observe(Answer(429, retryAfterSeconds: 5));

        Assert.Equal(TimeSpan.FromSeconds(20), _flow.PauseRemaining(Host));
        Assert.Equal(new[] { Host }, _changed);
        Assert.Single(_verbose);
    }

    [Fact]
    public void A_later_longer_pause_extends_the_current_one_from_now()
    {
        Observe(Answer(429, retryAfterSeconds: 30));
        Advance(10);
        Observe(Answer(429, retryAfterSeconds: 40));

        Assert.Equal(TimeSpan.FromSeconds(40), _flow.PauseRemaining(Host));
        Assert.Equal(new[] { Host, Host }, _changed);
        Assert.StartsWith($"host {Host} pause extended to 40 s from now", _verbose[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_resumes_when_its_pause_ends()
    {
        Observe(Answer(503, retryAfterSeconds: 30));

        Advance(29);
        Assert.True(_flow.IsPaused(Host));
        Assert.Equal(new[] { Host }, _changed);

        Advance(1);
        Assert.False(_flow.IsPaused(Host));
        Assert.Equal(TimeSpan.Zero, _flow.PauseRemaining(Host));
        Assert.Equal(0, _flow.PausedHosts);
        Assert.Equal(new[] { Host, Host }, _changed);
        Assert.Equal($"host {Host} resumes", _verbose.Last());
    }

    [Fact]
    public void An_extended_pause_resumes_at_its_new_end_not_the_old_one()
    {
        Observe(Answer(429, retryAfterSeconds: 30));
        Advance(10);
        Observe(Answer(429, retryAfterSeconds: 40));

        Advance(20); // the first pause's end
        Assert.True(_flow.IsPaused(Host));
        Assert.DoesNotContain($"host {Host} resumes", _verbose);

        Advance(20);
        Assert.False(_flow.IsPaused(Host));
        Assert.Equal($"host {Host} resumes", _verbose.Last());
    }

    [Fact]
    public void The_pause_clock_counts_the_paused_time_of_every_pause()
    {
        var start = _flow.PauseClock(Host);
        Observe(Answer(429, retryAfterSeconds: 30));
        Advance(40);
        Observe(Answer(429, retryAfterSeconds: 5));
        Advance(2);

        Assert.Equal(TimeSpan.FromSeconds(32).Ticks * _clock.TimestampFrequency / TimeSpan.TicksPerSecond, _flow.PauseClock(Host) - start);
    }

    [Fact]
    public void Pauses_that_begin_and_end_in_any_order_leave_exactly_the_paused_hosts_paused()
    {
        Observe(Answer(429, retryAfterSeconds: 10), "a.example");
        Observe(Answer(429, retryAfterSeconds: 30), "b.example");
        var first = _flow.PauseGeneration("a.example");
        Advance(10);   // a's pause ends; b's goes on
        Assert.False(_flow.IsPaused("a.example"));
        Assert.True(_flow.IsPaused("b.example"));
        Assert.False(_flow.IsPaused(Host));

        Assert.True(_flow.EndPause("a.example", first));   // a late second end of a's pause unlists nothing more
        Assert.True(_flow.IsPaused("b.example"));
        Assert.Equal(1, _flow.PausedHosts);

        Observe(Answer(429, retryAfterSeconds: 10), "a.example");   // a again
        Assert.True(_flow.IsPaused("a.example"));
        Advance(20);
        Assert.False(_flow.IsPaused("a.example"));
        Assert.False(_flow.IsPaused("b.example"));
        Assert.Equal(0, _flow.PausedHosts);

        Observe(Answer(429, retryAfterSeconds: 5), "b.example");
        Assert.True(_flow.IsPaused("b.example"));
        Assert.Equal(1, _flow.PausedHosts);
    }

    [Fact]
    public void The_status_names_the_paused_host_and_its_time_left()
    {
        Assert.Null(_flow.Status());
        Observe(Answer(429, retryAfterSeconds: 30));
        Advance(5);

        Assert.Equal($"host {Host} paused, 25.0 s left", _flow.Status());
    }

    [Fact]
    public void A_disposed_flow_does_not_resume_its_hosts()
    {
        Observe(Answer(429, retryAfterSeconds: 30));
        _flow.Dispose();
        Advance(60);

        Assert.Equal(new[] { Host }, _changed);
    }
}

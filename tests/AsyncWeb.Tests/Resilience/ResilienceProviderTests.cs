using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Hosts;
using AsyncWeb.Requests;
using AsyncWeb.Resilience;
using AsyncWeb.Sending;
using Xunit;

namespace AsyncWeb.Tests.Resilience;

public class ResilienceProviderTests
{
    private static readonly TimeSpan s_cap = TimeSpan.FromSeconds(60);

    private static readonly AttemptOutcome s_ok = new() { StatusCode = 200, ReasonPhrase = "OK" };

    private static RetrySettings Retries(int count, bool nonIdempotent = false, TimeSpan? baseDelay = null, TimeSpan? maximumDelay = null) =>
        new(count, baseDelay ?? TimeSpan.FromMilliseconds(1), maximumDelay ?? TimeSpan.FromMilliseconds(5), s_cap, RetrySettings.DefaultStatusCodes, nonIdempotent);

    private static BatchOptions WithRetries(int count, bool nonIdempotent = false) => new() { Retry = Retries(count, nonIdempotent) };

    private static BatchOptions WithBreaker(double ratio = 1.0, int threshold = 2) => new()
    {
        CircuitBreaker = new CircuitBreakerSettings(ratio, TimeSpan.FromMinutes(5), threshold, TimeSpan.FromMinutes(5)),
    };

    private static RequestSpec Spec(string method = "GET", string host = "api.example", string? idempotencyKey = null) =>
        new(1, new Uri($"https://{host}/items"), host, method, null) { IdempotencyKey = idempotencyKey };

    private static AttemptOutcome Status(int status, bool transient = true, TimeSpan? retryAfter = null, bool failed = true) => new()
    {
        StatusCode = status,
        ReasonPhrase = "status",
        Transient = transient,
        RetryAfter = retryAfter,
        Failure = failed ? new WebBatchError(ErrorIds.HttpStatus, FailureCategory.HttpStatus, $"the server answered {status}") : null,
    };

    private static readonly AttemptOutcome s_reset = new()
    {
        Transient = true,
        Failure = new WebBatchError(ErrorIds.ConnectionReset, FailureCategory.Connection, "the connection was reset"),
    };

    /// <summary>Sends one request through a provider; the attempt answers from <paramref name="answers"/> (the last one repeats).</summary>
    private sealed class Run
    {
        public readonly List<string> Verbose = new();
        public int Attempts;

        public async Task<AttemptOutcome> SendAsync(ResilienceProvider provider, RequestSpec spec, params AttemptOutcome[] answers) =>
            await provider.ExecuteAsync(spec, (_, _) =>
            {
                var n = Interlocked.Increment(ref Attempts);
                return Task.FromResult(answers[Math.Min(n, answers.Length) - 1]);
            }, CancellationToken.None);

        public ResilienceProvider Provider(BatchOptions options, HostFlow? flow = null) =>
            new(options, line => { lock (Verbose) { Verbose.Add(line); } }, flow);

        /// <summary>The waits before each retry, as the verbose lines state them.</summary>
        public IReadOnlyList<TimeSpan> Waits() => Verbose
            .Select(line => Regex.Match(line, @"; waiting (\d+(\.\d+)?) s$"))
            .Where(m => m.Success)
            .Select(m => TimeSpan.FromSeconds(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static async Task<(int Attempts, AttemptOutcome Last, Run Run)> SendAsync(BatchOptions options, RequestSpec spec, HostFlow? flow, params AttemptOutcome[] answers)
    {
        var run = new Run();
        using var provider = run.Provider(options, flow);
        var last = await run.SendAsync(provider, spec, answers);
        return (run.Attempts, last, run);
    }

    // ---- which requests are retried ----

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("TRACE")]
    [InlineData("get")]
    public async Task An_idempotent_request_that_fails_transiently_is_sent_MaximumRetryCount_more_times(string method)
    {
        var (attempts, last, _) = await SendAsync(WithRetries(2), Spec(method), null, Status(503));
        Assert.Equal(3, attempts);
        Assert.Equal(503, last.StatusCode);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task A_non_idempotent_request_is_sent_once(string method)
    {
        var (attempts, _, _) = await SendAsync(WithRetries(2), Spec(method), null, Status(503));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_POST_is_retried_when_all_methods_may_be_retried()
    {
        var (attempts, _, _) = await SendAsync(WithRetries(2, nonIdempotent: true), Spec("POST"), null, Status(503));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_POST_with_an_Idempotency_Key_is_retried()
    {
        var (attempts, _, _) = await SendAsync(WithRetries(2), Spec("POST", idempotencyKey: "item-7"), null, Status(503));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Without_MaximumRetryCount_a_transient_failure_is_the_answer()
    {
        var (attempts, last, _) = await SendAsync(new BatchOptions(), Spec(), null, Status(503));
        Assert.Equal(1, attempts);
        Assert.Equal(503, last.StatusCode);
    }

    [Fact]
    public async Task Retries_stop_at_the_first_answer_that_is_not_transient()
    {
        var (attempts, last, _) = await SendAsync(WithRetries(5), Spec(), null, Status(503), s_reset, s_ok);
        Assert.Equal(3, attempts);
        Assert.Same(s_ok, last);
    }

    // ---- which outcomes count as transient ----

    [Fact]
    public async Task A_failure_that_is_not_transient_is_not_retried()
    {
        var (attempts, last, _) = await SendAsync(WithRetries(2), Spec(), null, Status(404, transient: false));
        Assert.Equal(1, attempts);
        Assert.Equal(404, last.StatusCode);
    }

    [Fact]
    public async Task A_transient_connection_failure_without_a_status_is_retried()
    {
        var (attempts, last, _) = await SendAsync(WithRetries(1), Spec(), null, s_reset, s_ok);
        Assert.Equal(2, attempts);
        Assert.Same(s_ok, last);
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(501, false)]
    [InlineData(200, false)]
    public void A_response_is_transient_when_its_status_is_one_of_the_retry_status_codes(int status, bool transient)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        var outcome = AttemptOutcome.FromResponse(response, new Uri("https://api.example/"), new BatchOptions { Retry = Retries(1) });
        Assert.Equal(transient, outcome.Transient);
    }

    [Fact]
    public void RetryStatusCode_replaces_the_default_statuses()
    {
        var options = new BatchOptions { Retry = Retries(1) with { RetryStatusCodes = new[] { 409 } } };
        using var conflict = new HttpResponseMessage(HttpStatusCode.Conflict);
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.True(AttemptOutcome.FromResponse(conflict, new Uri("https://api.example/"), options).Transient);
        Assert.False(AttemptOutcome.FromResponse(unavailable, new Uri("https://api.example/"), options).Transient);
    }

    [Fact]
    public void A_retryable_status_stays_transient_under_SkipHttpErrorCheck()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        var outcome = AttemptOutcome.FromResponse(response, new Uri("https://api.example/"), new BatchOptions { Retry = Retries(1), SkipHttpErrorCheck = true });
        Assert.Null(outcome.Failure);
        Assert.True(outcome.Transient);
    }

    [Fact]
    public void Retry_After_is_read_from_an_error_response_only()
    {
        using var error = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        error.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var fine = new HttpResponseMessage(HttpStatusCode.OK);
        fine.Headers.TryAddWithoutValidation("Retry-After", "7");
        var options = new BatchOptions { Retry = Retries(1) };
        Assert.Equal(TimeSpan.FromSeconds(7), AttemptOutcome.FromResponse(error, new Uri("https://api.example/"), options).RetryAfter);
        Assert.Null(AttemptOutcome.FromResponse(fine, new Uri("https://api.example/"), options).RetryAfter);
    }

    // ---- how the delay is chosen ----

    [Fact]
    public async Task The_backoff_never_waits_longer_than_the_maximum_retry_delay()
    {
        var options = new BatchOptions { Retry = Retries(3, baseDelay: TimeSpan.FromSeconds(10), maximumDelay: TimeSpan.FromMilliseconds(20)) };
        var (attempts, _, run) = await SendAsync(options, Spec(), null, Status(503));
        Assert.Equal(4, attempts);
        var waits = run.Waits();
        Assert.Equal(3, waits.Count);
        Assert.All(waits, wait => Assert.InRange(wait, TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Without_host_flow_a_retry_waits_exactly_the_Retry_After_of_a_429_or_503(int status)
    {
        var (attempts, _, run) = await SendAsync(WithRetries(1), Spec(), null, Status(status, retryAfter: TimeSpan.FromMilliseconds(50)), s_ok);
        Assert.Equal(2, attempts);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(50) }, run.Waits());
    }

    [Fact]
    public async Task With_host_flow_a_retry_asked_to_wait_by_Retry_After_waits_at_the_host_gate_not_in_the_retry()
    {
        using var flow = new HostFlow(WithRetries(1), null);
        var (attempts, _, run) = await SendAsync(WithRetries(1), Spec(), flow, Status(503, retryAfter: TimeSpan.FromSeconds(30)), s_ok);
        Assert.Equal(2, attempts);
        Assert.Equal(new[] { TimeSpan.Zero }, run.Waits());
    }

    [Fact]
    public async Task Retry_After_on_a_500_is_not_a_server_delay_and_does_not_end_retries()
    {
        var (attempts, _, run) = await SendAsync(WithRetries(2), Spec(), null, Status(500, retryAfter: TimeSpan.FromHours(1)));
        Assert.Equal(3, attempts);
        Assert.All(run.Waits(), wait => Assert.True(wait <= TimeSpan.FromMilliseconds(5), $"waited {wait}"));
    }

    [Fact]
    public async Task A_Retry_After_of_exactly_the_cap_is_honoured()
    {
        using var flow = new HostFlow(WithRetries(1), null);
        var (attempts, _, _) = await SendAsync(WithRetries(1), Spec(), flow, Status(429, retryAfter: s_cap), s_ok);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_cap_ends_the_retries_and_says_why()
    {
        var (attempts, last, run) = await SendAsync(WithRetries(3), Spec(), null, Status(503, retryAfter: s_cap + TimeSpan.FromSeconds(1)));
        Assert.Equal(1, attempts);
        Assert.Equal(503, last.StatusCode);
        var line = Assert.Single(run.Verbose);
        Assert.Contains("not retried", line, StringComparison.Ordinal);
        Assert.Contains("-MaximumRetryAfterSec 60 s", line, StringComparison.Ordinal);
    }

    // ---- the circuit breaker ----

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_breaker_that_would_open_on_fewer_than_two_failures_is_refused(int threshold)
    {
        var error = Assert.Throws<ArgumentException>(() => new ResilienceProvider(WithBreaker(threshold: threshold), null));
        Assert.Contains($"CircuitBreakerThreshold is {threshold}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_threshold_failures_in_a_row_the_next_request_is_refused_unsent()
    {
        var run = new Run();
        using var provider = run.Provider(WithBreaker());
        await run.SendAsync(provider, Spec(), Status(503));
        await run.SendAsync(provider, Spec(), Status(503));

        var refused = await Assert.ThrowsAsync<ResilienceRefusedException>(() => run.SendAsync(provider, Spec(), s_ok));
        Assert.Equal(ErrorIds.CircuitOpen, refused.ErrorId);
        Assert.Contains("api.example", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, run.Attempts);
    }

    [Fact]
    public async Task A_5xx_counts_as_a_breaker_failure_also_under_SkipHttpErrorCheck()
    {
        var run = new Run();
        using var provider = run.Provider(WithBreaker());
        await run.SendAsync(provider, Spec(), Status(500, transient: false, failed: false));
        await run.SendAsync(provider, Spec(), Status(500, transient: false, failed: false));

        await Assert.ThrowsAsync<ResilienceRefusedException>(() => run.SendAsync(provider, Spec(), s_ok));
    }

    [Fact]
    public async Task A_4xx_is_no_breaker_failure()
    {
        var run = new Run();
        using var provider = run.Provider(WithBreaker());
        await run.SendAsync(provider, Spec(), Status(404, transient: false));
        await run.SendAsync(provider, Spec(), Status(404, transient: false));

        Assert.Same(s_ok, await run.SendAsync(provider, Spec(), s_ok));
        Assert.Equal(3, run.Attempts);
    }

    [Fact]
    public async Task A_success_between_failures_breaks_the_run()
    {
        var run = new Run();
        using var provider = run.Provider(WithBreaker());
        await run.SendAsync(provider, Spec(), Status(503));
        await run.SendAsync(provider, Spec(), s_ok);
        await run.SendAsync(provider, Spec(), Status(503));

        Assert.Same(s_ok, await run.SendAsync(provider, Spec(), s_ok));
    }

    [Fact]
    public async Task Failures_before_a_success_do_not_count_toward_the_next_run()
    {
        // Without the reset, three failures in four answers (0.75) would not reach a ratio of 1 and the breaker would stay closed.
        var run = new Run();
        using var provider = run.Provider(WithBreaker());
        await run.SendAsync(provider, Spec(), Status(503));
        await run.SendAsync(provider, Spec(), s_ok);
        await run.SendAsync(provider, Spec(), Status(503));
        await run.SendAsync(provider, Spec(), Status(503));

        await Assert.ThrowsAsync<ResilienceRefusedException>(() => run.SendAsync(provider, Spec(), s_ok));
    }

    [Fact]
    public async Task Each_host_has_its_own_breaker()
    {
        var run = new Run();
        using var provider = run.Provider(WithBreaker());
        await run.SendAsync(provider, Spec(host: "down.example"), Status(503));
        await run.SendAsync(provider, Spec(host: "down.example"), Status(503));

        await Assert.ThrowsAsync<ResilienceRefusedException>(() => run.SendAsync(provider, Spec(host: "down.example"), s_ok));
        Assert.Same(s_ok, await run.SendAsync(provider, Spec(host: "up.example"), s_ok));
    }

    [Fact]
    public async Task A_breaker_with_a_failure_ratio_opens_on_that_share_of_failures()
    {
        var run = new Run();
        using var provider = run.Provider(WithBreaker(ratio: 0.5, threshold: 4));
        await run.SendAsync(provider, Spec(), s_ok);
        await run.SendAsync(provider, Spec(), Status(503));
        await run.SendAsync(provider, Spec(), s_ok);
        await run.SendAsync(provider, Spec(), Status(503));

        var refused = await Assert.ThrowsAsync<ResilienceRefusedException>(() => run.SendAsync(provider, Spec(), s_ok));
        Assert.Equal(ErrorIds.CircuitOpen, refused.ErrorId);
    }

    [Fact]
    public async Task An_open_breaker_ends_the_retries_of_the_request_that_opened_it()
    {
        var run = new Run();
        using var provider = run.Provider(new BatchOptions { Retry = Retries(5), CircuitBreaker = WithBreaker().CircuitBreaker });

        var refused = await Assert.ThrowsAsync<ResilienceRefusedException>(() => run.SendAsync(provider, Spec(), Status(503)));
        Assert.Equal(ErrorIds.CircuitOpen, refused.ErrorId);
        Assert.Equal(2, run.Attempts);
    }

    // ---- the rate limiter ----

    /// <summary>One permit now and the next in 100 s: a second request to the same limiter waits far beyond any test's patience.</summary>
    private static BatchOptions SlowRate(bool perHost) => new() { RequestsPerSecond = 0.01, RateLimitPerHost = perHost };

    [Fact]
    public async Task With_a_per_host_rate_limit_each_host_has_its_own_permits()
    {
        var run = new Run();
        using var provider = run.Provider(SlowRate(perHost: true));
        await run.SendAsync(provider, Spec(host: "a.example"), s_ok);

        var other = run.SendAsync(provider, Spec(host: "b.example"), s_ok);

        Assert.Same(s_ok, await other.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, run.Attempts);
    }

    [Fact]
    public async Task A_request_still_waiting_for_a_permit_when_the_batch_ends_is_refused_unsent_as_RateLimited()
    {
        var run = new Run();
        var provider = run.Provider(SlowRate(perHost: false));
        await run.SendAsync(provider, Spec(host: "a.example"), s_ok);
        var waiting = run.SendAsync(provider, Spec(host: "b.example"), s_ok);
        Assert.False(waiting.IsCompleted);

        provider.Dispose();

        var refused = await Assert.ThrowsAsync<ResilienceRefusedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorIds.RateLimited, refused.ErrorId);
        Assert.Equal(1, run.Attempts);
    }

    [Fact]
    public void PassesThroughOnlyWithoutRetriesBreakerAndRateLimit()
    {
        // The runner then runs the one attempt itself; any strategy needs the pipeline's callback.
        using (var plain = new ResilienceProvider(new BatchOptions(), verbose: null))
        {
            Assert.True(plain.PassesThrough);
        }

        using (var retried = new ResilienceProvider(WithRetries(1), verbose: null))
        {
            Assert.False(retried.PassesThrough);
        }

        using (var broken = new ResilienceProvider(WithBreaker(), verbose: null))
        {
            Assert.False(broken.PassesThrough);
        }

        using var limited = new ResilienceProvider(new BatchOptions { RequestsPerSecond = 5 }, verbose: null);
        Assert.False(limited.PassesThrough);
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Hosts;
using AsyncWeb.Requests;
using AsyncWeb.Sending;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;

namespace AsyncWeb.Resilience;

/// <summary>
/// Builds the Polly pipelines of a batch from its options: retry (outermost, exponential backoff
/// with jitter, Retry-After aware) around a per-host circuit breaker around a rate limiter. One
/// pipeline per host when the breaker or per-host rate limit needs per-host state.
/// </summary>
internal sealed class ResilienceProvider : IDisposable
{
    /// <summary>Polly's smallest MinimumThroughput; a breaker cannot open on fewer failures.</summary>
    public const int MinimumBreakerThreshold = 2;

    private static readonly ResiliencePropertyKey<RequestSpec> s_specKey = new("AsyncWeb.Request");
    private readonly BatchOptions _options;
    private readonly Action<string>? _verbose;
    private readonly HostFlow? _flow;
    private readonly bool _passThrough;
    private readonly bool _perHost;
    private readonly bool _consecutive;
    private readonly ConcurrentDictionary<string, Lazy<HostPipeline>> _pipelines = new(StringComparer.OrdinalIgnoreCase);
    private readonly TokenBucketRateLimiter? _globalLimiter;

    public ResilienceProvider(BatchOptions options, Action<string>? verbose, HostFlow? flow = null)
    {
        _flow = flow;
        if (options.CircuitBreaker is { MinimumThroughput: < MinimumBreakerThreshold } invalid)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"a circuit breaker needs at least {MinimumBreakerThreshold} failures to open (CircuitBreakerThreshold is {invalid.MinimumThroughput}); use 0 for no breaker"));
        }

        _options = options;
        _verbose = verbose;
        _passThrough = options.Retry.MaximumRetryCount == 0 && options.CircuitBreaker is null && options.RequestsPerSecond <= 0;
        _perHost = options.CircuitBreaker is not null || (options.RequestsPerSecond > 0 && options.RateLimitPerHost);

        // Polly's breaker only knows failure ratios; a ratio of 1 over the threshold is "N failures in a
        // row" once every success clears the tally (see ClearFailuresAfterSuccessAsync).
        _consecutive = options.CircuitBreaker is { FailureRatio: >= 1.0 };
        if (options.RequestsPerSecond <= 0)
        {
            GC.SuppressFinalize(this);
        }
        else if (!options.RateLimitPerHost)
        {
            _globalLimiter = CreateLimiter(options.RequestsPerSecond);
        }
    }

    /// <summary>True when no strategy is configured (no retry, breaker or rate limit): a request is its one attempt, which callers may run directly.</summary>
    public bool PassesThrough => _passThrough;

    /// <summary>Runs the attempts of one request; with no strategy configured it is the attempt itself (no extra async frame).</summary>
    public Task<AttemptOutcome> ExecuteAsync(RequestSpec spec, Func<RequestSpec, CancellationToken, Task<AttemptOutcome>> attempt, CancellationToken token) =>
        _passThrough ? attempt(spec, token) : ExecuteThroughPipelineAsync(spec, attempt, token);

    private async Task<AttemptOutcome> ExecuteThroughPipelineAsync(RequestSpec spec, Func<RequestSpec, CancellationToken, Task<AttemptOutcome>> attempt, CancellationToken token)
    {
        var key = _perHost ? spec.HostKey : string.Empty;
        var host = _pipelines.GetOrAdd(key, static (k, self) => new Lazy<HostPipeline>(() => self.Build(k)), this).Value;
        var context = ResilienceContextPool.Shared.Get(token);
        context.Properties.Set(s_specKey, spec);
        try
        {
            var outcome = await host.Pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<AttemptOutcome>(state.attempt(state.spec, ctx.CancellationToken)),
                context,
                (spec, attempt)).ConfigureAwait(false);
            if (_consecutive && !IsBreakerFailure(outcome))
            {
                await host.ClearFailuresAfterSuccessAsync().ConfigureAwait(false);
            }

            return outcome;
        }
        catch (BrokenCircuitException broken)
        {
            var retry = broken.RetryAfter is { } after ? string.Create(CultureInfo.InvariantCulture, $"; a probe goes through in {after.TotalSeconds:0.#} s") : string.Empty;
            throw new ResilienceRefusedException(ErrorIds.CircuitOpen,
                $"not sent: the circuit breaker for {spec.HostKey} is open after repeated failures{retry}", broken);
        }
        catch (RateLimiterRejectedException rejected)
        {
            throw new ResilienceRefusedException(ErrorIds.RateLimited, "not sent: the rate limiter's queue is full", rejected);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// A safety net for a batch that is never disposed: each rate limiter's replenishment timer roots
    /// the limiter (not this provider), and would otherwise tick for the rest of the session.
    /// </summary>
    ~ResilienceProvider() => DisposeLimiters();

    /// <summary>Stops the rate limiters' replenishment timers; requests still waiting for a permit fail.</summary>
    public void Dispose()
    {
        DisposeLimiters();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// What the breaker counts as a failure: transient failures and 5xx answers, also under
    /// -SkipHttpErrorCheck (a host answering 503 is failing whether or not the caller wants errors).
    /// </summary>
    private static bool IsBreakerFailure(AttemptOutcome outcome) =>
        (outcome.Failure is not null && outcome.Transient) || outcome.StatusCode >= 500;

    private HostPipeline Build(string host)
    {
        var builder = new ResiliencePipelineBuilder<AttemptOutcome>();
        var retry = _options.Retry;
        if (retry.MaximumRetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptOutcome>
            {
                MaxRetryAttempts = retry.MaximumRetryCount,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaximumDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Context, args.Outcome, args.AttemptNumber)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryDelay(args.Outcome)),
                OnRetry = args =>
                {
                    if (_verbose is not null && args.Context.Properties.TryGetValue(s_specKey, out var spec))
                    {
                        var hostPause = args.RetryDelay == TimeSpan.Zero ? _flow?.PauseRemaining(spec.HostKey) ?? TimeSpan.Zero : TimeSpan.Zero;
                        var waiting = hostPause > TimeSpan.Zero
                            ? string.Create(CultureInfo.InvariantCulture, $"waiting for host {spec.HostKey}, paused for {hostPause.TotalSeconds:0.###} s more")
                            : string.Create(CultureInfo.InvariantCulture, $"waiting {args.RetryDelay.TotalSeconds:0.###} s");
                        _verbose(string.Create(CultureInfo.InvariantCulture,
                            $"#{spec.Index} retry {args.AttemptNumber + 1} of {retry.MaximumRetryCount} after {args.Outcome.Result?.Describe() ?? args.Outcome.Exception?.GetType().Name}; {waiting}"));
                    }

                    return default;
                },
            });
        }

        CircuitBreakerManualControl? control = null;
        CircuitBreakerStateProvider? state = null;
        var tally = new FailureTally();
        if (_options.CircuitBreaker is { } breaker)
        {
            control = new CircuitBreakerManualControl();
            state = new CircuitBreakerStateProvider();
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptOutcome>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                ManualControl = control,
                StateProvider = state,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Result is { } r && IsBreakerFailure(r) && tally.Count()),
                OnOpened = args =>
                {
                    _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"circuit breaker for {host} opened for {args.BreakDuration.TotalSeconds:0.#} s"));
                    return default;
                },
                OnClosed = _ =>
                {
                    _verbose?.Invoke($"circuit breaker for {host} closed");
                    return default;
                },
            });
        }

        TokenBucketRateLimiter? ownLimiter = null;
        if (_options.RequestsPerSecond > 0)
        {
            builder.AddRateLimiter(_globalLimiter ?? (ownLimiter = CreateLimiter(_options.RequestsPerSecond)));
        }

        return new HostPipeline(builder.Build(), control, state, tally, ownLimiter);
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<AttemptOutcome> outcome, int attemptNumber)
    {
        if (outcome.Result is not { Transient: true } result || !context.Properties.TryGetValue(s_specKey, out var spec))
        {
            return false;
        }

        // An Idempotency-Key makes a POST safe to send again: the server answers a repeat with its first answer.
        if (!_options.Retry.RetryNonIdempotent && !HttpMethods.IsIdempotent(spec.Method) && spec.IdempotencyKey is null)
        {
            return false;
        }

        // The server said "not before then": retrying earlier is pointless, and waiting longer than the user allows is not allowed.
        if (ServerDelay(outcome) is { } asked && asked > _options.Retry.MaximumRetryAfter)
        {
            if (_verbose is not null && attemptNumber < _options.Retry.MaximumRetryCount)
            {
                _verbose(string.Create(CultureInfo.InvariantCulture,
                    $"#{spec.Index} not retried: the server answered {result.StatusCode} with Retry-After {asked.TotalSeconds:0.###} s, longer than -MaximumRetryAfterSec {_options.Retry.MaximumRetryAfter.TotalSeconds:0.###} s"));
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// The delay before a retry: none of Polly's own when the server asked with Retry-After, since the host is paused
    /// for exactly that (HostFlow) and the next attempt waits at the host gate, giving its slot to other hosts
    /// meanwhile; otherwise the exponential backoff.
    /// </summary>
    private TimeSpan? RetryDelay(Outcome<AttemptOutcome> outcome) =>
        _flow is not null && ServerDelay(outcome) is not null ? TimeSpan.Zero : ServerDelay(outcome);

    /// <summary>The wait the server asked for (the retry waits exactly that; ShouldRetry refuses waits beyond the maximum).</summary>
    private static TimeSpan? ServerDelay(Outcome<AttemptOutcome> outcome) => outcome.Result?.AskedWait;

    private void DisposeLimiters()
    {
        _globalLimiter?.Dispose();
        foreach (var host in _pipelines.Values)
        {
            if (host.IsValueCreated)
            {
                host.Value.Limiter?.Dispose();
            }
        }
    }

    /// <summary>A token bucket refilled in small steps, so the start rate is even rather than bursty.</summary>
    private static TokenBucketRateLimiter CreateLimiter(double requestsPerSecond)
    {
        // Whole tokens per period, and the period made to fit them exactly: rounding the tokens of a
        // fixed 50 ms period instead would turn 50/s into 40/s (2.5 tokens rounded to 2).
        var tokens = Math.Max(1, (int)Math.Ceiling(requestsPerSecond * 0.05));
        var period = TimeSpan.FromSeconds(tokens / requestsPerSecond);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>One host's pipeline and the handles on its breaker and limiter.</summary>
    private sealed class HostPipeline
    {
        private readonly CircuitBreakerManualControl? _control;
        private readonly CircuitBreakerStateProvider? _state;
        private readonly FailureTally _tally;

        public HostPipeline(ResiliencePipeline<AttemptOutcome> pipeline, CircuitBreakerManualControl? control, CircuitBreakerStateProvider? state, FailureTally tally, TokenBucketRateLimiter? limiter)
        {
            Pipeline = pipeline;
            _control = control;
            _state = state;
            _tally = tally;
            Limiter = limiter;
        }

        public ResiliencePipeline<AttemptOutcome> Pipeline { get; }

        /// <summary>The host's own limiter (per-host rate limit), disposed with the provider.</summary>
        public TokenBucketRateLimiter? Limiter { get; }

        /// <summary>
        /// Closing a closed circuit only resets Polly's health metrics, so the next failures count from
        /// zero. A circuit that opened meanwhile is left alone: only its break duration ends it. (A
        /// failure that opens it between the check and the reset is the one race left; it costs at most
        /// an early close, never a missed one.)
        /// </summary>
        public Task ClearFailuresAfterSuccessAsync() =>
            _control is not null && _tally.Clear() && _state is { CircuitState: CircuitState.Closed }
                ? _control.CloseAsync()
                : Task.CompletedTask;
    }

    /// <summary>Whether the breaker saw a failure since the last success; spares the reset on healthy hosts.</summary>
    private sealed class FailureTally
    {
        private int _failures;

        /// <summary>Counts one failure; always true, to sit inside the breaker's predicate.</summary>
        public bool Count()
        {
            Interlocked.Increment(ref _failures);
            return true;
        }

        /// <summary>True when there was a failure to clear.</summary>
        public bool Clear() => Interlocked.Exchange(ref _failures, 0) > 0;
    }
}

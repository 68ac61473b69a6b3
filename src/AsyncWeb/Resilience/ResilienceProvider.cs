using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using AsyncWeb.Engine;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;

namespace AsyncWeb.Resilience;

/// <summary>Raised when a circuit breaker or rate limiter refuses to send a request.</summary>
internal sealed class ResilienceRefusedException : Exception
{
    public ResilienceRefusedException(string errorId, string message, Exception inner)
        : base(message, inner)
    {
        ErrorId = errorId;
    }

    public string ErrorId { get; }
}

/// <summary>
/// Builds the Polly pipelines of a batch from its options: retry (outermost, exponential backoff
/// with jitter, Retry-After aware) around a per-host circuit breaker around a rate limiter. One
/// pipeline per host when the breaker or per-host rate limit needs per-host state.
/// </summary>
internal sealed class ResilienceProvider
{
    private static readonly ResiliencePropertyKey<RequestSpec> s_specKey = new("AsyncWeb.Request");
    private static readonly HashSet<string> s_idempotent = new(StringComparer.OrdinalIgnoreCase) { "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" };

    private readonly BatchOptions _options;
    private readonly Action<string>? _verbose;
    private readonly bool _passThrough;
    private readonly bool _perHost;
    private readonly RateLimiter? _globalLimiter;
    private readonly ConcurrentDictionary<string, ResiliencePipeline<AttemptOutcome>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    public ResilienceProvider(BatchOptions options, Action<string>? verbose)
    {
        _options = options;
        _verbose = verbose;
        _passThrough = options.Retry.MaximumRetryCount == 0 && options.CircuitBreaker is null && options.RequestsPerSecond <= 0;
        _perHost = options.CircuitBreaker is not null || (options.RequestsPerSecond > 0 && options.RateLimitPerHost);
        if (options.RequestsPerSecond > 0 && !options.RateLimitPerHost)
        {
            _globalLimiter = CreateLimiter(options.RequestsPerSecond);
        }
    }

    public async Task<AttemptOutcome> ExecuteAsync(RequestSpec spec, Func<RequestSpec, CancellationToken, Task<AttemptOutcome>> attempt, CancellationToken token)
    {
        if (_passThrough)
        {
            return await attempt(spec, token).ConfigureAwait(false);
        }

        var key = _perHost ? spec.HostKey : string.Empty;
        var pipeline = _pipelines.GetOrAdd(key, Build);
        var context = ResilienceContextPool.Shared.Get(token);
        context.Properties.Set(s_specKey, spec);
        try
        {
            return await pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<AttemptOutcome>(state.attempt(state.spec, ctx.CancellationToken)),
                context,
                (spec, attempt)).ConfigureAwait(false);
        }
        catch (BrokenCircuitException broken)
        {
            var retry = broken.RetryAfter is { } after ? string.Create(CultureInfo.InvariantCulture, $"; it closes again in {after.TotalSeconds:0.#} s") : string.Empty;
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

    private ResiliencePipeline<AttemptOutcome> Build(string host)
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
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Context, args.Outcome)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(ServerDelay(args.Outcome)),
                OnRetry = args =>
                {
                    if (_verbose is not null && args.Context.Properties.TryGetValue(s_specKey, out var spec))
                    {
                        _verbose(string.Create(CultureInfo.InvariantCulture,
                            $"#{spec.Index} retry {args.AttemptNumber + 1} of {retry.MaximumRetryCount} after {args.Outcome.Result?.Describe() ?? args.Outcome.Exception?.GetType().Name}; waiting {args.RetryDelay.TotalSeconds:0.###} s"));
                    }

                    return default;
                },
            });
        }

        if (_options.CircuitBreaker is { } breaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptOutcome>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Result is { Failure: not null } r && (r.Transient || r.StatusCode >= 500)),
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

        if (_options.RequestsPerSecond > 0)
        {
            builder.AddRateLimiter(_globalLimiter ?? CreateLimiter(_options.RequestsPerSecond));
        }

        return builder.Build();
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<AttemptOutcome> outcome)
    {
        if (outcome.Result is not { Transient: true } || !context.Properties.TryGetValue(s_specKey, out var spec))
        {
            return false;
        }

        return _options.Retry.RetryNonIdempotent || s_idempotent.Contains(spec.Method);
    }

    private TimeSpan? ServerDelay(Outcome<AttemptOutcome> outcome)
    {
        if (outcome.Result is { RetryAfter: { } after, StatusCode: 429 or 503 })
        {
            return after < _options.Retry.MaximumRetryAfter ? after : _options.Retry.MaximumRetryAfter;
        }

        return null;
    }

    /// <summary>A token bucket refilled in small steps, so the start rate is even rather than bursty.</summary>
    private static RateLimiter CreateLimiter(double requestsPerSecond)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1.0 / requestsPerSecond, 0.05));
        var tokens = Math.Max(1, (int)Math.Round(requestsPerSecond * period.TotalSeconds));
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
}

using System.Management.Automation;

namespace AsyncWeb.Commands;

// Retries, circuit breakers and start rates: the parameters only; Resilience/ does the work.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Retries after a transient failure (connection, timeout, 408/429/5xx). Default 0.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRetryCount { get; set; }

    /// <summary>Base delay of the exponential backoff (with jitter). Default 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 3600.0)]
    public double RetryIntervalSec { get; set; } = 1;

    /// <summary>Longest backoff delay between attempts. Default 30.</summary>
    [Parameter]
    [ValidateRange(0.0, 3600.0)]
    public double MaximumRetryDelaySec { get; set; } = 30;

    /// <summary>Longest Retry-After wait honoured on 429/503. Default 60.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double MaximumRetryAfterSec { get; set; } = 60;

    /// <summary>Statuses that are retried. Default 408, 429, 500, 502, 503, 504.</summary>
    [Parameter]
    [ValidateRange(100, 599)]
    public int[]? RetryStatusCode { get; set; }

    /// <summary>Retry non-idempotent methods (POST, PATCH, custom) too.</summary>
    [Parameter]
    public SwitchParameter RetryAllMethods { get; set; }

    /// <summary>Open a host's circuit after this many failures in a row (0: no breaker; otherwise at least 2). Each attempt counts; failures are connection errors, timeouts and 5xx/retryable statuses.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int CircuitBreakerThreshold { get; set; }

    /// <summary>Open a host's circuit when at least this share of its requests in the last 5 minutes failed (with at least CircuitBreakerThreshold requests). Default 1: failures in a row.</summary>
    [Parameter]
    [ValidateRange(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 1.0;

    /// <summary>How long an open circuit stays open before one probe request is let through. Default 30.</summary>
    [Parameter]
    [ValidateRange(0.5, 86400.0)]
    public double CircuitBreakerBreakSec { get; set; } = 30;

    /// <summary>Most request starts per second (0: no limit).</summary>
    [Parameter]
    [ValidateRange(0.0, 1000000.0)]
    public double RequestsPerSecond { get; set; }

    /// <summary>Apply -RequestsPerSecond to each host separately.</summary>
    [Parameter]
    public SwitchParameter RateLimitPerHost { get; set; }
}

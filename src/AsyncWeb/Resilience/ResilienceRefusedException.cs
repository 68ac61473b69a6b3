using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
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

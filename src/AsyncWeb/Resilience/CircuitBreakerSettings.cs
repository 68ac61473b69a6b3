using System;
using System.Net;
using System.Security.Authentication;

namespace AsyncWeb.Resilience;

/// <summary>Per-host circuit breaker settings (opt-in).</summary>
internal sealed record CircuitBreakerSettings(double FailureRatio, TimeSpan SamplingDuration, int MinimumThroughput, TimeSpan BreakDuration);

using System;

namespace AsyncWeb.Thresholds;

/// <summary>A threshold expression that does not parse; the message names the expression and what was expected.</summary>
internal sealed class ThresholdSyntaxException : FormatException
{
    public ThresholdSyntaxException(string expression, string reason)
        : base($"The threshold '{expression}' is not valid: {reason}. Write it as 'p95(TimeToFirstByteMs) < 500', 'FailureRate < 0.01' or 'p99(Elapsed){{host=api.example.com}} < 2s'.")
    {
        Expression = expression;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }
}

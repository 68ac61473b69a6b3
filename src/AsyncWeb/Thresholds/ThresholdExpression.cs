using System.Globalization;

namespace AsyncWeb.Thresholds;

/// <summary>One parsed threshold: what is measured (an aggregation of a metric, optionally of one host), the comparison and the limit.</summary>
internal sealed class ThresholdExpression
{
    /// <summary>The expression as the user wrote it (trimmed).</summary>
    public string Text { get; init; } = string.Empty;
    public ThresholdAggregation Aggregation { get; init; }

    /// <summary>For <see cref="ThresholdAggregation.Percentile"/>: the percentile as a fraction (p95: 0.95).</summary>
    public double Percentile { get; init; }
    public ThresholdMetric Metric { get; init; }

    /// <summary>The host the threshold is about (host, or host:port); null for the whole batch.</summary>
    public string? Host { get; init; }
    public ThresholdOperator Operator { get; init; }

    /// <summary>The limit in the metric's unit: milliseconds for durations, a fraction for rates (1% is 0.01).</summary>
    public double Limit { get; init; }

    /// <summary>The observed value is a duration in milliseconds.</summary>
    public bool IsDuration => Aggregation is not ThresholdAggregation.Count && ThresholdMetrics.IsDuration(Metric);

    /// <summary>"p95(TimeToFirstByteMs)", "FailureRate": what was measured, in the summary's names.</summary>
    public string Measured
    {
        get
        {
            var name = ThresholdMetrics.NameOf(Metric);
            return Aggregation switch
            {
                ThresholdAggregation.None => name,
                ThresholdAggregation.Percentile => "p" + (Percentile * 100).ToString("0.###", CultureInfo.InvariantCulture) + "(" + name + ")",
                _ => Aggregation.ToString().ToLowerInvariant() + "(" + name + ")",
            };
        }
    }
}

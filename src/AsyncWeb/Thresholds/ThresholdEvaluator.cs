using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Summary;
using AsyncWeb.Timing;

namespace AsyncWeb.Thresholds;

/// <summary>Judges a threshold against a batch's figures (or one host's): the observed value, and whether it passes the comparison.</summary>
internal static class ThresholdEvaluator
{
    public static WebBatchThreshold Evaluate(ThresholdExpression threshold, BatchTally tally, TimingStatistics timings)
    {
        var observed = Observe(threshold, tally, timings);
        return new WebBatchThreshold
        {
            Expression = threshold.Text,
            Measured = threshold.Measured,
            Host = threshold.Host,
            Limit = threshold.Limit,
            Observed = observed,
            Unit = threshold.IsDuration ? "ms" : string.Empty,
            Held = observed is { } value && Passes(value, threshold.Operator, threshold.Limit),
        };
    }

    public static bool Passes(double observed, ThresholdOperator op, double limit) => op switch
    {
        ThresholdOperator.Less => observed < limit,
        ThresholdOperator.LessOrEqual => observed <= limit,
        ThresholdOperator.Greater => observed > limit,
        ThresholdOperator.GreaterOrEqual => observed >= limit,
        ThresholdOperator.Equal => observed == limit,
        _ => observed != limit,
    };

    /// <summary>The value measured; null when there is nothing to measure (an aggregation of no samples, a rate of no results).</summary>
    private static double? Observe(ThresholdExpression threshold, BatchTally tally, TimingStatistics timings)
    {
        if (ThresholdMetrics.HasSamples(threshold.Metric))
        {
            return Aggregate(threshold, Samples(threshold.Metric, tally, timings));
        }

        var count = tally.Count;
        var known = timings.ConnectionsOpened + timings.ConnectionsReused;
        return threshold.Metric switch
        {
            ThresholdMetric.Count => count,
            ThresholdMetric.Succeeded => tally.Succeeded,
            ThresholdMetric.Failed => count - tally.Succeeded,
            ThresholdMetric.Skipped => tally.Skipped,
            ThresholdMetric.FailureRate => count == 0 ? null : Math.Round((double)(count - tally.Succeeded) / count, 6),
            ThresholdMetric.SuccessRate => count == 0 ? null : Math.Round((double)tally.Succeeded / count, 6),
            ThresholdMetric.Bytes => tally.Bytes,
            ThresholdMetric.BytesSent => tally.BytesSent,
            ThresholdMetric.RequestsPerSecond => tally.WallTime.TotalSeconds > 0 ? Math.Round(tally.SamplesMs.Count / tally.WallTime.TotalSeconds, 1) : null,
            ThresholdMetric.ConnectionReuseRatio => known == 0 ? null : timings.ConnectionReuseRatio,
            ThresholdMetric.ConnectionsOpened => timings.ConnectionsOpened,
            ThresholdMetric.ConnectionsReused => timings.ConnectionsReused,
            _ => tally.StartUtc is null ? null : Math.Round(tally.WallTime.TotalMilliseconds, 1),
        };
    }

    private static double? Aggregate(ThresholdExpression threshold, IReadOnlyList<double> sorted)
    {
        if (threshold.Aggregation == ThresholdAggregation.Count)
        {
            return sorted.Count;
        }

        if (sorted.Count == 0)
        {
            return null;
        }

        return threshold.Aggregation switch
        {
            ThresholdAggregation.Avg => Math.Round(sorted.Average(), 1),
            ThresholdAggregation.Min => SampleSet.Percentile(sorted, 0),
            ThresholdAggregation.Max => SampleSet.Percentile(sorted, 1),
            _ => SampleSet.Percentile(sorted, threshold.Percentile),
        };
    }

    private static IReadOnlyList<double> Samples(ThresholdMetric metric, BatchTally tally, TimingStatistics timings) => metric switch
    {
        ThresholdMetric.QueueWait => timings.QueueWaitSamples.Sorted,
        ThresholdMetric.DnsLookup => timings.DnsLookupSamples.Sorted,
        ThresholdMetric.Connect => timings.ConnectSamples.Sorted,
        ThresholdMetric.TlsHandshake => timings.TlsHandshakeSamples.Sorted,
        ThresholdMetric.TimeToFirstByte => timings.TimeToFirstByteSamples.Sorted,
        ThresholdMetric.Transfer => timings.TransferSamples.Sorted,
        _ => tally.SamplesMs,
    };
}

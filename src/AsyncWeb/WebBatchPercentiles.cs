using System.Globalization;

namespace AsyncWeb;

/// <summary>Percentiles of one phase over a batch, in milliseconds (nearest rank, like the latency figures).</summary>
public sealed class WebBatchPercentiles
{
    /// <summary>Requests that had this phase.</summary>
    public int Count { get; internal set; }
    /// <summary>Shortest, ms.</summary>
    public double MinMs { get; internal set; }
    /// <summary>Median, ms.</summary>
    public double P50Ms { get; internal set; }
    /// <summary>90th percentile, ms.</summary>
    public double P90Ms { get; internal set; }
    /// <summary>99th percentile, ms.</summary>
    public double P99Ms { get; internal set; }
    /// <summary>Longest, ms.</summary>
    public double MaxMs { get; internal set; }

    /// <summary>"p50 1.2  p90 3.4  p99 5.6  max 7.8 (n=100)", or "none".</summary>
    public override string ToString() => Count == 0
        ? "none"
        : string.Format(CultureInfo.InvariantCulture, "p50 {0:N1}  p90 {1:N1}  p99 {2:N1}  max {3:N1}  (n={4:N0})", P50Ms, P90Ms, P99Ms, MaxMs, Count);
}

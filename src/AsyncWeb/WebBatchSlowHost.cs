using System.Globalization;

namespace AsyncWeb;

/// <summary>A host whose time to first byte is above Measure-AsyncWebBatch's -SlowThresholdSec (at the 99th percentile).</summary>
public sealed class WebBatchSlowHost
{
    /// <summary>host[:port], as -ThrottleLimitPerHost counts hosts.</summary>
    public string Host { get; internal set; } = string.Empty;
    /// <summary>Responses from the host.</summary>
    public int Count { get; internal set; }
    /// <summary>Median time to first byte, ms.</summary>
    public double P50Ms { get; internal set; }
    /// <summary>99th percentile time to first byte, ms.</summary>
    public double P99Ms { get; internal set; }
    /// <summary>Longest time to first byte, ms.</summary>
    public double MaxMs { get; internal set; }

    /// <summary>"api.example.com (p99 2,300 ms, n=12)".</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} (p99 {1:N0} ms, n={2:N0})", Host, P99Ms, Count);
}

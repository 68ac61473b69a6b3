using System.Globalization;

namespace AsyncWeb;

/// <summary>One of Measure-AsyncWebBatch's -Threshold expressions, judged: what was observed and whether it held.</summary>
public sealed class WebBatchThreshold
{
    /// <summary>The expression as given, such as "p95(TimeToFirstByteMs) &lt; 500".</summary>
    public string Expression { get; internal set; } = string.Empty;
    /// <summary>What was measured, in the summary's names: "p95(TimeToFirstByteMs)", "FailureRate".</summary>
    public string Measured { get; internal set; } = string.Empty;
    /// <summary>The host it was about ({host=...}); null for the whole batch.</summary>
    public string? Host { get; internal set; }
    /// <summary>The limit, in the metric's unit: milliseconds for durations (2s is 2000), a fraction for rates (1% is 0.01).</summary>
    public double Limit { get; internal set; }
    /// <summary>The value observed; null when there was nothing to measure (no samples, no results of the host), which fails the threshold.</summary>
    public double? Observed { get; internal set; }
    /// <summary>"ms" for durations, empty otherwise.</summary>
    public string Unit { get; internal set; } = string.Empty;
    /// <summary>The observed value passed the comparison.</summary>
    public bool Held { get; internal set; }

    /// <summary>"held   p95(TimeToFirstByteMs) &lt; 500: 123.4 ms", "FAILED FailureRate &lt; 0.01: 0.05", "FAILED ...: no samples".</summary>
    public override string ToString() =>
        (Held ? "held   " : "FAILED ") + Expression + ": " + Observation;

    /// <summary>"123.4 ms", "0.05" or "no samples".</summary>
    public string Observation => Observed is { } value
        ? value.ToString("0.####", CultureInfo.InvariantCulture) + (Unit.Length > 0 ? " " + Unit : "")
        : Host is null ? "no samples" : "no samples of host " + Host;
}

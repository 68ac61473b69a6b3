using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncWeb.Thresholds;

/// <summary>The names a threshold may measure, as the summary and the results spell them ("Ms" optional on phases).</summary>
internal static class ThresholdMetrics
{
    private static readonly Dictionary<string, ThresholdMetric> ByName = Build();

    /// <summary>Every accepted name, for messages.</summary>
    public static IEnumerable<string> Names => Enum.GetNames(typeof(ThresholdMetric));

    /// <summary>Aggregated from samples (phases and latency): needs avg(), pNN() and the like.</summary>
    public static bool HasSamples(ThresholdMetric metric) => metric <= ThresholdMetric.Transfer;

    /// <summary>Measured in milliseconds, so the limit takes ms, s or m.</summary>
    public static bool IsDuration(ThresholdMetric metric) => HasSamples(metric) || metric == ThresholdMetric.WallTime;

    /// <summary>A fraction from 0 to 1, so the limit may be written in %.</summary>
    public static bool IsRatio(ThresholdMetric metric) =>
        metric is ThresholdMetric.FailureRate or ThresholdMetric.SuccessRate or ThresholdMetric.ConnectionReuseRatio;

    public static bool TryParse(string name, out ThresholdMetric metric) => ByName.TryGetValue(name, out metric);

    /// <summary>The name as the summary's properties and the results' phase columns show it.</summary>
    public static string NameOf(ThresholdMetric metric) => HasSamples(metric) ? metric + "Ms" : metric.ToString();

    private static Dictionary<string, ThresholdMetric> Build()
    {
        var names = new Dictionary<string, ThresholdMetric>(StringComparer.OrdinalIgnoreCase);
        foreach (var metric in Enum.GetValues(typeof(ThresholdMetric)).Cast<ThresholdMetric>())
        {
            names[metric.ToString()] = metric;
            if (HasSamples(metric))
            {
                names[metric + "Ms"] = metric;
            }
        }

        names["Latency"] = ThresholdMetric.Elapsed; // the summary's Latency row is Elapsed's percentiles
        return names;
    }
}

namespace AsyncWeb.Thresholds;

/// <summary>How a phase's samples become one value: k6's trend aggregations.</summary>
internal enum ThresholdAggregation
{
    /// <summary>A figure of the summary, taken as it is (FailureRate, Count ...).</summary>
    None,
    Percentile,
    Avg,
    Min,
    Max,
    Med,
    Count,
}

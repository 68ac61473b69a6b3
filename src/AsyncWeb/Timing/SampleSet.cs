using System;
using System.Collections.Generic;

namespace AsyncWeb.Timing;

/// <summary>Samples in milliseconds, summarised by nearest-rank percentiles (exact: every sample is kept, 8 bytes each).</summary>
internal sealed class SampleSet
{
    private readonly List<double> _samples = new();
    private bool _sorted = true;

    public int Count => _samples.Count;

    /// <summary>The samples, ascending.</summary>
    public IReadOnlyList<double> Sorted
    {
        get
        {
            if (!_sorted)
            {
                _samples.Sort();
                _sorted = true;
            }

            return _samples;
        }
    }

    public void Add(double? milliseconds)
    {
        if (milliseconds is { } value)
        {
            _sorted = _samples.Count == 0 || (_sorted && value >= _samples[_samples.Count - 1]);
            _samples.Add(value);
        }
    }

    /// <summary>The nearest-rank percentile (p in 0..1) of the samples, rounded to 0.1 ms; 0 when there are none.</summary>
    public double Percentile(double p) => Percentile(Sorted, p);

    /// <summary>The nearest-rank percentile (p in 0..1) of samples in ascending order, rounded to 0.1 ms; 0 when there are none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return Math.Round(sorted[Math.Min(Math.Max(rank, 1), sorted.Count) - 1], 1);
    }

    public WebBatchPercentiles Summarize() => new()
    {
        Count = Count,
        MinMs = Percentile(0),
        P50Ms = Percentile(0.50),
        P90Ms = Percentile(0.90),
        P99Ms = Percentile(0.99),
        MaxMs = Percentile(1),
    };
}

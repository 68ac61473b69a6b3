using System.Linq;
using AsyncWeb.Binding;
using AsyncWeb.Summary;
using AsyncWeb.Thresholds;
using AsyncWeb.Timing;

namespace AsyncWeb.Commands;

/// <summary>
/// A batch's figures gathered one result (or summary) at a time, and the summary they make: the one rule behind
/// Measure-AsyncWebBatch (over its input) and Invoke-AsyncWebBatch -SummaryVariable (over every item the batch finished).
/// </summary>
internal sealed class BatchSummaryBuilder
{
    private readonly BatchTally _tally = new();
    private readonly HostLimitTally _hostLimits = new();
    private readonly TimingStatistics _timings = new();
    private readonly ThresholdSet? _thresholds;

    /// <param name="thresholds">Measure-AsyncWebBatch's -Threshold, judged in the summary; null for none.</param>
    public BatchSummaryBuilder(ThresholdSet? thresholds = null) => _thresholds = thresholds;

    /// <summary>Counts a result (live, deserialized, a CSV row), an error record of one, or merges a summary; false for anything else.</summary>
    public bool TryAdd(object? input)
    {
        if (!BatchRecordReader.TryRead(input, out var result, out var summary))
        {
            return false;
        }

        HostLimitReader.AddTo(_hostLimits, input);
        if (summary is not null)
        {
            _tally.Merge(summary);
            _timings.Merge(summary.Timings);
        }
        else
        {
            _tally.Add(result);
            _timings.Add(result.Phases);
            _thresholds?.Add(result);
        }

        return true;
    }

    /// <summary>The summary of everything added so far.</summary>
    public WebBatchSummary Build(double slowThresholdMs)
    {
        var summary = WebBatchSummary.From(_tally, _timings, slowThresholdMs);
        summary.HostLimits = _hostLimits.Final().Select(h => new WebBatchHostLimit(h.Host, h.Limit, h.AtUtc)).ToArray();
        summary.Thresholds = _thresholds?.Evaluate(_tally, _timings) ?? System.Array.Empty<WebBatchThreshold>();
        return summary;
    }
}

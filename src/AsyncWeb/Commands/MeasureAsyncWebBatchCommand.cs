using System.Linq;
using System.Management.Automation;
using AsyncWeb.Binding;
using AsyncWeb.Summary;
using AsyncWeb.Timing;

namespace AsyncWeb.Commands;

/// <summary>
/// Summarises a batch's results: counts, failures by ErrorId, statuses, bytes, latency percentiles and
/// rate, and where the time went (phase percentiles, connection reuse, slow hosts). Takes results in any shape they travel in (live, deserialized, CSV rows) and merges summaries
/// of parts of a batch exactly.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AsyncWebBatch")]
[OutputType(typeof(WebBatchSummary))]
public sealed class MeasureAsyncWebBatchCommand : PSCmdlet
{
    private readonly BatchTally _tally = new();
    private readonly HostLimitTally _hostLimits = new();
    private readonly TimingStatistics _timings = new();

    /// <summary>Results of Invoke-AsyncWebBatch (also deserialized, or rows of Import-Csv), ErrorRecords it wrote (2>&amp;1), or summaries to merge.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public PSObject? InputObject { get; set; }

    /// <summary>A host is listed in SlowHosts when its 99th percentile time to first byte is above this many seconds. Default 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double SlowThresholdSec { get; set; } = 1;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!BatchRecordReader.TryRead(InputObject, out var result, out var summary))
        {
            var value = InputObject?.BaseObject;
            WriteError(new ErrorRecord(
                new System.ArgumentException($"Measure-AsyncWebBatch takes the results of Invoke-AsyncWebBatch (live, deserialized or rows of Import-Csv with {BatchRecordReader.ResultProperties}), its error records, or summaries to merge; got {(value is null ? "null" : value.GetType().FullName)}"),
                ErrorIds.NotAWebBatchResult, ErrorCategory.InvalidArgument, value));
            return;
        }

        HostLimitReader.AddTo(_hostLimits, InputObject);
        if (summary is not null)
        {
            _tally.Merge(summary);
            _timings.Merge(summary.Timings);
        }
        else
        {
            _tally.Add(result);
            _timings.Add(result.Phases);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var summary = WebBatchSummary.From(_tally, _timings, SlowThresholdSec * 1000);
        summary.HostLimits = _hostLimits.Final().Select(h => new WebBatchHostLimit(h.Host, h.Limit, h.AtUtc)).ToArray();
        WriteObject(summary);
    }
}

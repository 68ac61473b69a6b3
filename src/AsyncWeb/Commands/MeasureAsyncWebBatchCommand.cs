using System.Linq;
using System.Management.Automation;
using AsyncWeb.Engine;

namespace AsyncWeb.Commands;

/// <summary>
/// Summarises a batch's results: counts, failures by ErrorId, statuses, bytes, latency percentiles and
/// rate. Takes results in any shape they travel in (live, deserialized, CSV rows) and merges summaries
/// of parts of a batch exactly.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AsyncWebBatch")]
[OutputType(typeof(WebBatchSummary))]
public sealed class MeasureAsyncWebBatchCommand : PSCmdlet
{
    private readonly BatchTally _tally = new();
    private readonly HostLimitTally _hostLimits = new();

    /// <summary>Results of Invoke-AsyncWebBatch (also deserialized, or rows of Import-Csv), ErrorRecords it wrote (2>&amp;1), or summaries to merge.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!BatchRecordReader.TryRead(InputObject, out var result, out var summary))
        {
            var value = InputObject?.BaseObject;
            WriteError(new ErrorRecord(
                new System.ArgumentException($"Measure-AsyncWebBatch takes the results of Invoke-AsyncWebBatch (live, deserialized or rows of Import-Csv with {BatchRecordReader.ResultProperties}), its error records, or summaries to merge; got {(value is null ? "null" : value.GetType().FullName)}"),
                "NotAWebBatchResult", ErrorCategory.InvalidArgument, value));
            return;
        }

        HostLimitReader.AddTo(_hostLimits, InputObject);
        if (summary is not null)
        {
            _tally.Merge(summary);
        }
        else
        {
            _tally.Add(result);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var summary = WebBatchSummary.From(_tally);
        summary.HostLimits = _hostLimits.Final().Select(h => new WebBatchHostLimit(h.Host, h.Limit, h.AtUtc)).ToArray();
        WriteObject(summary);
    }
}

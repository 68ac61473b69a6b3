using System.Management.Automation;
using AsyncWeb.Binding;

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
    private readonly BatchSummaryBuilder _summary = new();

    /// <summary>Results of Invoke-AsyncWebBatch (also deserialized, or rows of Import-Csv), ErrorRecords it wrote (2>&amp;1), or summaries to merge.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public PSObject? InputObject { get; set; }

    /// <summary>A host is listed in SlowHosts when its 99th percentile time to first byte is above this many seconds. Default 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double SlowThresholdSec { get; set; } = WebBatchSummary.DefaultSlowThresholdSec;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (IsStreamItem(InputObject))
        {
            return; // -Stream's items are parts of a response: the item's result that ends the stream counts it once
        }

        if (!_summary.TryAdd(InputObject))
        {
            var value = InputObject?.BaseObject;
            WriteError(new ErrorRecord(
                new System.ArgumentException($"Measure-AsyncWebBatch takes the results of Invoke-AsyncWebBatch (live, deserialized or rows of Import-Csv with {BatchRecordReader.ResultProperties}), its error records, or summaries to merge; got {(value is null ? "null" : value.GetType().FullName)}"),
                ErrorIds.NotAWebBatchResult, ErrorCategory.InvalidArgument, value));
            return;
        }
    }

    /// <summary>A WebBatchStreamItem, live or deserialized.</summary>
    private static bool IsStreamItem(PSObject? input) =>
        input?.BaseObject is WebBatchStreamItem || (input?.TypeNames.Contains("Deserialized." + typeof(WebBatchStreamItem).FullName) ?? false);

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        WriteObject(_summary.Build(SlowThresholdSec * 1000));
    }
}

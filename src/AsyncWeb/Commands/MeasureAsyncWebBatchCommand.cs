using System.Linq;
using System.Management.Automation;
using AsyncWeb.Binding;
using AsyncWeb.Thresholds;

namespace AsyncWeb.Commands;

/// <summary>
/// Summarises a batch's results: counts, failures by ErrorId, statuses, bytes, latency percentiles and
/// rate, and where the time went (phase percentiles, connection reuse, slow hosts). Takes results in any shape they travel in (live, deserialized, CSV rows) and merges summaries
/// of parts of a batch exactly. Judges -Threshold expressions: each that fails is an error, so a CI script can fail on it.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AsyncWebBatch")]
[OutputType(typeof(WebBatchSummary))]
public sealed class MeasureAsyncWebBatchCommand : PSCmdlet
{
    private BatchSummaryBuilder _summary = new();

    /// <summary>Results of Invoke-AsyncWebBatch (also deserialized, or rows of Import-Csv), ErrorRecords it wrote (2>&amp;1), or summaries to merge.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public PSObject? InputObject { get; set; }

    /// <summary>A host is listed in SlowHosts when its 99th percentile time to first byte is above this many seconds. Default 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double SlowThresholdSec { get; set; } = WebBatchSummary.DefaultSlowThresholdSec;

    /// <summary>
    /// k6-style pass/fail criteria, such as 'p95(TimeToFirstByteMs) &lt; 500', 'FailureRate &lt; 1%' or 'p99(Elapsed){host=api.example.com} &lt; 2s':
    /// judged in the summary's Thresholds; each that fails writes a ThresholdFailed error.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Threshold { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (Threshold is null)
        {
            return;
        }

        try
        {
            _summary = new BatchSummaryBuilder(ThresholdSet.Parse(Threshold));
        }
        catch (ThresholdSyntaxException bad)
        {
            ThrowTerminatingError(new ErrorRecord(bad, ErrorIds.InvalidThreshold, ErrorCategory.InvalidArgument, bad.Expression));
        }
    }

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
        var summary = _summary.Build(SlowThresholdSec * 1000);
        WriteObject(summary);
        foreach (var failed in summary.Thresholds.Where(t => !t.Held))
        {
            // After the summary, so -ErrorAction Stop still leaves it in the output (and -ErrorVariable has every failure).
            WriteError(new ErrorRecord(
                new System.InvalidOperationException($"The threshold '{failed.Expression}' failed: {failed.Observation}."),
                ErrorIds.ThresholdFailed, ErrorCategory.LimitsExceeded, failed));
        }
    }
}

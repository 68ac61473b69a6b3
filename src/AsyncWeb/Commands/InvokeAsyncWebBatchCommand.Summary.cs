using System;
using System.Management.Automation;

namespace AsyncWeb.Commands;

// -SummaryVariable: the batch's own summary of every item it finished, whichever stream each left by.
public sealed partial class InvokeAsyncWebBatchCommand
{
    private BatchSummaryBuilder? _summary;
    private bool _summaryPublished;

    /// <summary>
    /// The name of a variable (without $) that is set, in the caller's scope, to the batch's summary (the WebBatchSummary
    /// Measure-AsyncWebBatch makes): successes, failures written as errors and skipped items alike; set also when the batch is stopped.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SummaryVariable { get; set; }

    /// <summary>-SummaryVariable checked and its tally started; a job's results are summarised from Receive-Job instead.</summary>
    private void StartSummary()
    {
        if (SummaryVariable is null)
        {
            return;
        }

        if (SummaryVariable.StartsWith("+", StringComparison.Ordinal))
        {
            Conflict("-SummaryVariable sets a new summary each batch; to add batches up, merge their summaries: $a, $b | Measure-AsyncWebBatch");
        }

        if (AsJob)
        {
            Conflict("-SummaryVariable cannot be combined with -AsJob: the job ends after the command returns; use Receive-Job $job 2>&1 | Measure-AsyncWebBatch");
        }

        _summary = new BatchSummaryBuilder();
    }

    /// <summary>Counts a finished item (before it is written: -ErrorAction Stop may end the batch at WriteError).</summary>
    private void CountForSummary(WebBatchResult result) => _summary?.TryAdd(result);

    /// <summary>Sets the -SummaryVariable once: at the end, or with what was done when the batch stops early.</summary>
    private void PublishSummary()
    {
        if (_summary is null || _summaryPublished)
        {
            return;
        }

        _summaryPublished = true;
        SessionState.PSVariable.Set(SummaryVariable!, _summary.Build(WebBatchSummary.DefaultSlowThresholdSec * 1000));
    }

    /// <summary>A batch stopped early (Ctrl+C, -ErrorAction Stop, Select-Object -First) still sets -SummaryVariable with what it did.</summary>
    private void PublishStoppedSummary()
    {
        try
        {
            PublishSummary();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Disposing must not fail; the session state may be gone with the runspace.
        }
    }
}

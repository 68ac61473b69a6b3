using System;
using System.IO;
using System.Management.Automation;
using System.Text;
using AsyncWeb.Export;

namespace AsyncWeb.Commands;

/// <summary>
/// Writes a batch's HTML report: one self-contained page (inline CSS and SVG, no script, nothing from the network) with
/// the summary Measure-AsyncWebBatch gives, a latency histogram, per-host figures and limits, failures by ErrorId and a
/// waterfall of the slowest requests.
/// </summary>
[Cmdlet(VerbsData.Export, "AsyncWebReport")]
[OutputType(typeof(FileInfo))]
public sealed class ExportAsyncWebReportCommand : ExportAsyncWebCommandBase
{
    private readonly BatchSummaryBuilder _summary = new();
    private BatchReport? _report;

    /// <summary>The page's title. Default "AsyncWeb batch report".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "AsyncWeb batch report";

    /// <summary>How many of the slowest requests the waterfall shows. Default 100.</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int WaterfallCount { get; set; } = 100;

    /// <summary>As Measure-AsyncWebBatch's: a host is slow above this 99th percentile time to first byte, in seconds. Default 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double SlowThresholdSec { get; set; } = WebBatchSummary.DefaultSlowThresholdSec;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        OpenFile("Export-AsyncWebReport");
        _report = new BatchReport(Run.Redactor, WaterfallCount);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryReadInput(out var record))
        {
            _summary.TryAdd(InputObject);
            _report!.Add(record);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        try
        {
            using (var text = new StreamWriter(Run.Stream(), new UTF8Encoding(false), 64 * 1024))
            {
                new HtmlReportWriter(text).Write(_summary.Build(SlowThresholdSec * 1000), _report!, Title, DateTime.UtcNow, ExportRun.Version);
            }
        }
        catch (IOException ex)
        {
            throw Run.Terminate(ex, ErrorIds.FileWriteFailed, Run.Path!);
        }

        CommitFile();
    }
}

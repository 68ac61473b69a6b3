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
public sealed class ExportAsyncWebReportCommand : PSCmdlet, IDisposable
{
    private readonly BatchSummaryBuilder _summary = new();
    private ExportRun? _run;
    private BatchReport? _report;

    /// <summary>The HTML file to write (replaced unless -NoClobber).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Results of Invoke-AsyncWebBatch (live or deserialized), or error records it wrote (2>&amp;1).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

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

    /// <summary>More query parameter names whose values are hidden, beside the defaults and the batch's own.</summary>
    [Parameter]
    public string[]? SensitiveQueryParameter { get; set; }

    /// <summary>Do not replace an existing file: stop with FileExists.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Write the file's FileInfo when done.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _run = new ExportRun(this, "Export-AsyncWebReport", SensitiveQueryParameter);
        _run.Open(Path, NoClobber);
        _report = new BatchReport(_run.Redactor, WaterfallCount);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_run!.TryRead(InputObject, out var record))
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
            using (var text = new StreamWriter(_run!.Stream(), new UTF8Encoding(false), 64 * 1024))
            {
                new HtmlReportWriter(text).Write(_summary.Build(SlowThresholdSec * 1000), _report!, Title, DateTime.UtcNow, ExportRun.Version);
            }
        }
        catch (IOException ex)
        {
            throw _run!.Terminate(ex, ErrorIds.FileWriteFailed, _run.Path!);
        }

        _run.Commit(NoClobber);
        if (PassThru)
        {
            WriteObject(new FileInfo(_run.Path!));
        }
    }

    /// <summary>An export that did not finish leaves no file behind.</summary>
    public void Dispose() => _run?.Dispose();
}

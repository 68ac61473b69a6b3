using System.IO;
using System.Management.Automation;
using AsyncWeb.Export;

namespace AsyncWeb.Commands;

/// <summary>
/// Writes results as a HAR 1.2 file that browsers' developer tools and HAR viewers open: one entry per request (each
/// page its own), timings from the phase timings, headers and URIs with secrets hidden, bodies only when asked.
/// Streams: results are written as they arrive, like Export-Csv.
/// </summary>
[Cmdlet(VerbsData.Export, "AsyncWebHar")]
[OutputType(typeof(FileInfo))]
public sealed class ExportAsyncWebHarCommand : PSCmdlet, System.IDisposable
{
    private ExportRun? _run;
    private HarWriter? _writer;

    /// <summary>The HAR file to write (replaced unless -NoClobber).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Results of Invoke-AsyncWebBatch (live or deserialized), or error records it wrote (2>&amp;1).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Write text bodies (secrets hidden) up to -MaximumContentBytes; binary bodies are never written.</summary>
    [Parameter]
    public SwitchParameter IncludeContent { get; set; }

    /// <summary>With -IncludeContent: a text body larger than this many UTF-8 bytes is left out (the entry says so). Default 65536.</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long MaximumContentBytes { get; set; } = HarOptions.DefaultMaximumContentBytes;

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
        _run = new ExportRun(this, "Export-AsyncWebHar", SensitiveQueryParameter);
        var stream = _run.Open(Path, NoClobber);
        _writer = new HarWriter(stream, new HarOptions
        {
            IncludeContent = IncludeContent,
            MaximumContentBytes = MaximumContentBytes,
            Redactor = _run.Redactor,
            CreatorVersion = ExportRun.Version,
        });
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_run!.TryRead(InputObject, out var record))
        {
            try
            {
                _writer!.Write(record);
            }
            catch (IOException ex)
            {
                throw _run.Terminate(ex, ErrorIds.FileWriteFailed, _run.Path!);
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        try
        {
            _writer!.Complete();
        }
        catch (IOException ex)
        {
            throw _run!.Terminate(ex, ErrorIds.FileWriteFailed, _run.Path!);
        }

        _writer.Dispose();
        _run!.Commit(NoClobber);
        WriteVerbose($"Export-AsyncWebHar wrote {_writer.Written} entries to '{_run.Path}'" + (_writer.NotSent > 0 ? $"; {_writer.NotSent} result(s) that were not sent have none" : string.Empty));
        if (PassThru)
        {
            WriteObject(new FileInfo(_run.Path!));
        }
    }

    /// <summary>An export that did not finish leaves no file behind.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _run?.Dispose();
    }
}

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
public sealed class ExportAsyncWebHarCommand : ExportAsyncWebCommandBase
{
    private HarWriter? _writer;

    /// <summary>Write text bodies (secrets hidden) up to -MaximumContentBytes; binary bodies are never written.</summary>
    [Parameter]
    public SwitchParameter IncludeContent { get; set; }

    /// <summary>With -IncludeContent: a text body larger than this many UTF-8 bytes is left out (the entry says so). Default 65536.</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long MaximumContentBytes { get; set; } = HarOptions.DefaultMaximumContentBytes;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        var stream = OpenFile("Export-AsyncWebHar");
        _writer = new HarWriter(stream, new HarOptions
        {
            IncludeContent = IncludeContent,
            MaximumContentBytes = MaximumContentBytes,
            Redactor = Run.Redactor,
            CreatorVersion = ExportRun.Version,
        });
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (TryReadInput(out var record))
        {
            try
            {
                _writer!.Write(record);
            }
            catch (IOException ex)
            {
                throw Run.Terminate(ex, ErrorIds.FileWriteFailed, Run.Path!);
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
            throw Run.Terminate(ex, ErrorIds.FileWriteFailed, Run.Path!);
        }

        _writer.Dispose();
        CommitFile($"Export-AsyncWebHar wrote {_writer.Written} entries to '{Run.Path}'" + (_writer.NotSent > 0 ? $"; {_writer.NotSent} result(s) that were not sent have none" : string.Empty));
    }

    private protected override void DisposeWriter() => _writer?.Dispose();
}

using System;
using System.IO;
using System.Management.Automation;
using AsyncWeb.Export;

namespace AsyncWeb.Commands;

/// <summary>
/// The parameters and the file handling every Export-AsyncWeb* cmdlet shares: the target file, the results it reads
/// from the pipeline, the extra query parameter names to hide, -NoClobber and -PassThru.
/// </summary>
public abstract class ExportAsyncWebCommandBase : PSCmdlet, IDisposable
{
    private ExportRun? _run;

    /// <summary>The file to write (replaced unless -NoClobber).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Results of Invoke-AsyncWebBatch (live or deserialized), or error records it wrote (2>&amp;1).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>More query parameter names whose values are hidden, beside the defaults and the batch's own.</summary>
    [Parameter]
    public string[]? SensitiveQueryParameter { get; set; }

    /// <summary>Do not replace an existing file: stop with FileExists.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Write the file's FileInfo when done.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The export under way (opened by <see cref="OpenFile"/>).</summary>
    private protected ExportRun Run => _run ?? throw new InvalidOperationException("The export file is not open.");

    /// <summary>Opens -Path (or stops the command with FileExists or FileWriteFailed); <paramref name="verb"/> names the command in errors.</summary>
    private protected Stream OpenFile(string verb)
    {
        _run = new ExportRun(this, verb, SensitiveQueryParameter);
        return _run.Open(Path, NoClobber);
    }

    /// <summary>The current input as a record; false (with a NotAWebBatchResult error written) for anything else.</summary>
    private protected bool TryReadInput(out ExportRecord record) => Run.TryRead(InputObject, out record);

    /// <summary>Puts the finished file in place, says so in -Verbose when asked, and writes its FileInfo with -PassThru.</summary>
    private protected void CommitFile(string? verbose = null)
    {
        Run.Commit(NoClobber);
        if (verbose is not null)
        {
            WriteVerbose(verbose);
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(Run.Path!));
        }
    }

    /// <summary>Releases what the derived command writes through, before the file is let go.</summary>
    private protected virtual void DisposeWriter()
    {
    }

    /// <summary>An export that did not finish leaves no file behind.</summary>
    public void Dispose()
    {
        DisposeWriter();
        _run?.Dispose();
        GC.SuppressFinalize(this);
    }
}

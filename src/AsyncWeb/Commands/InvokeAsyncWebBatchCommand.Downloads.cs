using System;
using System.IO;
using System.Management.Automation;

namespace AsyncWeb.Commands;

// Downloads (-OutFile, -OutDirectory, -Sha256, -ComputeSha256, -Force, -SkipExisting, -Resume, -IfChanged): the parameters and the output directory; Files/ does the work.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Stream the body to this file (per item: an OutFile property).</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>Stream bodies into this directory, named by Content-Disposition or the URL.</summary>
    [Parameter]
    public string? OutDirectory { get; set; }

    /// <summary>Expected SHA-256 of the body (per item: a Sha256 property).</summary>
    [Parameter]
    public string? Sha256 { get; set; }

    /// <summary>Hash every download (SHA-256) into the result's Sha256; without it only downloads with an expected -Sha256 are hashed.</summary>
    [Parameter]
    public SwitchParameter ComputeSha256 { get; set; }

    /// <summary>Overwrite existing files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Do not download items whose file already exists; their result says Skipped.</summary>
    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    /// <summary>Continue partial downloads with Range requests (the partial file is kept on failure).</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>Download only what changed: keep each file's ETag and Last-Modified, ask with If-None-Match / If-Modified-Since, skip on 304.</summary>
    [Parameter]
    public SwitchParameter IfChanged { get; set; }

    private string PrepareDirectory(string path)
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.OutDirectoryUnusable, ErrorCategory.WriteError, path));
        }

        return full;
    }
}

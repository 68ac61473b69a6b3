using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using AsyncWeb.Binding;
using AsyncWeb.Export;
using AsyncWeb.Security;

namespace AsyncWeb.Commands;

/// <summary>
/// What Export-AsyncWebHar and Export-AsyncWebReport share: the file (written beside its target, put in place at the
/// end), reading each input as a result (else a NotAWebBatchResult error), and the redaction rules: each live result's
/// own batch's, else the defaults, plus the export's -SensitiveQueryParameter names.
/// </summary>
internal sealed class ExportRun : IDisposable
{
    private readonly PSCmdlet _cmdlet;
    private readonly string _verb;
    private readonly IReadOnlyCollection<string> _extraNames;
    private readonly UriRedactor _ownRedactor;
    private UriRedactor? _lastBatchRedactor;
    private UriRedactor? _lastCombined;
    private ExportFile? _file;

    public ExportRun(PSCmdlet cmdlet, string verb, string[]? sensitiveQueryParameter)
    {
        _cmdlet = cmdlet;
        _verb = verb;
        _extraNames = sensitiveQueryParameter ?? Array.Empty<string>();
        _ownRedactor = UriRedactor.Default.With(_extraNames);
    }

    /// <summary>The module's version, for the file's creator.</summary>
    public static string Version =>
        typeof(ExportRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>The export's own rules (for results that carry none).</summary>
    public UriRedactor Redactor => _ownRedactor;

    /// <summary>Opens the file, or stops the command with FileExists or FileWriteFailed.</summary>
    public Stream Open(string path, bool noClobber)
    {
        var full = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            _file = new ExportFile(full, noClobber);
            return _file.Stream;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Terminate(ex, noClobber && File.Exists(full) ? ErrorIds.FileExists : ErrorIds.FileWriteFailed, full);
        }
    }

    /// <summary>The input as a record; false (with a NotAWebBatchResult error written) for anything else.</summary>
    public bool TryRead(PSObject? input, out ExportRecord record)
    {
        if (ExportRecordReader.TryRead(input, RedactorOf, out record))
        {
            return true;
        }

        var value = input?.BaseObject;
        _cmdlet.WriteError(new ErrorRecord(
            new ArgumentException($"{_verb} takes the results of Invoke-AsyncWebBatch (live or deserialized, with {BatchRecordReader.ResultProperties}) or its error records; got {(value is null ? "null" : value.GetType().FullName)}"),
            ErrorIds.NotAWebBatchResult, ErrorCategory.InvalidArgument, value));
        return false;
    }

    /// <summary>Puts the finished file in place and closes it.</summary>
    public void Commit(bool noClobber)
    {
        var file = _file!;
        try
        {
            file.Commit(noClobber);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Terminate(ex, noClobber && File.Exists(file.Path) ? ErrorIds.FileExists : ErrorIds.FileWriteFailed, file.Path);
        }
    }

    /// <summary>A write that failed midway stops the command with FileWriteFailed.</summary>
    public PipelineStoppedException Terminate(Exception ex, string errorId, string path)
    {
        _cmdlet.ThrowTerminatingError(new ErrorRecord(
            new IOException($"{_verb} could not write '{path}': {ex.Message}", ex), errorId,
            errorId == ErrorIds.FileExists ? ErrorCategory.ResourceExists : ErrorCategory.WriteError, path));
        return new PipelineStoppedException();
    }

    public string? Path => _file?.Path;

    /// <summary>The open file's stream.</summary>
    public Stream Stream() => _file!.Stream;

    public void Dispose() => _file?.Dispose();

    private UriRedactor RedactorOf(UriRedactor? batch)
    {
        if (batch is null || ReferenceEquals(batch, UriRedactor.Default))
        {
            return _ownRedactor;
        }

        if (!ReferenceEquals(batch, _lastBatchRedactor))
        {
            (_lastBatchRedactor, _lastCombined) = (batch, batch.With(_extraNames));
        }

        return _lastCombined!;
    }
}

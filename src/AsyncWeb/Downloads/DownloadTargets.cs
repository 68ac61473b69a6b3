using System;
using System.IO;
using System.Net.Http.Headers;

namespace AsyncWeb.Downloads;

/// <summary>
/// The download targets of one batch: the file name for -OutDirectory (Content-Disposition, else the
/// URL's last segment, else a derived name; always sanitised and inside the directory; also for an -OutFile that
/// names an existing folder), one item per file, the folder of an -OutFile, and the existing-file rule (-Force,
/// -SkipExisting, else FileExists).
/// </summary>
internal sealed class DownloadTargets
{
    private readonly FileClaims _claims;
    private readonly ExistingFileAction _existing;

    public DownloadTargets(FileClaims claims, ExistingFileAction existing)
    {
        _claims = claims;
        _existing = existing;
    }

    /// <summary>
    /// The -OutFile target (already claimed when the item was admitted), judged against an existing file. Decided
    /// before anything is sent: a missing folder is created then, as -OutDirectory's is, or fails the item, naming it.
    /// </summary>
    public DownloadTarget ForFile(string path)
    {
        var target = Judge(path);
        var folder = Path.GetDirectoryName(path);
        if (!target.Writes || string.IsNullOrEmpty(folder) || Directory.Exists(folder))
        {
            return target;
        }

        try
        {
            Directory.CreateDirectory(folder);
            return target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new DownloadTarget(path, Failure: new WebBatchError(ErrorIds.OutDirectoryUnusable, FailureCategory.File,
                $"the folder '{folder}' of the OutFile '{path}' cannot be created: {ex.Message}"));
        }
    }

    /// <summary>The target in <paramref name="directory"/> named by the response, claimed for item <paramref name="index"/>.</summary>
    public DownloadTarget ForDirectory(string directory, Uri uri, ContentDispositionHeaderValue? disposition, long index)
    {
        string path;
        try
        {
            path = FileNameSanitizer.CombineInside(directory, NameFor(uri, disposition));
        }
        catch (InvalidOperationException ex)
        {
            return new DownloadTarget(directory, Failure: new WebBatchError(ErrorIds.InvalidOutFile, FailureCategory.File, ex.Message));
        }

        if (!_claims.TryClaim(path, index, out var owner))
        {
            return new DownloadTarget(path, Failure: new WebBatchError(ErrorIds.DuplicateOutFile, FailureCategory.File,
                $"'{path}' is already the target of item {owner} in this batch"));
        }

        return Judge(path);
    }

    /// <summary>The file name for -OutDirectory: Content-Disposition (filename* first), else the URL's last segment, else a derived one; always sanitised.</summary>
    public static string NameFor(Uri uri, ContentDispositionHeaderValue? disposition) =>
        FileNameSanitizer.Sanitize(disposition?.FileNameStar)
        ?? FileNameSanitizer.Sanitize(Unquote(disposition?.FileName))
        ?? FileNameSanitizer.Sanitize(Uri.UnescapeDataString(uri.Segments.Length > 0 ? uri.Segments[^1] : string.Empty))
        ?? FileNameSanitizer.Derive(uri);

    /// <summary>The failure of a target that exists when it must not.</summary>
    public static WebBatchError Exists(string path) =>
        new(ErrorIds.FileExists, FailureCategory.File, $"the file '{path}' already exists; use -Force to overwrite it or -SkipExisting to keep it");

    private DownloadTarget Judge(string path)
    {
        if (_existing == ExistingFileAction.Overwrite || !File.Exists(path))
        {
            return new DownloadTarget(path);
        }

        return _existing == ExistingFileAction.Skip
            ? new DownloadTarget(path, Skip: true)
            : new DownloadTarget(path, Failure: Exists(path));
    }

    private static string? Unquote(string? value) =>
        value is { Length: >= 2 } && value[0] == '"' && value[^1] == '"' ? value.Substring(1, value.Length - 2) : value;
}

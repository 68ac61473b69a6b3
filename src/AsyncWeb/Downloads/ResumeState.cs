using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;

namespace AsyncWeb.Downloads;

/// <summary>A partial download that can be continued: its length and the validator it was fetched under.</summary>
internal sealed record ResumePoint(long Length, string Validator);

/// <summary>
/// -Resume: the partial file beside a target and its validator (a strong ETag, else Last-Modified),
/// and the decisions about a response to a Range + If-Range request: continue, or start over.
/// </summary>
internal static class ResumeState
{
    /// <summary>The partial file of <paramref name="target"/> with its validator, or null when there is nothing to continue.</summary>
    public static ResumePoint? Read(string target)
    {
        try
        {
            var partial = new FileInfo(AtomicFileWriter.PartialPathFor(target));
            if (!partial.Exists || partial.Length == 0)
            {
                return null;
            }

            var validator = SidecarFile.Read(AtomicFileWriter.ValidatorPathFor(target))?.Trim();
            return string.IsNullOrEmpty(validator) ? null : new ResumePoint(partial.Length, validator!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when the answer to a ranged request cannot continue the partial file: 416 (the partial file is
    /// not a prefix the server has), or a 206 for some other range. The partial file is then discarded
    /// and the request made again without a range. (A 200 simply carries the whole body.)
    /// </summary>
    public static bool MustRestart(int status, ContentRangeHeaderValue? range, ResumePoint resume) =>
        status == 416 || (status == 206 && !ContinuesAt(range, resume.Length));

    /// <summary>True when a response continues the partial file: a 206 starting right after its last byte.</summary>
    public static bool Continues(int status, ContentRangeHeaderValue? range, ResumePoint? resume) =>
        resume is not null && status == 206 && range?.From == resume.Length;

    /// <summary>True when a 206 carries exactly the rest of the file from <paramref name="from"/>.</summary>
    public static bool ContinuesAt(ContentRangeHeaderValue? range, long from) =>
        range is { From: { } start, To: { } end }
        && start == from
        && (!range.HasLength || end == range.Length - 1);

    /// <summary>What If-Range can carry: a strong ETag, else Last-Modified; null when the response has neither.</summary>
    public static string? ValidatorOf(EntityTagHeaderValue? etag, DateTimeOffset? lastModified) =>
        etag is { IsWeak: false } ? etag.Tag
            : lastModified is { } modified ? modified.ToString("R", CultureInfo.InvariantCulture)
            : null;

    /// <summary>True when a full response (200) could be continued from <paramref name="resume"/>: same validator, ranges accepted.</summary>
    public static bool CanContinue(HttpResponseMessage response, ResumePoint resume) =>
        resume.Validator == ValidatorOf(response) && AcceptsRanges(response);

    /// <summary>Keeps the response's validator beside the partial file, when ranges would let a later run continue it.</summary>
    public static void SaveValidator(string target, HttpResponseMessage response)
    {
        var validator = ValidatorOf(response);
        var path = AtomicFileWriter.ValidatorPathFor(target);
        if (validator is null || !AcceptsRanges(response))
        {
            AtomicFileWriter.DeleteQuietly(path);
            return;
        }

        SidecarFile.Write(path, validator);
    }

    /// <summary>Throws away a partial file and its validator (the server's copy changed or ranges are unsupported).</summary>
    public static void Discard(string target) => AtomicFileWriter.DiscardPartial(target);

#if NET
    // Read from the raw values: a typed property parses the header in its collection, which the result's header view
    // reads after this (on a download, once the body is written), and a parsed header reads back reformatted, not as sent.
    private static string? ValidatorOf(HttpResponseMessage response) =>
        ValidatorOf(response.Headers.NonValidated.TryGetValues("ETag", out var etags) && etags.Count == 1 && EntityTagHeaderValue.TryParse(etags.ToString(), out var etag) ? etag : null,
            response.Content.Headers.LastModified);

    private static bool AcceptsRanges(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues("Accept-Ranges", out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            foreach (var unit in value.Split(','))
            {
                if (string.Equals(unit.Trim(), "bytes", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
#else
    private static string? ValidatorOf(HttpResponseMessage response) =>
        ValidatorOf(response.Headers.ETag, response.Content.Headers.LastModified);

    private static bool AcceptsRanges(HttpResponseMessage response) =>
        response.Headers.AcceptRanges.Contains("bytes", StringComparer.OrdinalIgnoreCase);
#endif
}

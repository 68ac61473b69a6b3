using System;
using System.Collections.Generic;
using System.IO;
using AsyncWeb.Batch;
using AsyncWeb.Requests;
using AsyncWeb.Sending;

namespace AsyncWeb.Downloads;

/// <summary>A download asked for only if changed: the request to send, and the record it relies on (null: an ordinary request).</summary>
internal sealed record Conditional(RequestSpec Spec, string Directory, string? OutFileName, ValidatorRecord? Record)
{
    /// <summary>True when the request carries If-None-Match / If-Modified-Since from <see cref="Record"/>.</summary>
    public bool Asks => Record is not null;
}

/// <summary>
/// -IfChanged for the runner. Before an item's attempts: when the file its last download produced is
/// still as recorded (<see cref="ValidatorStore"/>), the request asks If-None-Match / If-Modified-Since. After them: a
/// 304 to that question is the item's result, Skipped (NotModified) with the file untouched; a committed download
/// keeps its new record. Only GET downloads take part. Decisions: a file deleted or changed locally, one whose
/// recorded SHA-256 is not the expected -Sha256, and a -Resume partial file waiting to be continued are all fetched
/// unconditionally (the partial by Range/If-Range, as -Resume does).
/// </summary>
internal sealed class ConditionalFetch
{
    private readonly bool _resume;
    private readonly Action<string>? _verbose;
    private readonly StaleTempFiles _stale = new();

    public ConditionalFetch(BatchOptions options, Action<string>? verbose)
    {
        _resume = options.Resume;
        _verbose = verbose;
    }

    /// <summary>What to send for <paramref name="spec"/>: null when it is no GET download.</summary>
    public Conditional? Prepare(RequestSpec spec)
    {
        if (spec.Method != "GET" || !spec.IsDownload)
        {
            return null;
        }

        var (directory, outFileName) = spec.OutFile is { } outFile
            ? (Path.GetDirectoryName(outFile)!, Path.GetFileName(outFile))
            : (spec.OutDirectory!, null);
        var record = ValidatorStore.Read(directory, spec.Uri, outFileName);
        var file = record is null ? null : Path.Combine(directory, record.FileName);
        if (record is null
            || (outFileName is not null && record.FileName != outFileName)
            || !record.Describes(file!)
            || (spec.ExpectedSha256 is not null && !string.Equals(record.Sha256, spec.ExpectedSha256, StringComparison.OrdinalIgnoreCase))
            || (_resume && ResumeState.Read(file!) is not null)
            || Has(spec.Headers, "If-None-Match") || Has(spec.Headers, "If-Modified-Since"))
        {
            return new Conditional(spec, directory, outFileName, null);
        }

        var headers = new List<KeyValuePair<string, string>>(spec.Headers);
        if (record.ETag is not null)
        {
            headers.Add(new("If-None-Match", record.ETag));
        }

        if (record.LastModified is not null)
        {
            headers.Add(new("If-Modified-Since", record.LastModified));
        }

        return new Conditional(spec with { Headers = headers }, directory, outFileName, record);
    }

    /// <summary>The item's outcome: a 304 to the question is Skipped (NotModified); a committed download's record is kept.</summary>
    public AttemptOutcome Finish(Conditional conditional, AttemptOutcome outcome)
    {
        if (conditional.Asks && outcome.StatusCode == 304 && outcome.Failure is null)
        {
            return outcome with
            {
                Skipped = true,
                SkipReason = SkipReasons.NotModified,
                OutFile = Path.Combine(conditional.Directory, conditional.Record!.FileName),
                Sha256 = conditional.Record.Sha256,
            };
        }

        if (outcome.Failure is null && !outcome.Skipped && outcome.OutFile is { } written)
        {
            Keep(conditional, outcome, written);
        }

        return outcome;
    }

    /// <summary>After the download is committed: its record, or none when the server sent no validator.</summary>
    private void Keep(Conditional conditional, AttemptOutcome outcome, string written)
    {
        var etag = Header(outcome, "ETag");
        var lastModified = Header(outcome, "Last-Modified");
        try
        {
            if (etag is null && lastModified is null)
            {
                ValidatorStore.Forget(conditional.Directory, conditional.Spec.Uri, conditional.OutFileName);
                _verbose?.Invoke($"{conditional.Spec.Label}: no ETag or Last-Modified from the server; '{written}' will be fetched again next time (IfChanged)");
                return;
            }

            _stale.SweepOnce(Path.Combine(conditional.Directory, ValidatorStore.FolderName));
            ValidatorStore.Save(conditional.Directory, conditional.Spec.Uri, conditional.OutFileName, ValidatorRecord.Of(written, etag, lastModified, outcome.Sha256));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _verbose?.Invoke($"{conditional.Spec.Label}: could not keep the validator of '{written}' ({ex.Message}); it will be fetched again next time (IfChanged)");
        }
    }

    private static string? Header(AttemptOutcome outcome, string name) =>
        outcome.Headers.TryGetValue(name, out var values) && values.Length > 0 && values[0].Length > 0 ? values[0] : null;

    private static bool Has(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

using System;
using System.Collections.Generic;
using AsyncWeb.Journal;
using AsyncWeb.Requests;
using AsyncWeb.Security;

namespace AsyncWeb.Binding;

/// <summary>
/// -JournalPath, -JournalKey, -IdempotencyKey and -RunId of one batch: gives each item its key (ItemKeys), its
/// Idempotency-Key header, and, when the journal says it succeeded in an earlier run, the result that stands in
/// for it instead of a request. Runs on the pipeline thread, before the engine sees the item.
/// </summary>
internal sealed class ItemIdentities
{
    private readonly BatchJournal? _journal;
    private readonly string? _keyProperty;
    private readonly bool _idempotencyKeys;
    private readonly UriRedactor _redactor;

    public ItemIdentities(BatchJournal? journal, string? keyProperty, bool idempotencyKeys, string? runId, UriRedactor redactor)
    {
        _journal = journal;
        _keyProperty = keyProperty;
        _idempotencyKeys = idempotencyKeys;
        _redactor = redactor;
        RunId = journal?.RunId ?? runId ?? ItemKeys.NewRunId();
    }

    /// <summary>The run id the Idempotency-Keys derive from: the journal's, -RunId, or new for this batch.</summary>
    public string RunId { get; }

    /// <summary>Items the journal said were done, and so were not sent.</summary>
    public long Replayed { get; private set; }

    /// <summary>
    /// Sets the item's key and Idempotency-Key; returns the result that stands for it when the journal says it
    /// succeeded before (not sent again), else null. Throws <see cref="InvalidInputException"/> when -JournalKey names
    /// a property the item does not have.
    /// </summary>
    public WebBatchResult? Identify(RequestSpec spec)
    {
        string key;
        var request = RequestDigest.Of(spec);
        if (_keyProperty is null)
        {
            key = ItemKeys.Of(spec.Index, spec.Method, spec.Uri, request);
        }
        else
        {
            var value = RequestSpecBuilder.PropertyText(spec.Input, _keyProperty)
                ?? throw new InvalidInputException(ErrorIds.MissingJournalKey, $"the item has no '{_keyProperty}' property or key, which -JournalKey names (or it is empty)");
            key = ItemKeys.Of(value, spec.Method, spec.Uri, request);
        }

        spec.ItemKey = key;
        if (_idempotencyKeys && !HttpMethods.IsSafe(spec.Method))
        {
            spec.IdempotencyKey = ItemKeys.IdempotencyKey(RunId, key);
        }

        if (_journal is null || !_journal.TryGetSucceeded(key, out var status, out var outFile, out var sha256))
        {
            return null;
        }

        Replayed++;
        return new WebBatchResult
        {
            Index = spec.Index,
            Uri = spec.Uri,
            Method = spec.Method,
            Input = spec.Input,
            Redactor = _redactor,
            StartTime = DateTimeOffset.Now,
            StatusCode = status,
            OutFile = outFile,
            Sha256 = sha256,
            Skipped = true,
            FromJournal = true,
            ItemKey = key,
        };
    }
}

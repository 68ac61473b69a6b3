using System;
using System.IO;
using System.Management.Automation;
using AsyncWeb.Journal;

namespace AsyncWeb.Commands;

// The journal and idempotency keys: -JournalPath, -JournalKey, -IdempotencyKey, -RunId, and the journal opened and closed.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Record every finished item in this file (JSON lines); run again with it, only the items that did not succeed are sent.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>The property (or hashtable key, or CSV column) that identifies an item in the journal and its Idempotency-Key, instead of its input position.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalKey { get; set; }

    /// <summary>Send an Idempotency-Key header with every request that is not GET, HEAD, OPTIONS or TRACE: the same for every attempt and every run of the journal; such requests are retried like idempotent ones.</summary>
    [Parameter]
    public SwitchParameter IdempotencyKey { get; set; }

    /// <summary>The run the Idempotency-Keys derive from (default: the journal's, or new); give the same value to repeat a batch without a journal.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RunId { get; set; }

    /// <summary>-JournalPath opened and read (null without it); an unusable journal, or -JournalKey/-RunId without a use, end the command.</summary>
    private BatchJournal? OpenJournal()
    {
        if (JournalPath is null && !IdempotencyKey && (JournalKey is not null || RunId is not null))
        {
            Conflict("-JournalKey and -RunId identify items for -JournalPath or -IdempotencyKey; add one of them");
        }

        if (JournalPath is null)
        {
            return null;
        }

        try
        {
            return BatchJournal.Open(SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath), RunId);
        }
        catch (JournalException invalid)
        {
            ThrowTerminatingError(JournalError(invalid));
            return null;
        }
    }

    /// <summary>At the end of the batch: the journal synced and freed; a failure to write it is reported (every result was emitted already).</summary>
    private void CloseJournal()
    {
        try
        {
            _journal?.Close();
        }
        catch (JournalException unwritable)
        {
            WriteError(JournalError(unwritable));
        }
    }

    private ErrorRecord JournalError(JournalException failure) =>
        failure.ErrorId == BatchJournal.UnusableId
            ? new ErrorRecord(new IOException(failure.Message, failure), failure.ErrorId, ErrorCategory.WriteError, JournalPath)
            : new ErrorRecord(new ArgumentException(failure.Message, failure), failure.ErrorId, ErrorCategory.InvalidArgument, JournalPath);
}

using System;
using System.IO;
using System.Management.Automation;
using AsyncWeb.Hosts;
using AsyncWeb.Journal;

namespace AsyncWeb.Commands;

// Host-aware flow control, the journal and idempotency keys (issue 14): the parameters and how they become settings.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Adapt each host's concurrency limit to its answers: halved on 429, 503 and timeouts, one more after a clean window (AIMD); starts at -ThrottleLimitPerHost (else the maximum).</summary>
    [Parameter]
    public SwitchParameter AdaptiveThrottle { get; set; }

    /// <summary>With -AdaptiveThrottle: the lowest a host's limit goes. Default 1.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int MinimumThrottleLimitPerHost { get; set; } = 1;

    /// <summary>With -AdaptiveThrottle: the highest a host's limit goes. Default: -ThrottleLimit.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int MaximumThrottleLimitPerHost { get; set; }

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

    /// <summary>-AdaptiveThrottle's bounds (null without it); bounds without it, or crossed, end the command before anything is sent.</summary>
    private AdaptiveThrottleSettings? AdaptiveSettings()
    {
        var bounded = MyInvocation.BoundParameters.ContainsKey(nameof(MinimumThrottleLimitPerHost)) || MyInvocation.BoundParameters.ContainsKey(nameof(MaximumThrottleLimitPerHost));
        if (!AdaptiveThrottle)
        {
            if (bounded)
            {
                Conflict("-MinimumThrottleLimitPerHost and -MaximumThrottleLimitPerHost bound -AdaptiveThrottle; add -AdaptiveThrottle, or use -ThrottleLimitPerHost for a fixed limit");
            }

            return null;
        }

        var maximum = MaximumThrottleLimitPerHost > 0 ? MaximumThrottleLimitPerHost : ThrottleLimit;
        if (MinimumThrottleLimitPerHost > maximum)
        {
            Conflict($"-MinimumThrottleLimitPerHost {MinimumThrottleLimitPerHost} is above the maximum {maximum} (-MaximumThrottleLimitPerHost, else -ThrottleLimit)");
        }

        return new AdaptiveThrottleSettings(ThrottleLimitPerHost > 0 ? ThrottleLimitPerHost : maximum, MinimumThrottleLimitPerHost, maximum);
    }

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

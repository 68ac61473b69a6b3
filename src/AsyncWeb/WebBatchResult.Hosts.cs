using System;
using AsyncWeb.Journal;

namespace AsyncWeb;

/// <summary>What a result says about host-aware flow control and the journal.</summary>
public sealed partial class WebBatchResult
{
    /// <summary>
    /// Milliseconds the item waited because its host had asked for a pause (a 429 or 503 with Retry-After, or
    /// rate-limit headers at zero remaining), before its first attempt and between attempts; 0 when it never did.
    /// Waiting for a free slot is not counted here.
    /// </summary>
    public double HostWaitMs => Math.Round(HostWait.TotalMilliseconds, 1);

    /// <summary>The per-host concurrency limit in force when the item finished: -AdaptiveThrottle's current limit for its host, or -ThrottleLimitPerHost; null when no per-host limit applies.</summary>
    public int? HostLimit { get; internal set; }

    /// <summary>True when the item succeeded in an earlier run of the same -JournalPath and was not sent again: the status, OutFile and Sha256 are the journal's (Skipped is true too).</summary>
    public bool FromJournal { get; internal set; }

    internal TimeSpan HostWait { get; set; }

    /// <summary>The item's key in the journal (ItemKeys); null for items that had no usable request.</summary>
    internal string? ItemKey { get; set; }

    /// <summary>
    /// An item with pages is one journal record, written with the result that ends it: true on every other
    /// result of the item (the journal skips them).
    /// </summary>
    internal bool MorePagesOfItem { get; set; }

    /// <summary>
    /// Whether the journal records the item (or page) as done, not to be sent again: no error and a final status below
    /// 400 (0 for an item that needed no request, as a -SkipExisting file). Under -SkipHttpErrorCheck a 4xx or 5xx
    /// answer is a Success but not done: the item runs again, as it would without the switch.
    /// </summary>
    internal bool Done => Error is null && StatusCode < 400;

    /// <summary>On the result that ends an item with pages: whether every page was fetched and succeeded (the journal's success); null otherwise.</summary>
    internal bool? PagesSucceeded { get; set; }

    /// <summary>The bytes the result holds against -MaximumBufferSize until the pipeline takes it (BodyBudget.HeldBy); -1 until counted.</summary>
    internal long HeldBytes { get; set; } = -1;
}

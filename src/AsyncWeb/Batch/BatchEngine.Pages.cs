using System;
using System.Collections.Generic;
using System.Threading;
using AsyncWeb.Paging;
using AsyncWeb.Requests;

namespace AsyncWeb.Batch;

/// <summary>Pagination: a page's follow-up is held, and due pages go to HostAdmission as capacity allows.</summary>
internal sealed partial class BatchEngine
{
    // ---- Pagination: pages due are held by the scheduler until capacity lets them go to HostAdmission ----
    private readonly object _gate = new();
    private readonly PagePlanner? _planner;
    private readonly PageScheduler _pages = new();
    private readonly Func<RequestSpec, bool> _mayStartPage;

    /// <summary>
    /// After a page: what follows it is held (or counted, for a failure in the next page's place) before the page's
    /// result becomes visible, so the batch never looks finished while the item still has pages to come.
    /// </summary>
    private PageFollowUp FollowPage(RequestSpec page, WebBatchResult result)
    {
        page.Chain!.Ended();
        if (_cancel.IsCancellationRequested)
        {
            return PageFollowUp.Last;
        }

        var followUp = _planner!.Plan(page, result);
        if (followUp.Verbose is { } line && _options.VerboseEvents)
        {
            Post(line);
        }

        if (followUp.Failure is not null)
        {
            Interlocked.Increment(ref _outstanding);
        }
        else if (followUp.Next is not null || followUp.Range is not null)
        {
            lock (_gate)
            {
                _pages.Hold(followUp);
            }
        }

        return followUp;
    }

    /// <summary>
    /// Hands the due pages that may go now to HostAdmission, which starts them as any request: a free slot, the host's
    /// limit (fixed or adaptive), never while the host is paused. Called whenever that may have changed: a result
    /// taken (room), a request ended (its pages became due), a host's pause or limit changed.
    /// </summary>
    private void ReleasePages()
    {
        if (_planner is null)
        {
            return;
        }

        List<RequestSpec>? next = null;
        lock (_gate)
        {
            while (_pages.Count > 0 && _pages.Take(_mayStartPage) is { } page)
            {
                // Counted from now on: HostAdmission holds it (parked if its host holds it back) until it runs.
                Interlocked.Increment(ref _outstanding);
                page.Chain!.Started();
                (next ??= new List<RequestSpec>()).Add(page);
            }
        }

        if (next is not null)
        {
            foreach (var spec in next)
            {
                _admission.Submit(spec);
            }
        }
    }

    /// <summary>
    /// A page goes to HostAdmission under the same bound as an admitted item (<see cref="HasCapacity"/>): room among
    /// the results not yet taken (count and bytes), where requests parked for their paused or busy host do not count,
    /// within HostAdmission's parking bounds. So a range of numbered pages unrolls only as far as that room, and
    /// pages never pass the host rules. Under -Ordered the item whose results leave next may always have one page
    /// submitted, since the results that fill the room may be waiting for exactly that page.
    /// </summary>
    private bool MayStartPage(RequestSpec page)
    {
        return HasCapacity
            || (_options.Ordered && page.Index == Volatile.Read(ref _head) && page.Chain!.InFlight == 0);
    }
}

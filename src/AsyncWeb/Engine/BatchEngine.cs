using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Files;

namespace AsyncWeb.Engine;

/// <summary>Something the pipeline thread must write: a finished result or a verbose line.</summary>
internal readonly struct EngineEvent
{
    public EngineEvent(WebBatchResult? result, string? verbose, bool morePages = false, PageEnd? page = null)
    {
        Result = result;
        Verbose = verbose;
        MorePages = morePages;
        Page = page;
    }

    public WebBatchResult? Result { get; }
    public string? Verbose { get; }

    /// <summary>True when more results of the same item follow (its next pages): -Ordered waits for them before the next item.</summary>
    public bool MorePages { get; }

    /// <summary>For a page's result: its item's pages, to tell (when the result is handed out) whether it ends the item.</summary>
    public PageEnd? Page { get; }
}

/// <summary>A page ended: its item's pages, the failure that takes the next page's place (if any), and whether the page succeeded.</summary>
internal sealed record PageEnd(PageChain Chain, WebBatchResult? Failure, bool Succeeded);

/// <summary>
/// Runs the requests of one batch: admits them while capacity allows (global and per-host
/// limits), runs them on the thread pool, and hands finished results back in a queue that only the
/// pipeline thread drains. Knows nothing of PowerShell.
/// </summary>
internal sealed class BatchEngine : IDisposable
{
    private readonly BatchOptions _options;
    private readonly RequestRunner _runner;
    private readonly BodyBudget _budget;
    private readonly CancellationTokenSource _cancel = new();
    private readonly ConcurrentQueue<EngineEvent> _events = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly HostFlow _flow;
    private readonly HostAdmission _admission;
    private readonly Dictionary<(long Index, int PageIndex), EngineEvent> _reorder = new();
    private readonly Queue<EngineEvent> _ready = new();

    // -Ordered: indexes in the order they were admitted, which is input order. Not a counter: with
    // -Partition the indexes of other shards' items never arrive.
    private readonly Queue<long> _admitted = new();
    private readonly int _capacity;
    private int _outstanding;
    private long _completed;

    // ---- Pagination (issue 13): pages due are held by the scheduler until capacity lets them go to HostAdmission ----
    private readonly object _gate = new();
    private readonly PagePlanner? _planner;
    private readonly PageScheduler _pages = new();
    private readonly Func<RequestSpec, bool> _mayStartPage;
    private int _nextPage;      // -Ordered: the PageIndex of the head item that leaves next
    private long _head = -1;    // -Ordered: the item whose results leave next (written by the pipeline thread)

    public BatchEngine(HttpClient client, BatchOptions options)
    {
        _options = options;
        Claims = new FileClaims();
        _budget = new BodyBudget(options.MaximumBufferSize, options.Ordered);
        Action<string>? verbose = options.VerboseEvents ? Post : null;
        _flow = new HostFlow(options, verbose);
        _admission = new HostAdmission(options.ThrottleLimit, _flow, Launch);
        _flow.Changed = HostChanged;
        _runner = new RequestRunner(client, options, Claims, _budget, verbose, _flow, _admission);

        // Without a per-host limit or ordering, admission waits for a free request slot (pure backpressure).
        // With them, a bounded number of admitted items may wait for their host or their turn. Items that wait
        // only because their host is paused or at its limit do not count, within HostAdmission's parking bounds.
        _capacity = _flow.LimitsHosts || options.Ordered
            ? options.ThrottleLimit * 4
            : options.ThrottleLimit;
        _planner = options.Pagination is { } pagination ? new PagePlanner(pagination, options) : null;
        _mayStartPage = MayStartPage;
    }

    /// <summary>Cancelled by Ctrl+C, -ErrorAction Stop or a downstream Select-Object -First.</summary>
    public CancellationToken Token => _cancel.Token;

    public FileClaims Claims { get; }

    /// <summary>Items admitted (or posted) whose result the pipeline has not yet taken, and pages due but not yet started.</summary>
    public int Outstanding
    {
        get
        {
            if (_planner is null)
            {
                return Volatile.Read(ref _outstanding);
            }

            lock (_gate)
            {
                return Volatile.Read(ref _outstanding) + _pages.Count;
            }
        }
    }

    public int Running => _admission.Running;

    /// <summary>Host pauses and adaptive limits, for progress and the closing verbose lines.</summary>
    public HostFlow Flow => _flow;

    /// <summary>-JournalPath's journal, written by whoever takes the results; null without one.</summary>
    public IResultJournal? Journal => _options.Journal;

    public long Completed => Interlocked.Read(ref _completed);

    public long BytesReceived => _runner.BytesReceived;

    /// <summary>Request body bytes sent so far (uploads), for progress.</summary>
    public long BytesSent => _runner.BytesSent;

    /// <summary>Body bytes held in memory now: being read, or in results not yet taken.</summary>
    public long BufferedBytes => _budget.Used;

    /// <summary>
    /// True when another item may be admitted without exceeding the memory bounds: the items waiting (by
    /// count) and their bodies (by bytes, -MaximumBufferSize). With nothing outstanding one always may.
    /// </summary>
    public bool HasCapacity
    {
        get
        {
            var outstanding = Volatile.Read(ref _outstanding);
            return outstanding == 0 || (outstanding - _admission.Parked < _capacity && !_budget.IsFull);
        }
    }

    /// <summary>Admits one request; call only when <see cref="HasCapacity"/> is true.</summary>
    public void Submit(RequestSpec spec)
    {
        if (_planner is not null)
        {
            spec = _planner.Start(spec);
            spec.Chain!.Started();
        }

        Admitted(spec.Index);
        _admission.Submit(spec);
    }

    /// <summary>Adds a result that needs no request (bad input), so it is emitted in its place.</summary>
    public void PostResult(WebBatchResult result)
    {
        Admitted(result.Index);
        Interlocked.Increment(ref _completed);
        _events.Enqueue(new EngineEvent(result, null));
        _signal.Release();
    }

    /// <summary>Takes the next event without blocking (pipeline thread only).</summary>
    public bool TryTake(out EngineEvent next)
    {
        while (true)
        {
            if (_ready.Count > 0)
            {
                next = _ready.Dequeue();
                return true;
            }

            if (!_events.TryDequeue(out var raw))
            {
                next = default;
                return false;
            }

            Accept(raw);
            if (raw.Result is not null)
            {
                ReleasePages(); // a taken result may be the capacity a due page waits for
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for an event (pipeline thread only); throws when cancelled.</summary>
    public bool WaitTake(out EngineEvent next, TimeSpan timeout)
    {
        if (TryTake(out next))
        {
            return true;
        }

        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_signal.Wait(left, _cancel.Token))
            {
                return false;
            }

            if (TryTake(out next))
            {
                return true;
            }
        }
    }

    /// <summary>Cancels every request in flight and every waiting one.</summary>
    public void Cancel()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        lock (_gate)
        {
            _pages.Clear();
        }

        // Items waiting for a paused host (or a slot) run now, and end at once as cancelled.
        _admission.Abort();
    }

    /// <summary>After <see cref="Cancel"/>: waits (bounded) until running requests have unwound and cleaned up their files.</summary>
    public void WaitForRunningToEnd(TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (_admission.Running > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        Cancel();
        WaitForRunningToEnd(TimeSpan.FromSeconds(2));
        _runner.Dispose();
        _flow.Dispose();
        _options.Journal?.Close();
        _cancel.Dispose();
    }

    private void Accept(EngineEvent raw)
    {
        if (raw.Result is null)
        {
            _ready.Enqueue(raw);
            return;
        }

        if (!_options.Ordered)
        {
            Hand(raw);
            return;
        }

        // An item's results leave in PageIndex order, all of them before the next item's.
        _reorder[(raw.Result.Index, raw.Result.PageIndex)] = raw;
        while (_admitted.Count > 0 && _reorder.Remove((_admitted.Peek(), _nextPage), out var inOrder))
        {
            if (inOrder.MorePages)
            {
                _nextPage++;
            }
            else
            {
                _admitted.Dequeue();
                _nextPage = 0;
                Volatile.Write(ref _head, _admitted.Count > 0 ? _admitted.Peek() : -1);
            }

            Hand(inOrder);
        }
    }

    /// <summary>A result leaves the engine for the pipeline: its slot and its body's bytes are free again.</summary>
    private void Hand(EngineEvent handed)
    {
        var result = handed.Result!;
        if (handed.Page is { } page)
        {
            // -JournalPath: an item with pages is one record, on the result that ends it. Decided here, on the pipeline
            // thread in the order results leave, so the record never leaves before another result of the item.
            var (done, allSucceeded) = page.Chain.PageEnded(page.Succeeded);
            result.MorePagesOfItem = !done || page.Failure is not null;
            if (done)
            {
                (page.Failure ?? result).PagesSucceeded = allSucceeded;
                Interlocked.Increment(ref _completed);
            }
        }

        Interlocked.Decrement(ref _outstanding);
        _budget.Release(BodyBudget.SizeOf(result.Content, result.RawContent));
        _ready.Enqueue(new EngineEvent(result, null));
    }

    /// <summary>Counts an admitted item (and, for -Ordered, notes its place); on the thread that also takes results.</summary>
    private void Admitted(long index)
    {
        Interlocked.Increment(ref _outstanding);
        if (_options.Ordered)
        {
            _admitted.Enqueue(index);
            if (_admitted.Count == 1)
            {
                Volatile.Write(ref _head, index);
            }
        }
    }

    /// <summary>HostAdmission starts a request (an item's first, or one of its pages).</summary>
    private void Launch(RequestSpec spec)
    {
        Task.Run(() => RunOneAsync(spec));
    }

    private async Task RunOneAsync(RequestSpec spec)
    {
        WebBatchResult result;
        try
        {
            result = await _runner.RunAsync(spec, _cancel.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The runner turns every request failure into a result; this is a defect, still reported per item.
            result = new WebBatchResult
            {
                Index = spec.Index,
                PageIndex = spec.PageIndex,
                Uri = spec.Uri,
                Method = spec.Method,
                Input = spec.Input,
                Redactor = _options.Redactor,
                Error = _options.Redactor.Redact(new WebBatchError(ErrorIds.ConnectionFailed, FailureCategory.Connection, "internal error: " + ex.Message, ex)),
                ItemKey = spec.ItemKey,
            };
        }

        // A page's follow-up (its next pages held, or a failure in the next page's place) is settled before its
        // result becomes visible, so the batch never looks finished while the item still has pages to come.
        var followUp = spec.Chain is null ? null : FollowPage(spec, result);
        var failure = followUp?.Failure;
        if (followUp is null)
        {
            Interlocked.Increment(ref _completed);
        }

        var page = followUp is null ? null : new PageEnd(spec.Chain!, failure, result.Success && failure is null && !_cancel.IsCancellationRequested);
        _events.Enqueue(new EngineEvent(result, null, followUp?.MorePages ?? false, page));
        if (failure is not null)
        {
            _events.Enqueue(new EngineEvent(failure, null));
        }

        _admission.Finished(spec.HostKey);
        ReleasePages();
        _signal.Release();
    }

    /// <summary>A host's pause began or ended, or its limit changed: its waiting requests, and due pages, are looked at again.</summary>
    private void HostChanged(string host)
    {
        _admission.Refresh(host);
        ReleasePages();
    }

    private void Post(string message)
    {
        _events.Enqueue(new EngineEvent(null, message));
        _signal.Release();
    }

    // ---- Pagination (issue 13) ----

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
        var outstanding = Volatile.Read(ref _outstanding);
        return outstanding == 0
            || (outstanding - _admission.Parked < _capacity && !_budget.IsFull)
            || (_options.Ordered && page.Index == Volatile.Read(ref _head) && page.Chain!.InFlight == 0);
    }
}

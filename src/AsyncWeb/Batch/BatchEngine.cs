using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Connections;
using AsyncWeb.Downloads;
using AsyncWeb.Hosts;
using AsyncWeb.Journal;
using AsyncWeb.Paging;
using AsyncWeb.Requests;
using AsyncWeb.Sending;
using AsyncWeb.Streaming;

namespace AsyncWeb.Batch;

/// <summary>
/// Runs the requests of one batch: admits them while capacity allows (global and per-host
/// limits), runs them on the thread pool, and hands finished results back in a queue that only the
/// pipeline thread drains. Knows nothing of PowerShell.
/// </summary>
internal sealed partial class BatchEngine : IDisposable
{
    private readonly BatchOptions _options;
    private readonly RequestRunner _runner;
    private readonly BodyBudget _budget;
    private readonly CancellationTokenSource _cancel = new();
    private readonly ConcurrentQueue<EngineEvent> _events = new();
    private readonly SemaphoreSlim _signal = new(0);
    private int _sleeping; // 1 while the pipeline thread may wait on _signal: only then does a posted event release it
    private readonly HostFlow _flow;
    private readonly HostAdmission _admission;
    private readonly Action<RequestSpec, WebBatchResult> _finished;

    private readonly int _capacity;
    private int _outstanding;
    private long _completed;

    public BatchEngine(ClientRoutes clients, BatchOptions options)
    {
        _options = options;
        ThreadPoolFloor.Ensure(options.ThrottleLimit);
        Claims = new FileClaims();
        _budget = new BodyBudget(options.MaximumBufferSize, options.Ordered);
        _streamGate = new StreamGate(options.StreamQueueBytes);
        Action<string>? verbose = options.VerboseEvents ? Post : null;
        _flow = new HostFlow(options, verbose);
        _admission = new HostAdmission(options.ThrottleLimit, _flow, Launch);
        if (options.Ordered)
        {
            // The request whose result leaves next never waits for slots held by requests waiting for room it frees.
            _admission.Awaited = () => _budget.Awaited;
            _budget.Waits = _admission.Reconsider;
        }

        _flow.Changed = HostChanged;
        _runner = new RequestRunner(clients, options, Claims, _budget, verbose, _flow, _admission, this);
        _finished = Finished;

        // Without a per-host limit or ordering, up to ThrottleLimit results may wait for the pipeline thread beyond
        // the ThrottleLimit requests in flight: a finished request's slot in flight is taken by the next item (waiting
        // in HostAdmission's line) at once, not when the pipeline thread gets round to its result. With them, a
        // bounded number of admitted items may wait for their host or their turn. Items that wait only because their
        // host is paused or at its limit do not count, within HostAdmission's parking bounds.
        _capacity = _flow.LimitsHosts || options.Ordered
            ? options.ThrottleLimit * 4
            : options.ThrottleLimit * 2;
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

    /// <summary>The most body bytes held in memory at once so far (for the closing verbose line).</summary>
    public long PeakBufferedBytes => _budget.Peak;

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
        Wake();
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

            Taken(raw);
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
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            // Announce the wait, then look once more: a worker that enqueued before seeing the announcement left
            // its event in the queue, one that saw it releases the semaphore (Wake). Cancel releases it too.
            Interlocked.Exchange(ref _sleeping, 1);
            if (TryTake(out next))
            {
                Volatile.Write(ref _sleeping, 0);
                return true;
            }

            _cancel.Token.ThrowIfCancellationRequested();
            var woken = _signal.Wait(left);
            Volatile.Write(ref _sleeping, 0);
            _cancel.Token.ThrowIfCancellationRequested();
            if (!woken)
            {
                return false;
            }

            if (TryTake(out next))
            {
                return true;
            }
        }
    }

    /// <summary>
    /// After an event was queued: wakes the pipeline thread if it waits for one. Not a release per event: the
    /// semaphore's lock is then taken only when the pipeline thread sleeps, not by every finished request.
    /// The flag is read by an interlocked operation, a full fence: a plain read could be done before the
    /// queue's last store is visible, and then the pipeline thread, looking at the queue after announcing its
    /// wait, would find it empty and sleep past the event (until its 200 ms drain wait ends).
    /// </summary>
    private void Wake()
    {
        if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1)
        {
            _signal.Release();
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

        _signal.Release(); // a waiting pipeline thread wakes and sees the cancellation

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
        _options.Journal?.Dispose();
        _options.Trace?.Dispose();
        _cancel.Dispose();
    }

    /// <summary>HostAdmission starts a request (an item's first, or one of its pages).</summary>
    /// <remarks>
    /// The first request a finished request's slot lets start runs on that request's thread, up to its first wait (the
    /// send): the thread is a pool thread that is done with its work, and handing the start to the pool instead costs a
    /// work item and often a sleeping worker woken to run it. Any further start, a start from the pipeline thread, and a
    /// start by a request that itself began this way (one that ends at once, cancelled, would otherwise start the next
    /// in turn, one inside the other) go to the pool.
    /// </remarks>
    private void Launch(RequestSpec spec)
    {
#if NET
        if (t_finishing == FinishingMayRunNext)
        {
            t_finishing = FinishingRanNext;
            _ = _runner.RunAsync(spec, _cancel.Token, _finished);
            return;
        }

        // On the thread pool as Task.Run would, without its closure, delegate and unwrapping task per request.
        ThreadPool.QueueUserWorkItem(static state => _ = state.Engine._runner.RunAsync(state.Spec, state.Engine._cancel.Token, state.Engine._finished), (Engine: this, Spec: spec), preferLocal: false);
#else
        Task.Run(() => _runner.RunAsync(spec, _cancel.Token, _finished));
#endif
    }

    // Where this thread is in Finished (see Launch): not in it, settling admission and free to run the next request
    // itself, or done so already (or inside a request it ran that way).
    private const int FinishingNot = 0;
    private const int FinishingMayRunNext = 1;
    private const int FinishingRanNext = 2;

    [ThreadStatic]
    private static int t_finishing;

    /// <summary>A request's result (the runner's last step, on its thread): queued for the pipeline thread, its slot given back.</summary>
    private void Finished(RequestSpec spec, WebBatchResult result)
    {
        // A page's follow-up (its next pages held, or a failure in the next page's place) is settled before its
        // result becomes visible, so the batch never looks finished while the item still has pages to come.
        var followUp = spec.Chain is null ? null : FollowPage(spec, result);
        var failure = followUp?.Failure;
        if (followUp is null)
        {
            Interlocked.Increment(ref _completed);
        }

        var page = followUp is null ? null : new PageEnd(spec.Chain!, failure, result.Done && failure is null && !_cancel.IsCancellationRequested);
        _events.Enqueue(new EngineEvent(result, null, followUp?.MorePages ?? false, page));
        if (failure is not null)
        {
            _events.Enqueue(new EngineEvent(failure, null));
        }

        var outer = t_finishing == FinishingNot;
        if (outer)
        {
            t_finishing = FinishingMayRunNext;
        }

        try
        {
            _admission.Finished(spec.HostKey);
        }
        finally
        {
            if (outer)
            {
                t_finishing = FinishingNot;
            }
        }

        ReleasePages();
        Wake();
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
        Wake();
    }
}

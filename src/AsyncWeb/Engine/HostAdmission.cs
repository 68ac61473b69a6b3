using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Engine;

/// <summary>
/// Who may start now: at most ThrottleLimit requests in flight, at most the host's limit (fixed or adaptive) to one
/// host, and nothing to a paused host (<see cref="HostFlow"/>). Items wait in one line per host, and the hosts whose
/// head item could start take turns for free slots, so an item never waits behind another host's items: a paused
/// host, or one at its limit, holds up nobody else.
/// <para>
/// Items waiting because of their host are <see cref="Parked"/>: they do not count against admission (the pump keeps
/// reading input for other hosts) up to <see cref="ParkingLimit"/> items and <see cref="ParkingBytes"/> of request
/// bodies; beyond that they count again, so memory stays bounded whatever the input.
/// </para>
/// A running item whose host pauses (it is about to retry) gives its slot back while it waits
/// (<see cref="WaitForHostAsync"/>), and takes one again, ahead of its host's new items, when the pause ends; so does a
/// retry while its host has more in flight than its (lowered) adaptive limit.
/// </summary>
internal sealed class HostAdmission
{
    /// <summary>Request body bytes that may wait for their host without holding up the input.</summary>
    public const long ParkingBytes = 64L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly int _throttleLimit;
    private readonly HostFlow _flow;
    private readonly Action<RequestSpec> _launch;
    private readonly Dictionary<string, HostLine> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<HostLine> _turns = new();
    private int _running;
    private int _parked;
    private long _parkedBytes;
    private volatile bool _aborted;

    public HostAdmission(int throttleLimit, HostFlow flow, Action<RequestSpec> launch)
    {
        _throttleLimit = throttleLimit;
        _flow = flow;
        _launch = launch;
        ParkingLimit = (int)Math.Min(65536, Math.Max(1024, 16L * throttleLimit));
    }

    /// <summary>Items that may wait for their host without holding up the input.</summary>
    public int ParkingLimit { get; }

    public int Running => Volatile.Read(ref _running);

    /// <summary>
    /// How many waiting items admission may leave out of its count: those waiting for their host (paused, or at its
    /// limit), up to <see cref="ParkingLimit"/>; none once their request bodies pass <see cref="ParkingBytes"/>.
    /// </summary>
    public int Parked
    {
        get
        {
            lock (_gate)
            {
                return _parkedBytes > ParkingBytes ? 0 : Math.Min(_parked, ParkingLimit);
            }
        }
    }

    /// <summary>Starts the item now, or lines it up behind its host's earlier items.</summary>
    public void Submit(RequestSpec spec)
    {
        List<Entry>? start = null;
        bool now;
        lock (_gate)
        {
            var line = Line(spec.HostKey);
            now = line.Waiting.Count == 0 && CanStart(line);
            if (now)
            {
                Started(line);
            }
            else
            {
                line.Waiting.AddLast(new Entry(spec, null, _flow.PauseClock(spec.HostKey)));
                line.WaitingBytes += spec.Body?.LongLength ?? 0;
                start = Settle(line);
            }
        }

        if (now)
        {
            _launch(spec);
        }

        Go(start);
    }

    /// <summary>A running item ended: its slots are free for the next items.</summary>
    public void Finished(string host)
    {
        List<Entry>? start;
        lock (_gate)
        {
            _running--;
            var line = Line(host);
            line.Active--;
            start = Settle(line);
        }

        Go(start);
    }

    /// <summary>The host's pause began or ended, or its limit changed: look at its waiting items again.</summary>
    public void Refresh(string host)
    {
        List<Entry>? start;
        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var line))
            {
                return;
            }

            start = Settle(line);
        }

        Go(start);
    }

    /// <summary>
    /// Before an attempt of a running item: while its host is paused, or (for a retry) while the host has more in
    /// flight than its limit (an adaptive limit that was lowered meanwhile), gives its slot to others and waits for the
    /// pause to end (and a slot), ahead of its host's new items. Throws when <paramref name="token"/> is cancelled,
    /// holding a slot again, as the item's end expects.
    /// </summary>
    public Task WaitForHostAsync(RequestSpec spec, bool retry, CancellationToken token)
    {
        if (_aborted || !(_flow.IsPaused(spec.HostKey) || (retry && OverLimit(spec.HostKey))))
        {
            return Task.CompletedTask;
        }

        return WaitAsync(spec, token);
    }

    /// <summary>A retry under a limit lowered since its item started would be one request too many: it queues again instead.</summary>
    private bool OverLimit(string host)
    {
        if (!_flow.LimitsHosts)
        {
            return false;
        }

        var limit = _flow.LimitFor(host);
        lock (_gate)
        {
            return limit > 0 && _hosts.TryGetValue(host, out var line) && line.Active > limit;
        }
    }

    /// <summary>The batch was cancelled: pauses and limits no longer hold anyone back, so every waiting item runs (and ends at once).</summary>
    public void Abort()
    {
        List<Entry>? start = null;
        lock (_gate)
        {
            _aborted = true;
            foreach (var line in _hosts.Values)
            {
                var more = Settle(line);
                if (more is not null)
                {
                    (start ??= new List<Entry>()).AddRange(more);
                }
            }
        }

        Go(start);
    }

    private async Task WaitAsync(RequestSpec spec, CancellationToken token)
    {
        var resumed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<Entry> node;
        List<Entry>? start;
        lock (_gate)
        {
            var line = Line(spec.HostKey);
            _running--;
            line.Active--;
            node = line.Waiting.AddFirst(new Entry(spec, resumed, _flow.PauseClock(spec.HostKey)));
            start = Settle(line);
        }

        Go(start);
        using (token.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetCanceled(), resumed))
        {
            try
            {
                await resumed.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    // Not started meanwhile: it leaves the line and holds a slot again, over the limits if need be.
                    if (node.List is not null)
                    {
                        var line = Line(spec.HostKey);
                        line.Waiting.Remove(node);
                        line.WaitingBytes -= spec.Body?.LongLength ?? 0;
                        Started(line);
                        Settle(line);
                    }
                }

                throw;
            }
        }
    }

    /// <summary>
    /// Under the lock, after anything about <paramref name="line"/> changed: counts its items as parked or not, gives
    /// it a turn when its head item could start, and takes the items that can start now, host by host in turn.
    /// </summary>
    private List<Entry>? Settle(HostLine line)
    {
        Count(line);
        Offer(line);
        List<Entry>? start = null;
        while (_running < _throttleLimit && _turns.Count > 0)
        {
            var next = _turns.Dequeue();
            next.HasTurn = false;
            if (next.Waiting.Count == 0 || HostBlocked(next))
            {
                Count(next);
                Forget(next);
                continue;
            }

            var entry = next.Waiting.First!.Value;
            next.Waiting.RemoveFirst();
            next.WaitingBytes -= entry.Spec.Body?.LongLength ?? 0;
            Started(next);
            Count(next);
            Offer(next);
            (start ??= new List<Entry>()).Add(entry);
        }

        Forget(line);
        return start;
    }

    /// <summary>Outside the lock: the items that may start, each with the time it waited for its paused host.</summary>
    private void Go(List<Entry>? start)
    {
        if (start is null)
        {
            return;
        }

        foreach (var entry in start)
        {
            var waited = _flow.PauseClock(entry.Spec.HostKey) - entry.PauseClockAtEntry;
            if (waited > 0)
            {
                entry.Spec.Flow.AddHostWait(waited);
            }

            if (entry.Resumed is { } resumed)
            {
                resumed.TrySetResult(true);
            }
            else
            {
                _launch(entry.Spec);
            }
        }
    }

    private bool CanStart(HostLine line) => _running < _throttleLimit && !HostBlocked(line);

    private bool HostBlocked(HostLine line)
    {
        if (_aborted)
        {
            return false;
        }

        if (_flow.IsPaused(line.Host))
        {
            return true;
        }

        var limit = _flow.LimitsHosts ? _flow.LimitFor(line.Host) : 0;
        return limit > 0 && line.Active >= limit;
    }

    private void Started(HostLine line)
    {
        _running++;
        line.Active++;
    }

    /// <summary>The line's items count as parked while its host holds them back.</summary>
    private void Count(HostLine line)
    {
        var blocked = line.Waiting.Count > 0 && HostBlocked(line);
        var items = blocked ? line.Waiting.Count : 0;
        var bytes = blocked ? line.WaitingBytes : 0;
        _parked += items - line.ParkedItems;
        _parkedBytes += bytes - line.ParkedBytes;
        line.ParkedItems = items;
        line.ParkedBytes = bytes;
    }

    /// <summary>Gives the line a turn at the next free slot when its head item could start but for the global limit.</summary>
    private void Offer(HostLine line)
    {
        if (!line.HasTurn && line.Waiting.Count > 0 && !HostBlocked(line))
        {
            line.HasTurn = true;
            _turns.Enqueue(line);
        }
    }

    private HostLine Line(string host)
    {
        if (!_hosts.TryGetValue(host, out var line))
        {
            line = new HostLine(host);
            _hosts.Add(host, line);
        }

        return line;
    }

    /// <summary>A host with nothing running and nothing waiting is dropped (a sweep of a million hosts keeps only the live ones).</summary>
    private void Forget(HostLine line)
    {
        if (line.Active == 0 && line.Waiting.Count == 0 && !line.HasTurn)
        {
            _hosts.Remove(line.Host);
        }
    }

    private sealed class HostLine
    {
        public HostLine(string host) => Host = host;

        public string Host { get; }
        public int Active { get; set; }
        public LinkedList<Entry> Waiting { get; } = new();
        public long WaitingBytes { get; set; }
        public bool HasTurn { get; set; }
        public int ParkedItems { get; set; }
        public long ParkedBytes { get; set; }
    }

    /// <summary>A waiting item: a new one (launched when it starts) or a running one resuming after its host's pause.</summary>
    private readonly struct Entry
    {
        public Entry(RequestSpec spec, TaskCompletionSource<bool>? resumed, long pauseClockAtEntry)
        {
            Spec = spec;
            Resumed = resumed;
            PauseClockAtEntry = pauseClockAtEntry;
        }

        public RequestSpec Spec { get; }
        public TaskCompletionSource<bool>? Resumed { get; }
        public long PauseClockAtEntry { get; }
    }
}

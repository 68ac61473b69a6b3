using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using AsyncWeb.Requests;

namespace AsyncWeb.Hosts;

/// <summary>The per-host lines, under the lock: which items start now, turns for free slots, and the parked counts.</summary>
internal sealed partial class HostAdmission
{
    /// <summary>
    /// Under the lock, after anything about <paramref name="line"/> changed: counts its items as parked or not, gives
    /// it a turn when its head item could start, and takes the items that can start now, host by host in turn.
    /// </summary>
    private void Settle(HostLine line, ref Starts start)
    {
        Count(line);
        Offer(line);
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

            var head = next.Waiting.First!;
            var entry = head.Value;
            Leave(next, head);
            Recycle(head);
            Started(next);
            Count(next);
            Offer(next);
            start.Add(entry);
        }

        StartAwaited(ref start);
        Forget(line);
        Publish();
    }

    /// <summary>Under the lock, once the counts are settled: what <see cref="Parked"/> reads.</summary>
    private void Publish() => _parkedNow = _parkedBytes > ParkingBytes ? 0 : Math.Min(_parked, ParkingLimit);

    /// <summary>
    /// Under the lock: the request <see cref="Awaited"/> names, if it waits in a line, starts now, past the global and
    /// its host's limits if need be (by one at most), never while its host is paused.
    /// </summary>
    private void StartAwaited(ref Starts start)
    {
        if (_aborted || _running > _throttleLimit || Awaited?.Invoke() is not { } awaited)
        {
            return;
        }

        foreach (var line in _hosts.Values)
        {
            if (line.Waiting.Count == 0 || _flow.IsPaused(line.Host))
            {
                continue;
            }

            for (var node = line.Waiting.First; node is not null; node = node.Next)
            {
                var spec = node.Value.Spec;
                if (spec.Index == awaited.Index && spec.PageIndex == awaited.PageIndex)
                {
                    var entry = node.Value;
                    Leave(line, node);
                    Recycle(node);
                    Started(line);
                    Count(line);
                    start.Add(entry);
                    return;
                }
            }
        }
    }

    /// <summary>Outside the lock: the items that may start, each with the time it waited for its paused host.</summary>
    private void Go(in Starts start)
    {
        if (!start.Any)
        {
            return;
        }

        Go(start.First);
        if (start.More is { } more)
        {
            foreach (var entry in more)
            {
                Go(entry);
            }
        }
    }

    private void Go(in Entry entry)
    {
        var waited = _flow.PauseClock(entry.Spec.HostKey) - entry.PauseClockAtEntry;
        if (waited > 0)
        {
            entry.Spec.HostWait.Add(waited);
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

    /// <summary>An item joins the line (a resuming one at its head), its request body with it: <see cref="Leave"/> takes off exactly what this added.</summary>
    private LinkedListNode<Entry> Enter(HostLine line, Entry entry, bool first)
    {
        line.WaitingBytes += entry.Bytes;
        LinkedListNode<Entry> node;
        if (entry.Resumed is null && _spareNodes.Count > 0)
        {
            node = _spareNodes.Pop();
            node.Value = entry;
        }
        else
        {
            node = new LinkedListNode<Entry>(entry);
        }

        if (first)
        {
            line.Waiting.AddFirst(node);
        }
        else
        {
            line.Waiting.AddLast(node);
        }

        return node;
    }

    /// <summary>
    /// A new item's node, once it left its line, serves the next one: an item waiting for a slot then costs no
    /// allocation. A resuming item's node is never reused, since its waiter asks afterwards whether it is still in a line.
    /// </summary>
    private void Recycle(LinkedListNode<Entry> node)
    {
        if (node.Value.Resumed is null && _spareNodes.Count < _throttleLimit * 4)
        {
            node.Value = default;
            _spareNodes.Push(node);
        }
    }

    /// <summary>An item leaves the line (it starts, or its wait was cancelled), with the bytes it brought.</summary>
    private static void Leave(HostLine line, LinkedListNode<Entry> node)
    {
        line.Waiting.Remove(node);
        line.WaitingBytes -= node.Value.Bytes;
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
        if (_last is { } last && string.Equals(last.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            return last;
        }

        if (!_hosts.TryGetValue(host, out var line))
        {
            line = new HostLine(host);
            _hosts.Add(host, line);
        }

        return _last = line;
    }

    /// <summary>A host with nothing running and nothing waiting is dropped (a sweep of a million hosts keeps only the live ones).</summary>
    private void Forget(HostLine line)
    {
        if (line.Active == 0 && line.Waiting.Count == 0 && !line.HasTurn)
        {
            _hosts.Remove(line.Host);
            if (_last == line)
            {
                _last = null;
            }
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

    /// <summary>The items a settling took from the lines, to start outside the lock: usually one, so the first is kept without a list.</summary>
    private struct Starts
    {
        public Entry First;
        public List<Entry>? More;
        public bool Any;

        public void Add(in Entry entry)
        {
            if (!Any)
            {
                First = entry;
                Any = true;
            }
            else
            {
                (More ??= new List<Entry>()).Add(entry);
            }
        }
    }

    /// <summary>A waiting item: a new one (launched when it starts) or a running one resuming after its host's pause.</summary>
    private readonly struct Entry
    {
        public Entry(RequestSpec spec, TaskCompletionSource<bool>? resumed, long pauseClockAtEntry)
        {
            Spec = spec;
            Resumed = resumed;
            PauseClockAtEntry = pauseClockAtEntry;
            Bytes = spec.Body?.LongLength ?? 0;
        }

        public RequestSpec Spec { get; }

        /// <summary>The request body it holds while it waits, as counted when it joined the line.</summary>
        public long Bytes { get; }
        public TaskCompletionSource<bool>? Resumed { get; }
        public long PauseClockAtEntry { get; }
    }
}

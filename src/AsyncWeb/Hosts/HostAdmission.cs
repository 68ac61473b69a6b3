using System;
using System.Collections.Generic;
using System.Threading;
using AsyncWeb.Requests;

namespace AsyncWeb.Hosts;

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
/// <para>
/// One request may start past the global and per-host limits, by one at most and never to a paused host: the one
/// <see cref="Awaited"/> names (-Ordered, the budget spent, its result leaving next), since the slots may all be held
/// by requests waiting for room that only its result frees.
/// </para>
/// </summary>
internal sealed partial class HostAdmission
{
    /// <summary>Request body bytes that may wait for their host without holding up the input.</summary>
    public const long ParkingBytes = 64L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly int _throttleLimit;
    private readonly HostFlow _flow;
    private readonly Action<RequestSpec> _launch;
    private readonly Dictionary<string, HostLine> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<HostLine> _turns = new();
    private readonly Stack<LinkedListNode<Entry>> _spareNodes = new();
    private int _running;
    private int _parked;
    private long _parkedBytes;
    private volatile int _parkedNow; // Parked, as of the end of the last settling
    private HostLine? _last;         // the line looked up last: a batch to one host finds it without hashing its name
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

    /// <summary>The request (Index, PageIndex) that must not wait for a slot now, or null (see the class summary); looked at under the lock.</summary>
    public Func<(long Index, int PageIndex)?>? Awaited { get; set; }

    /// <summary>
    /// How many waiting items admission may leave out of its count: those waiting for their host (paused, or at its
    /// limit), up to <see cref="ParkingLimit"/>; none once their request bodies pass <see cref="ParkingBytes"/>.
    /// As of the end of the last settling, read without the lock (the pipeline thread asks before every admission).
    /// </summary>
    public int Parked => _parkedNow;

    /// <summary>Starts the item now, or lines it up behind its host's earlier items.</summary>
    public void Submit(RequestSpec spec)
    {
        var start = default(Starts);
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
                Enter(line, new Entry(spec, null, _flow.PauseClock(spec.HostKey)), first: false);
                Settle(line, ref start);
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
        var start = default(Starts);
        lock (_gate)
        {
            _running--;
            var line = Line(host);
            line.Active--;
            Settle(line, ref start);
        }

        Go(start);
    }

    /// <summary>The host's pause began or ended, or its limit changed: look at its waiting items again.</summary>
    public void Refresh(string host)
    {
        var start = default(Starts);
        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var line))
            {
                return;
            }

            Settle(line, ref start);
        }

        Go(start);
    }

    /// <summary>What <see cref="Awaited"/> names may have changed: if it waits in a line, it starts now.</summary>
    public void Reconsider()
    {
        var start = default(Starts);
        lock (_gate)
        {
            StartAwaited(ref start);
            Publish();
        }

        Go(start);
    }

    /// <summary>The batch was cancelled: pauses and limits no longer hold anyone back, so every waiting item runs (and ends at once).</summary>
    public void Abort()
    {
        var start = default(Starts);
        lock (_gate)
        {
            _aborted = true;
            // A copy: settling may forget a line, and .NET Framework's dictionary refuses a removal during enumeration.
            foreach (var line in new List<HostLine>(_hosts.Values))
            {
                Settle(line, ref start);
            }
        }

        Go(start);
    }
}

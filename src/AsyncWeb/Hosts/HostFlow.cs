using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using AsyncWeb.Batch;
using AsyncWeb.Requests;
using AsyncWeb.Sending;

namespace AsyncWeb.Hosts;

/// <summary>
/// Treats each host as one party to be polite to. A 429 or 503 with Retry-After, or rate-limit headers at zero
/// remaining, pause the whole host (at most -MaximumRetryAfterSec): its queued items and its retries wait, while
/// other hosts go on. Under -AdaptiveThrottle each host's concurrency limit follows its answers (<see cref="AdaptiveLimit"/>).
/// Attempts report here (<see cref="Starting"/>, <see cref="Observe"/>); admission asks here whether a host may start
/// (<see cref="IsPaused"/>, <see cref="LimitFor"/>) and hears of every change through <see cref="Changed"/>.
/// </summary>
internal sealed class HostFlow : IDisposable
{
    private readonly ConcurrentDictionary<string, HostState> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, HostState> _paused = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _fixedLimit;
    private readonly AdaptiveThrottleSettings? _adaptive;
    private readonly TimeSpan _maximumPause;
    private readonly Action<string>? _verbose;
    private readonly TimeProvider _time;
    private readonly double _ticksPerSecond;
    private volatile bool _disposed;
    private int _listed;             // hosts in _paused, counted before a host is added and after it is removed
    private volatile bool _everPaused; // set before the first pause: until then every host's pause clock is 0

    public HostFlow(BatchOptions options, Action<string>? verbose)
        : this(options, verbose, TimeProvider.System)
    {
    }

    /// <summary>On the clock of <paramref name="time"/> (timestamps, pause timers, rate-limit resets): unit tests pass a fake one.</summary>
    internal HostFlow(BatchOptions options, Action<string>? verbose, TimeProvider time)
    {
        _time = time;
        _ticksPerSecond = time.TimestampFrequency;
        _fixedLimit = options.ThrottleLimitPerHost;
        _adaptive = options.AdaptiveThrottle;
        _maximumPause = options.Retry.MaximumRetryAfter;
        _verbose = verbose;
    }

    /// <summary>A host's pause began or ended, or its limit changed: admission looks at its waiting items again.</summary>
    public Action<string>? Changed { get; set; }

    /// <summary>True when some host limit applies (fixed -ThrottleLimitPerHost or -AdaptiveThrottle).</summary>
    public bool LimitsHosts => _fixedLimit > 0 || _adaptive is not null;

    /// <summary>Hosts paused right now.</summary>
    public int PausedHosts => _paused.Count;

    /// <summary>
    /// Asked before every attempt and by admission per request. With no host paused (the usual case) one read of a
    /// count, no lookup; else TryGetValue alone, lock-free (ConcurrentDictionary.IsEmpty takes every lock of the
    /// dictionary when it is empty).
    /// </summary>
    public bool IsPaused(string host) =>
        Volatile.Read(ref _listed) > 0 && _paused.TryGetValue(host, out var state) && state.Remaining(_time.GetTimestamp()) > 0;

    /// <summary>Time left in the host's pause; zero when it runs.</summary>
    public TimeSpan PauseRemaining(string host) =>
        _paused.TryGetValue(host, out var state) ? Ticks(state.Remaining(_time.GetTimestamp())) : TimeSpan.Zero;

    /// <summary>The host's total paused time so far, in Stopwatch ticks: an item's wait for its host is the difference over its wait.</summary>
    public long PauseClock(string host) =>
        _everPaused && _hosts.TryGetValue(host, out var state) ? state.PausedTime(_time.GetTimestamp()) : 0;

    /// <summary>Most requests in flight to the host now: adaptive, or -ThrottleLimitPerHost; 0 for no per-host limit.</summary>
    public int LimitFor(string host) =>
        _adaptive is null ? _fixedLimit : State(host).Adaptive!.Current;

    /// <summary>An attempt to the host starts: the adaptive window it belongs to (0 without -AdaptiveThrottle).</summary>
    public long Starting(string host) => _adaptive is null ? 0 : State(host).Adaptive!.Starting();

    /// <summary>
    /// What one attempt's answer says about its host: a pause asked for (Retry-After on 429/503, rate-limit headers at
    /// zero remaining), and under -AdaptiveThrottle congestion (429, 503, a timeout) or a clean answer.
    /// </summary>
    public void Observe(RequestSpec spec, long window, AttemptOutcome outcome)
    {
        var (pause, reason) = PauseAskedFor(spec, outcome);
        if (pause > TimeSpan.Zero)
        {
            Pause(spec.HostKey, pause, reason!);
        }

        if (_adaptive is null)
        {
            return;
        }

        var limit = State(spec.HostKey).Adaptive!;
        var congested = outcome.StatusCode is 429 or 503 || outcome.Failure?.Category == FailureCategory.Timeout;
        LimitChange? change = congested ? limit.Congested(window) : outcome.StatusCode > 0 ? limit.Succeeded(window) : null;
        if (change is { } c)
        {
            _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"host {spec.HostKey}: limit {c.From} -> {c.To}{(congested ? $" after #{spec.Index} {outcome.Describe()}" : " after a clean window")}"));
            Changed?.Invoke(spec.HostKey);
        }
    }

    /// <summary>
    /// The adaptive limit each host ended with, for -Verbose at the end: the hosts whose limit moved, most
    /// changed first, at most <paramref name="most"/> of them and a count of the rest.
    /// </summary>
    public IEnumerable<string> FinalLimits(int most = 20)
    {
        if (_adaptive is null)
        {
            yield break;
        }

        var hosts = _hosts.Where(h => h.Value.Adaptive is not null).Select(h => (Host: h.Key, Limit: h.Value.Adaptive!.Current)).ToList();
        var moved = hosts.Where(h => h.Limit != _adaptive.Start).OrderBy(h => h.Limit).ThenBy(h => h.Host, StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var (host, limit) in moved.Take(most))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"host {host}: final limit {limit} (-AdaptiveThrottle between {_adaptive.Minimum} and {_adaptive.Maximum}, from {_adaptive.Start})");
        }

        var rest = hosts.Count - Math.Min(moved.Count, most);
        if (rest > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{rest} more host(s): final limits {(moved.Count > most ? "listed by Measure-AsyncWebBatch" : $"unchanged at {_adaptive.Start}")}");
        }
    }

    /// <summary>For the progress bar: which hosts wait, and how long the longest pause has left; null when none.</summary>
    public string? Status()
    {
        if (_paused.IsEmpty)
        {
            return null;
        }

        var now = _time.GetTimestamp();
        var paused = _paused.Select(p => (Host: p.Key, Left: p.Value.Remaining(now))).Where(p => p.Left > 0).OrderByDescending(p => p.Left).ToList();
        return paused.Count switch
        {
            0 => null,
            1 => string.Create(CultureInfo.InvariantCulture, $"host {paused[0].Host} paused, {Ticks(paused[0].Left).TotalSeconds:0.0} s left"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{paused.Count} hosts paused, up to {Ticks(paused[0].Left).TotalSeconds:0.0} s left"),
        };
    }

    /// <summary>Stops the pause timers.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var state in _hosts.Values)
        {
            state.StopTimer();
        }
    }

    private (TimeSpan Pause, string? Reason) PauseAskedFor(RequestSpec spec, AttemptOutcome outcome)
    {
        TimeSpan asked = TimeSpan.Zero;
        string? reason = null;
        if (outcome.AskedWait is { } retryAfter && retryAfter > TimeSpan.Zero)
        {
            asked = retryAfter;
            reason = string.Create(CultureInfo.InvariantCulture, $"#{spec.Index} answered {outcome.StatusCode} with Retry-After {retryAfter.TotalSeconds:0.###} s");
        }

        if (outcome.Headers.Count > 0 && RateLimitHeaders.Read(outcome.Headers, _time)?.Pause is { } reset && reset > asked)
        {
            asked = reset;
            reason = string.Create(CultureInfo.InvariantCulture, $"#{spec.Index}'s answer says no requests remain, reset in {reset.TotalSeconds:0.###} s");
        }

        if (asked <= TimeSpan.Zero)
        {
            return (TimeSpan.Zero, null);
        }

        // As a Retry-After beyond the cap ends an item's retries, a pause beyond it is cut to the cap: the user waits no longer.
        return asked > _maximumPause
            ? (_maximumPause, reason + string.Create(CultureInfo.InvariantCulture, $", longer than -MaximumRetryAfterSec {_maximumPause.TotalSeconds:0.###} s"))
            : (asked, reason);
    }

    private void Pause(string host, TimeSpan pause, string reason)
    {
        _everPaused = true;
        var state = State(host);
        var now = _time.GetTimestamp();
        var (started, extendedBy, generation) = state.Extend(now, now + (long)(pause.TotalSeconds * _ticksPerSecond), Resume);
        if (started)
        {
            Interlocked.Increment(ref _listed);
            if (!_paused.TryAdd(host, state))
            {
                Interlocked.Decrement(ref _listed); // listed already (its last pause over, not yet unlisted): the same state
            }

            // A pause so short that its timer fired before it was listed ends here; a newer pause stays listed.
            EndPause(host, generation);

            _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"host {host} paused for {pause.TotalSeconds:0.###} s: {reason}"));
        }
        else if (extendedBy >= _ticksPerSecond)
        {
            _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"host {host} pause extended to {pause.TotalSeconds:0.###} s from now: {reason}"));
        }

        if (started || extendedBy > 0)
        {
            Changed?.Invoke(host);
        }
    }

    /// <summary>A pause timer fired: the host runs again unless its pause was extended meanwhile (the timer was then moved).</summary>
    private void Resume(HostState state)
    {
        if (_disposed || !state.TryEnd(_time.GetTimestamp(), out var generation) || !EndPause(state.Host, generation))
        {
            return;
        }

        _verbose?.Invoke($"host {state.Host} resumes");
        Changed?.Invoke(state.Host);
    }

    /// <summary>The host's pauses so far (see <see cref="PauseWindow.Generation"/>).</summary>
    internal long PauseGeneration(string host) => State(host).Generation;

    /// <summary>
    /// The pause of <paramref name="generation"/> was seen to end: the host leaves the paused list, unless another pause
    /// began since (a Retry-After read between the end and now), which stays listed. False when that happened.
    /// </summary>
    internal bool EndPause(string host, long generation) =>
        _hosts.TryGetValue(host, out var state) && state.Unlist(generation, _time.GetTimestamp(), _paused, ref _listed);

    private HostState State(string host) =>
        _hosts.TryGetValue(host, out var state) ? state : _hosts.GetOrAdd(host, static (h, self) => new HostState(h, self._adaptive, self._time), this);

    private TimeSpan Ticks(long stopwatchTicks) => TimeSpan.FromSeconds(stopwatchTicks / _ticksPerSecond);

    /// <summary>One host: its pause window and timer, and its adaptive limit.</summary>
    private sealed class HostState
    {
        private readonly PauseWindow _window = new();
        private readonly TimeProvider _time;
        private ITimer? _timer;

        public HostState(string host, AdaptiveThrottleSettings? adaptive, TimeProvider time)
        {
            Host = host;
            _time = time;
            Adaptive = adaptive is null ? null : new AdaptiveLimit(adaptive);
        }

        public string Host { get; }
        public AdaptiveLimit? Adaptive { get; }

        public long Remaining(long now)
        {
            lock (_window)
            {
                return _window.Remaining(now);
            }
        }

        public long PausedTime(long now)
        {
            lock (_window)
            {
                return _window.PausedTime(now);
            }
        }

        public long Generation
        {
            get
            {
                lock (_window)
                {
                    return _window.Generation;
                }
            }
        }

        /// <summary>Pauses or extends; (re)arms the timer that calls <paramref name="resume"/> at the end.</summary>
        public (bool Started, long ExtendedBy, long Generation) Extend(long now, long until, Action<HostState> resume)
        {
            lock (_window)
            {
                var before = _window.Until;
                var started = _window.Extend(now, until);
                var extendedBy = started ? until - now : Math.Max(0, _window.Until - Math.Max(before, now));
                if (started || extendedBy > 0)
                {
                    var due = TimeSpan.FromSeconds((_window.Until - now) / (double)_time.TimestampFrequency);
                    _timer ??= _time.CreateTimer(static s => ((Action)s!)(), new Action(() => resume(this)), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    _timer.Change(due, Timeout.InfiniteTimeSpan);
                }

                return (started, extendedBy, _window.Generation);
            }
        }

        /// <summary>True when the pause is over, with the pause's generation; when the timer fired early, it is moved to the end.</summary>
        public bool TryEnd(long now, out long generation)
        {
            lock (_window)
            {
                generation = _window.Generation;
                var left = _window.Remaining(now);
                if (left <= 0)
                {
                    return true;
                }

                _timer?.Change(TimeSpan.FromSeconds(left / (double)_time.TimestampFrequency) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                return false;
            }
        }

        /// <summary>
        /// Takes the host off <paramref name="paused"/> when the pause of <paramref name="generation"/> is still the last
        /// one and over. Under the window's lock, so no pause can start between the check and the removal.
        /// </summary>
        public bool Unlist(long generation, long now, ConcurrentDictionary<string, HostState> paused, ref int listed)
        {
            lock (_window)
            {
                if (_window.Generation != generation || _window.IsPaused(now))
                {
                    return false;
                }

                if (paused.TryRemove(Host, out _))
                {
                    Interlocked.Decrement(ref listed);
                }

                return true;
            }
        }

        public void StopTimer()
        {
            lock (_window)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }
}

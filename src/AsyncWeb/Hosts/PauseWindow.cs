namespace AsyncWeb.Hosts;

/// <summary>
/// When one host is paused, on a clock of ticks (the caller's: Stopwatch timestamps in the engine, plain numbers in
/// tests). Besides "paused until", it keeps a running total of paused time, so the wait of an item for its host is
/// <c>PausedTime(end) - PausedTime(start)</c> however many pauses came and went meanwhile. Not thread-safe: the
/// owner locks.
/// </summary>
internal sealed class PauseWindow
{
    private long _from;
    private long _until;
    private long _before;

    /// <summary>The end of the current (or last) pause.</summary>
    public long Until => _until;

    /// <summary>
    /// How many pauses have started: an extension keeps it, a new pause after the last one ended moves it on. Whoever
    /// saw a pause end compares it before acting on that, so a pause that began meanwhile is never taken for over.
    /// </summary>
    public long Generation { get; private set; }

    public bool IsPaused(long now) => now < _until;

    public long Remaining(long now) => now < _until ? _until - now : 0;

    /// <summary>
    /// Pauses from <paramref name="now"/> until <paramref name="until"/>, or extends the current pause to it. A pause
    /// is never shortened. Returns true when this started a pause (the host was running).
    /// </summary>
    public bool Extend(long now, long until)
    {
        if (until <= _until)
        {
            return false;
        }

        if (now < _until)
        {
            _until = until;
            return false;
        }

        _before += _until - _from;
        _from = now;
        _until = until;
        Generation++;
        return true;
    }

    /// <summary>Total paused time up to <paramref name="at"/> (a non-decreasing function of it, for at ≥ the last Extend's now).</summary>
    public long PausedTime(long at)
    {
        if (at <= _from)
        {
            return _before;
        }

        return _before + (at < _until ? at : _until) - _from;
    }
}

namespace AsyncWeb.Hosts;

/// <summary>A change of one host's adaptive limit, for -Verbose.</summary>
internal readonly struct LimitChange
{
    public LimitChange(int from, int to)
    {
        From = from;
        To = to;
    }

    public int From { get; }
    public int To { get; }
}

/// <summary>
/// One host's concurrency limit under -AdaptiveThrottle: additive increase, multiplicative decrease (AIMD, as
/// TCP's congestion window). A congestion signal (429, 503, a timeout) halves it, once per window: signals from
/// requests that started before the last decrease are the same congestion and are ignored, so a burst of 429s
/// from one wave of requests halves it once, not down to the minimum. A clean window (as many successes, of
/// requests started since the last change, as the limit) raises it by one. Pure: no clock; thread-safe.
/// </summary>
internal sealed class AdaptiveLimit
{
    private readonly object _gate = new();
    private readonly int _minimum;
    private readonly int _maximum;
    private int _current;
    private long _epoch;
    private int _clean;

    public AdaptiveLimit(AdaptiveThrottleSettings settings)
    {
        _minimum = settings.Minimum;
        _maximum = settings.Maximum;
        _current = System.Math.Min(_maximum, System.Math.Max(_minimum, settings.Start));
    }

    public int Current => Volatile(ref _current);

    /// <summary>A request to the host starts: the window it belongs to, to pass back with its outcome.</summary>
    public long Starting()
    {
        lock (_gate)
        {
            return _epoch;
        }
    }

    /// <summary>The host signalled congestion to a request started in <paramref name="epoch"/>; halves the limit once per window.</summary>
    public LimitChange? Congested(long epoch)
    {
        lock (_gate)
        {
            if (epoch != _epoch)
            {
                return null;
            }

            _epoch++;
            _clean = 0;
            var from = _current;
            _current = System.Math.Max(_minimum, from / 2);
            return _current == from ? null : new LimitChange(from, _current);
        }
    }

    /// <summary>A request started in <paramref name="epoch"/> went through cleanly; a full clean window raises the limit by one.</summary>
    public LimitChange? Succeeded(long epoch)
    {
        lock (_gate)
        {
            if (epoch != _epoch || ++_clean < _current)
            {
                return null;
            }

            _clean = 0;
            if (_current >= _maximum)
            {
                return null;
            }

            _epoch++;
            _current++;
            return new LimitChange(_current - 1, _current);
        }
    }

    private static int Volatile(ref int value) => System.Threading.Volatile.Read(ref value);
}

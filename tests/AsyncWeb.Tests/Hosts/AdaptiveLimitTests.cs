using AsyncWeb.Hosts;
using Xunit;

namespace AsyncWeb.Tests.Hosts;

public class AdaptiveLimitTests
{
    [Fact]
    public void Starts_at_the_start_within_the_bounds()
    {
        Assert.Equal(16, new AdaptiveLimit(new AdaptiveThrottleSettings(16, 1, 32)).Current);
        Assert.Equal(32, new AdaptiveLimit(new AdaptiveThrottleSettings(64, 1, 32)).Current);
        Assert.Equal(4, new AdaptiveLimit(new AdaptiveThrottleSettings(2, 4, 32)).Current);
    }

    [Fact]
    public void Congestion_halves_the_limit_once_per_window()
    {
        var limit = new AdaptiveLimit(new AdaptiveThrottleSettings(32, 1, 32));
        var window = limit.Starting();

        var change = limit.Congested(window);
        Assert.Equal(32, change!.Value.From);
        Assert.Equal(16, change.Value.To);

        // The rest of that wave of 429s is the same congestion.
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(limit.Congested(window));
        }

        Assert.Equal(16, limit.Current);

        // A request started after the decrease that meets congestion halves it again.
        Assert.Equal(8, limit.Congested(limit.Starting())!.Value.To);
    }

    [Fact]
    public void Never_goes_below_the_minimum()
    {
        var limit = new AdaptiveLimit(new AdaptiveThrottleSettings(4, 3, 32));
        limit.Congested(limit.Starting());
        Assert.Equal(3, limit.Current);
        Assert.Null(limit.Congested(limit.Starting()));
        Assert.Equal(3, limit.Current);
    }

    [Fact]
    public void A_clean_window_raises_the_limit_by_one()
    {
        var limit = new AdaptiveLimit(new AdaptiveThrottleSettings(4, 1, 32));
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limit.Succeeded(limit.Starting()));
        }

        var change = limit.Succeeded(limit.Starting());
        Assert.Equal(5, change!.Value.To);

        // The next window is as long as the new limit.
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(limit.Succeeded(limit.Starting()));
        }

        Assert.Equal(6, limit.Succeeded(limit.Starting())!.Value.To);
    }

    [Fact]
    public void Successes_of_requests_from_before_a_decrease_do_not_count()
    {
        var limit = new AdaptiveLimit(new AdaptiveThrottleSettings(4, 1, 32));
        var old = limit.Starting();
        limit.Congested(old);
        Assert.Equal(2, limit.Current);
        Assert.Null(limit.Succeeded(old));
        Assert.Null(limit.Succeeded(old));
        Assert.Null(limit.Succeeded(old));
        Assert.Equal(2, limit.Current);
    }

    [Fact]
    public void Never_goes_above_the_maximum()
    {
        var limit = new AdaptiveLimit(new AdaptiveThrottleSettings(2, 1, 2));
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(limit.Succeeded(limit.Starting()));
        }

        Assert.Equal(2, limit.Current);
    }

    [Fact]
    public void Converges_to_a_sawtooth_below_what_a_host_allows()
    {
        // A host that refuses above 8 concurrent: a request started while 8 or fewer run succeeds. Under a full load
        // the limit climbs one per window to 9, is halved, and climbs again: it stays within [4, 9].
        var limit = new AdaptiveLimit(new AdaptiveThrottleSettings(32, 1, 32));
        var seen = new System.Collections.Generic.List<int>();
        for (var round = 0; round < 400; round++)
        {
            var current = limit.Current;
            var windows = new long[current];
            for (var i = 0; i < current; i++)
            {
                windows[i] = limit.Starting();
            }

            for (var i = 0; i < current; i++)
            {
                if (i < 8)
                {
                    limit.Succeeded(windows[i]);
                }
                else
                {
                    limit.Congested(windows[i]);
                }
            }

            if (round >= 50)
            {
                seen.Add(limit.Current);
            }
        }

        Assert.All(seen, l => Assert.InRange(l, 4, 9));
        Assert.Contains(9, seen);
    }
}

using AsyncWeb.Hosts;
using Xunit;

namespace AsyncWeb.Tests.Hosts;

public class PauseWindowTests
{
    [Fact]
    public void A_new_window_runs()
    {
        var window = new PauseWindow();
        Assert.False(window.IsPaused(100));
        Assert.Equal(0, window.PausedTime(100));
    }

    [Fact]
    public void A_pause_holds_until_its_end()
    {
        var window = new PauseWindow();
        Assert.True(window.Extend(100, 300));
        Assert.True(window.IsPaused(299));
        Assert.False(window.IsPaused(300));
        Assert.Equal(50, window.Remaining(250));
    }

    [Fact]
    public void A_pause_is_extended_never_shortened()
    {
        var window = new PauseWindow();
        window.Extend(100, 300);
        Assert.False(window.Extend(150, 250));
        Assert.Equal(300, window.Until);
        Assert.False(window.Extend(150, 400));
        Assert.Equal(400, window.Until);
    }

    [Fact]
    public void Paused_time_adds_up_over_several_pauses()
    {
        var window = new PauseWindow();
        var atStart = window.PausedTime(50);   // an item starts waiting at 50
        window.Extend(100, 300);               // 200 paused
        Assert.Equal(100, window.PausedTime(200) - atStart);
        window.Extend(500, 550);               // 50 more, after a gap
        Assert.Equal(250, window.PausedTime(600) - atStart);
        Assert.Equal(225, window.PausedTime(525) - atStart);
    }

    [Fact]
    public void An_item_that_starts_waiting_mid_pause_counts_only_the_rest()
    {
        var window = new PauseWindow();
        window.Extend(100, 300);
        var atStart = window.PausedTime(250);
        Assert.Equal(50, window.PausedTime(400) - atStart);
    }

    [Fact]
    public void A_new_pause_moves_the_generation_on_an_extension_keeps_it()
    {
        var window = new PauseWindow();
        Assert.Equal(0, window.Generation);
        window.Extend(100, 300);
        Assert.Equal(1, window.Generation);
        window.Extend(200, 400);   // extended while paused: the same pause
        Assert.Equal(1, window.Generation);
        window.Extend(500, 600);   // after it ended: a new one
        Assert.Equal(2, window.Generation);
    }
}

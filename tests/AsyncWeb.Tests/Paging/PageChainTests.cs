using System;
using System.Globalization;
using AsyncWeb.Paging;
using Xunit;

namespace AsyncWeb.Tests.Paging;

public class PageChainTests
{
    private static Uri Page(int cursor) => new("https://api.example.com/items?cursor=" + cursor.ToString(CultureInfo.InvariantCulture) + new string('c', 2000));

    [Fact]
    public void Unique_cursors_forever_keep_the_memory_of_links_bounded()
    {
        var chain = new PageChain(Page(0));

        for (var i = 1; i <= 20_000; i++)
        {
            Assert.True(chain.TryAdd(Page(i), i, out _));
        }

        Assert.Equal(PageChain.RecentLinks + 1, chain.Remembered);
        Assert.Equal(20_001, chain.Requested);
    }

    [Fact]
    public void A_loop_back_to_the_first_page_is_found_however_late()
    {
        var chain = new PageChain(Page(0));
        for (var i = 1; i <= 5_000; i++)
        {
            chain.TryAdd(Page(i), i, out _);
        }

        Assert.False(chain.TryAdd(Page(0), 5_001, out var earlier));
        Assert.Equal(0, earlier);
    }

    [Fact]
    public void A_loop_back_to_a_recent_page_is_found_and_one_further_back_is_not()
    {
        var chain = new PageChain(Page(0));
        for (var i = 1; i <= 5_000; i++)
        {
            chain.TryAdd(Page(i), i, out _);
        }

        Assert.False(chain.TryAdd(Page(5_000 - PageChain.RecentLinks + 1), 5_001, out var earlier));
        Assert.Equal(5_000 - PageChain.RecentLinks + 1, earlier);
        Assert.True(chain.TryAdd(Page(5_000 - PageChain.RecentLinks), 5_001, out _));   // forgotten: left to the page limit
    }
}

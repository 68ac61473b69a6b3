using System;
using AsyncWeb.Paging;
using Xunit;

namespace AsyncWeb.Tests.Paging;

public class PageNumbersTests
{
    private static Uri U(string text) => new(text);

    [Theory]
    [InlineData("https://a.example/items?page=7", 7L)]
    [InlineData("https://a.example/items?per_page=50&page=3&page=9", 3L)]
    [InlineData("https://a.example/items?pa%67e=4", 4L)]
    [InlineData("https://a.example/items", null)]
    [InlineData("https://a.example/items?page=", null)]
    [InlineData("https://a.example/items?page=x", null)]
    [InlineData("https://a.example/items?page=-1", null)]
    [InlineData("https://a.example/items?pages=2", null)]
    public void Reads_the_page_number_from_the_query(string uri, long? number) =>
        Assert.Equal(number, PageNumbers.Read(U(uri), "page"));

    [Theory]
    [InlineData("https://a.example/items?per_page=50&page=3", "https://a.example/items?per_page=50&page=12")]
    [InlineData("https://a.example/items?q=a%26b&page=1#top", "https://a.example/items?q=a%26b&page=12")]
    [InlineData("https://a.example/items", "https://a.example/items?page=12")]
    [InlineData("https://a.example/items?q=1", "https://a.example/items?q=1&page=12")]
    public void Sets_the_page_number_and_keeps_the_rest_of_the_query(string uri, string expected) =>
        Assert.Equal(expected, PageNumbers.With(U(uri), "page", 12).AbsoluteUri);

    [Fact]
    public void Next_and_last_links_that_differ_only_in_the_number_announce_the_pages_between()
    {
        var range = PageNumbers.FromLinks(U("https://a.example/items?per_page=2"), U("https://a.example/items?per_page=2&page=2"), U("https://a.example/items?page=7&per_page=2"), "page");
        Assert.NotNull(range);
        Assert.Equal(2, range!.First);
        Assert.Equal(7, range.Last);
        Assert.Equal(6, range.Count);
        Assert.Equal("https://a.example/items?per_page=2&page=5", range.UriOf(5).AbsoluteUri);
    }

    [Theory]
    [InlineData("https://a.example/i?page=1", "https://a.example/i?page=2", "https://a.example/i?page=7&extra=1")]   // more than the number differs
    [InlineData("https://a.example/i?page=1", "https://a.example/i?page=2", "https://b.example/i?page=7")]           // another host
    [InlineData("https://a.example/i?offset=0", "https://a.example/i?offset=20", "https://a.example/i?offset=140")]  // no page number at all
    [InlineData("https://a.example/i?page=3", "https://a.example/i?page=5", "https://a.example/i?page=9")]          // next is not the page after this one
    [InlineData("https://a.example/i?page=1", "https://a.example/i?page=2", "https://a.example/i?page=1")]          // last before next
    [InlineData("https://a.example/i", "https://a.example/i?page=0", "https://a.example/i?page=4")]                 // pages number from 1
    public void Anything_less_exact_is_followed_one_by_one(string current, string next, string last) =>
        Assert.Null(PageNumbers.FromLinks(U(current), U(next), U(last), "page"));

    [Theory]
    [InlineData("https://a.example/i", 137L, 20, 2L, 7L)]
    [InlineData("https://a.example/i?page=1", 140L, 20, 2L, 7L)]
    [InlineData("https://a.example/i?page=3", 140L, 20, 4L, 7L)]
    public void A_total_count_and_page_size_give_the_last_page(string first, long total, int size, long from, long to)
    {
        var range = PageNumbers.FromTotal(U(first), "page", total, size);
        Assert.NotNull(range);
        Assert.Equal(from, range!.First);
        Assert.Equal(to, range.Last);
    }

    [Theory]
    [InlineData("https://a.example/i", 0L)]
    [InlineData("https://a.example/i", 20L)]
    [InlineData("https://a.example/i?page=7", 140L)]
    public void A_first_page_that_is_already_the_last_has_no_more(string first, long total) =>
        Assert.Null(PageNumbers.FromTotal(U(first), "page", total, 20));
}

using System;
using System.Collections.Generic;
using AsyncWeb.Batch;
using AsyncWeb.Journal;
using AsyncWeb.Paging;
using AsyncWeb.Requests;
using AsyncWeb.Sending;
using Xunit;

namespace AsyncWeb.Tests.Paging;

public class PagePlannerTests
{
    private static readonly Uri s_first = new("https://api.example.com/items?per_page=2");

    private static PagePlanner Planner(bool followRelLink = true, string? nextLink = null, string? pageParameter = null, string? totalCount = null, int pageSize = 0, int? maximum = int.MaxValue, bool allowInsecure = false) =>
        new(PaginationOptions.Create(followRelLink, nextLink, pageParameter, totalCount, pageSize, maximum)!, new BatchOptions { AllowInsecureRedirect = allowInsecure });

    private static RequestSpec First(PagePlanner planner) =>
        planner.Start(new RequestSpec(7, s_first, HostKey.Of(s_first), "GET", "input") { SensitiveHeaders = new[] { new KeyValuePair<string, string>("Authorization", "Bearer t") } });

    private static WebBatchResult Page(RequestSpec spec, string? link = null, string? content = null) => new()
    {
        Index = spec.Index,
        PageIndex = spec.PageIndex,
        Uri = spec.Uri,
        FinalUri = spec.Uri,
        StatusCode = 200,
        Content = content,
        Headers = link is null
            ? WebBatchResult.EmptyHeaders
            : new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) { ["Link"] = new[] { link } },
    };

    [Fact]
    public void The_next_link_is_the_same_request_at_another_URI_one_page_on()
    {
        var planner = Planner();
        var first = First(planner);

        var followUp = planner.Plan(first, Page(first, "<?per_page=2&page=2>; rel=\"next\""));

        Assert.True(followUp.MorePages);
        var next = followUp.Next!;
        Assert.Equal(new Uri("https://api.example.com/items?per_page=2&page=2"), next.Uri);
        Assert.Equal(1, next.PageIndex);
        Assert.Equal(7, next.Index);
        Assert.Equal("input", next.Input);
        Assert.Same(first.SensitiveHeaders, next.SensitiveHeaders);
        Assert.True(Hop.First(next).SameOrigin);
    }

    [Fact]
    public void A_next_page_on_another_origin_gets_no_credentials()
    {
        var planner = Planner();
        var first = First(planner);
        var next = planner.Plan(first, Page(first, "<https://other.example.com/items?page=2>; rel=next")).Next!;

        Assert.Equal("other.example.com", next.HostKey);
        Assert.False(Hop.First(next).SameOrigin);
        var back = planner.Plan(next, Page(next, "<https://api.example.com/items?page=3>; rel=next")).Next!;
        Assert.True(Hop.First(back).SameOrigin);
    }

    [Fact]
    public void A_next_link_to_a_page_already_fetched_ends_the_pages_with_PaginationLoop()
    {
        var planner = Planner();
        var first = First(planner);
        var second = planner.Plan(first, Page(first, "</items?page=2>; rel=next")).Next!;

        var followUp = planner.Plan(second, Page(second, "<https://API.example.com:443/items?per_page=2#again>; rel=next"));

        Assert.Null(followUp.Next);
        Assert.True(followUp.MorePages);
        var failure = followUp.Failure!;
        Assert.Equal(ErrorIds.PaginationLoop, failure.Error!.ErrorId);
        Assert.Equal(7, failure.Index);
        Assert.Equal(2, failure.PageIndex);
        Assert.Contains("page 0", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaximumFollowRelLink_counts_the_first_page_and_ends_quietly_with_a_verbose_line()
    {
        var planner = Planner(maximum: 2);
        var first = First(planner);
        var second = planner.Plan(first, Page(first, "</items?page=2>; rel=next")).Next!;

        var followUp = planner.Plan(second, Page(second, "</items?page=3>; rel=next"));

        Assert.False(followUp.MorePages);
        Assert.Null(followUp.Failure);
        Assert.Contains("MaximumFollowRelLink", followUp.Verbose, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_page_ends_the_pages()
    {
        var planner = Planner();
        var first = First(planner);
        var failed = Page(first, "</items?page=2>; rel=next");
        failed.Error = new WebBatchError(ErrorIds.HttpStatus, FailureCategory.HttpStatus, "500");

        Assert.Same(PageFollowUp.Last, planner.Plan(first, failed));
    }

    [Theory]
    [InlineData("{\"next\":\"/items?page=2\"}", "https://api.example.com/items?page=2")]
    [InlineData("{\"next\":null}", null)]
    [InlineData("{\"next\":\"\"}", null)]
    [InlineData("{\"items\":[]}", null)]
    public void A_next_link_in_the_body_is_resolved_against_the_page_and_null_or_empty_ends(string body, string? expected)
    {
        var planner = Planner(followRelLink: false, nextLink: "next");
        var first = First(planner);

        Assert.Equal(expected, planner.Plan(first, Page(first, content: body)).Next?.Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("{\"next\":42}")]
    [InlineData("{\"next\":{\"href\":\"/x\"}}")]
    [InlineData("<html></html>")]
    [InlineData("{\"next\":\"ftp://api.example.com/x\"}")]
    [InlineData("{\"next\":\"http://[bad\"}")]
    public void A_next_link_that_is_no_usable_link_is_InvalidNextLink(string body)
    {
        var planner = Planner(followRelLink: false, nextLink: "next");
        var first = First(planner);

        Assert.Equal(ErrorIds.InvalidNextLink, planner.Plan(first, Page(first, content: body)).Failure!.Error!.ErrorId);
    }

    [Fact]
    public void A_next_link_from_HTTPS_to_HTTP_is_refused_unless_AllowInsecureRedirect()
    {
        var first = First(Planner());
        Assert.Equal(ErrorIds.InsecureRedirect, Planner().Plan(first, Page(first, "<http://api.example.com/items?page=2>; rel=next")).Failure!.Error!.ErrorId);
        Assert.NotNull(Planner(allowInsecure: true).Plan(first, Page(first, "<http://api.example.com/items?page=2>; rel=next")).Next);
    }

    [Fact]
    public void Next_and_last_links_with_the_page_parameter_fan_out_exactly_pages_two_to_last()
    {
        var planner = Planner(pageParameter: "page");
        var first = First(planner);

        var followUp = planner.Plan(first, Page(first, "</items?per_page=2&page=2>; rel=next, </items?per_page=2&page=6>; rel=last"));

        Assert.Equal(2, followUp.Range!.First);
        Assert.Equal(6, followUp.Range.Last);
        Assert.True(first.Chain!.FannedOut);
        Assert.Equal(5, first.Chain.FinalPageIndex);

        var scheduler = new PageScheduler();
        scheduler.Hold(followUp);
        var pages = new List<RequestSpec>();
        while (scheduler.Take(_ => true) is { } page)
        {
            pages.Add(page);
        }

        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, pages.ConvertAll(p => p.PageIndex));
        Assert.Equal(new[] { 2L, 3L, 4L, 5L, 6L }, pages.ConvertAll(p => PageNumbers.Read(p.Uri, "page")!.Value));
        Assert.Equal(0, scheduler.Count);

        // A numbered page ends nothing and starts nothing, whatever it says; only the last is the item's last result.
        Assert.True(planner.Plan(pages[0], Page(pages[0], "</items?page=99>; rel=next")).MorePages);
        Assert.Null(planner.Plan(pages[0], Page(pages[0], "</items?page=99>; rel=next")).Next);
        Assert.False(planner.Plan(pages[4], Page(pages[4])).MorePages);
    }

    [Fact]
    public void A_total_count_fans_out_up_to_MaximumFollowRelLink()
    {
        var planner = Planner(followRelLink: false, pageParameter: "page", totalCount: "meta.total", pageSize: 2, maximum: 3);
        var first = First(planner);

        var followUp = planner.Plan(first, Page(first, content: "{\"meta\":{\"total\":9}}"));

        Assert.Equal(2, followUp.Range!.First);
        Assert.Equal(3, followUp.Range.Last);
        Assert.Contains("4 announced", followUp.Verbose, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_count_and_without_links_to_follow_the_pages_end_with_InvalidTotalCount()
    {
        var planner = Planner(followRelLink: false, pageParameter: "page", totalCount: "meta.total", pageSize: 2);
        var first = First(planner);

        Assert.Equal(ErrorIds.InvalidTotalCount, planner.Plan(first, Page(first, content: "{\"meta\":{}}")).Failure!.Error!.ErrorId);
    }

    [Fact]
    public void A_scheduler_hands_out_only_pages_that_may_start()
    {
        var planner = Planner();
        var first = First(planner);
        var scheduler = new PageScheduler();
        scheduler.Hold(planner.Plan(first, Page(first, "<https://blocked.example/p2>; rel=next")));
        scheduler.Hold(PageFollowUp.Last);

        Assert.Equal(1, scheduler.Count);
        Assert.Null(scheduler.Take(spec => spec.HostKey != "blocked.example"));
        Assert.Equal(1, scheduler.Count);
        Assert.NotNull(scheduler.Take(_ => true));
        Assert.Equal(0, scheduler.Count);
    }

    [Fact]
    public void An_item_with_pages_is_done_once_its_last_page_to_end_ended_and_succeeded_only_when_all_did()
    {
        // -JournalPath records the item with the result that ends it: page 0 fans out to pages 1 to 3, which end in any order.
        var chain = new PageChain(s_first);
        chain.FanOut(3);

        Assert.Equal((false, true), chain.PageEnded(true));
        Assert.Equal((false, true), chain.PageEnded(true));
        Assert.Equal((false, false), chain.PageEnded(false));
        Assert.Equal((true, false), chain.PageEnded(true));
    }

    [Fact]
    public void A_next_page_carries_an_Idempotency_Key_of_its_own_derived_from_the_item_s()
    {
        var planner = Planner();
        var item = new RequestSpec(7, s_first, HostKey.Of(s_first), "POST", "input") { IdempotencyKey = "k0" };
        var first = planner.Start(item);

        var second = planner.Plan(first, Page(first, "<?per_page=2&page=2>; rel=\"next\"")).Next!;
        var third = planner.Plan(second, Page(second, "<?per_page=2&page=3>; rel=\"next\"")).Next!;

        Assert.Equal("k0", first.IdempotencyKey);
        Assert.Equal(ItemKeys.PageIdempotencyKey("k0", 1), second.IdempotencyKey);
        Assert.Equal(ItemKeys.PageIdempotencyKey("k0", 2), third.IdempotencyKey);
        Assert.NotEqual(second.IdempotencyKey, third.IdempotencyKey);
        Assert.NotSame(first.HostWait, second.HostWait);
    }

    [Fact]
    public void Without_MaximumFollowRelLink_a_next_link_past_the_default_most_pages_is_TooManyPages()
    {
        var planner = Planner(maximum: null);
        var page = First(planner);
        for (var n = 1; n < PaginationOptions.DefaultMaximumPages; n++)
        {
            page = planner.Plan(page, Page(page, "</items?cursor=" + n + ">; rel=next")).Next!;
        }

        var followUp = planner.Plan(page, Page(page, "</items?cursor=last>; rel=next"));

        Assert.Null(followUp.Next);
        Assert.Equal(ErrorIds.TooManyPages, followUp.Failure!.Error!.ErrorId);
        Assert.Equal(PaginationOptions.DefaultMaximumPages, followUp.Failure.PageIndex);
        Assert.Contains("item 7", followUp.Failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_MaximumFollowRelLink_the_pages_end_quietly_at_it()
    {
        var planner = Planner(maximum: 2);
        var first = First(planner);
        var second = planner.Plan(first, Page(first, "</items?cursor=1>; rel=next")).Next!;

        var followUp = planner.Plan(second, Page(second, "</items?cursor=2>; rel=next"));

        Assert.False(followUp.MorePages);
        Assert.Null(followUp.Failure);
    }

    [Theory]
    [InlineData("9223372036854775807", 1)]
    [InlineData("1000000000000000000", 1)]
    [InlineData("20002", 2)]
    public void Without_MaximumFollowRelLink_a_record_count_of_more_pages_than_the_default_is_refused_not_planned(string total, int pageSize)
    {
        var planner = Planner(followRelLink: false, pageParameter: "page", totalCount: "meta.total", pageSize: pageSize, maximum: null);
        var first = First(planner);

        var followUp = planner.Plan(first, Page(first, content: "{\"meta\":{\"total\":" + total + "}}"));

        Assert.Null(followUp.Range);
        Assert.Equal(ErrorIds.TooManyPages, followUp.Failure!.Error!.ErrorId);
        Assert.Equal(1, followUp.Failure.PageIndex);
        Assert.Contains("item 7", followUp.Failure.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, first.Chain!.Requested);
    }

    [Fact]
    public void With_MaximumFollowRelLink_a_huge_record_count_is_capped_to_it()
    {
        var planner = Planner(followRelLink: false, pageParameter: "page", totalCount: "meta.total", pageSize: 1, maximum: 5);
        var first = First(planner);

        var followUp = planner.Plan(first, Page(first, content: "{\"meta\":{\"total\":9223372036854775807}}"));

        Assert.Equal(2, followUp.Range!.First);
        Assert.Equal(5, followUp.Range.Last);
    }
}

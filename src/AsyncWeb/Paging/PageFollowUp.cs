using System.Collections.Generic;
using System.Globalization;
using AsyncWeb.Requests;

namespace AsyncWeb.Paging;

/// <summary>What follows a finished page of an item: nothing, the next page, numbered pages to fetch concurrently, or a failure in the next page's place.</summary>
internal sealed class PageFollowUp
{
    public static readonly PageFollowUp Last = new(false);
    public static readonly PageFollowUp NotLast = new(true);

    private PageFollowUp(bool morePages, RequestSpec? next = null, PageRange? range = null, RequestSpec? template = null, WebBatchResult? failure = null, string? verbose = null)
    {
        MorePages = morePages;
        Next = next;
        Range = range;
        Template = template;
        Failure = failure;
        Verbose = verbose;
    }

    /// <summary>True when another result of the same item follows this page's (for -Ordered).</summary>
    public bool MorePages { get; }

    /// <summary>The next page, fetched after this one.</summary>
    public RequestSpec? Next { get; }

    /// <summary>Numbered pages to fetch concurrently, with PageIndex 1 to Range.Count, built from <see cref="Template"/>.</summary>
    public PageRange? Range { get; }

    public RequestSpec? Template { get; }

    /// <summary>A result in the next page's place: the pages end with this error.</summary>
    public WebBatchResult? Failure { get; }

    /// <summary>A line for -Verbose (why the pages ended, or why they are not fetched concurrently).</summary>
    public string? Verbose { get; }

    public static PageFollowUp Ending(string? verbose) => verbose is null ? Last : new(false, verbose: verbose);

    public static PageFollowUp Following(RequestSpec next, string? verbose) => new(true, next: next, verbose: verbose);

    public static PageFollowUp FanningOut(PageRange range, RequestSpec template, string verbose) => new(true, range: range, template: template, verbose: verbose);

    public static PageFollowUp Failing(WebBatchResult failure) => new(true, failure: failure);
}

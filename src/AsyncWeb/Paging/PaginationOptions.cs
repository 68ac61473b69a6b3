using System;

namespace AsyncWeb.Paging;

/// <summary>
/// How the pages of an item are found: Link headers (-FollowRelLink), a link in the JSON body
/// (-NextLink), numbered pages (-PageParameter with rel="last", or with -TotalCount and -PageSize), and the
/// most pages per item (-MaximumFollowRelLink, the first page included, as Invoke-RestMethod counts). Built once
/// per batch; <see cref="Create"/> refuses combinations that cannot work.
/// </summary>
internal sealed class PaginationOptions
{
    /// <summary>
    /// Most pages per item when -MaximumFollowRelLink is not given: a bound a server cannot outgrow (unique cursors
    /// forever, a record count of 10^18). Reaching it is the item's TooManyPages error, never a silent end.
    /// </summary>
    public const int DefaultMaximumPages = 10_000;

    private PaginationOptions(bool followRelLink, JsonPath? nextLink, string? pageParameter, JsonPath? totalCount, int pageSize, int maximumPages, bool maximumGiven)
    {
        MaximumGiven = maximumGiven;
        FollowRelLink = followRelLink;
        NextLink = nextLink;
        PageParameter = pageParameter;
        TotalCount = totalCount;
        PageSize = pageSize;
        MaximumPages = maximumPages;
    }

    /// <summary>Follow Link: &lt;…&gt;; rel="next" headers.</summary>
    public bool FollowRelLink { get; }

    /// <summary>Where the JSON body names the next page, or null.</summary>
    public JsonPath? NextLink { get; }

    /// <summary>The query parameter that numbers pages, or null: then pages are only ever followed one by one.</summary>
    public string? PageParameter { get; }

    /// <summary>Where the first page's JSON body gives the number of records, or null.</summary>
    public JsonPath? TotalCount { get; }

    /// <summary>Records per page, with <see cref="TotalCount"/>.</summary>
    public int PageSize { get; }

    /// <summary>Most pages per item, the first included.</summary>
    public int MaximumPages { get; }

    /// <summary>True when -MaximumFollowRelLink set <see cref="MaximumPages"/>: reaching it ends the pages quietly, as Invoke-RestMethod does.</summary>
    public bool MaximumGiven { get; }

    /// <summary>
    /// The options, or null when no pagination was asked for; <paramref name="maximumPages"/> null for the default. Throws ArgumentException (the message names the
    /// parameters) for combinations that cannot work, and FormatException for a property path that cannot be read.
    /// </summary>
    public static PaginationOptions? Create(bool followRelLink, string? nextLink, string? pageParameter, string? totalCount, int pageSize, int? maximumPages)
    {
        if (totalCount is not null && (pageParameter is null || pageSize <= 0))
        {
            throw new ArgumentException("-TotalCount needs -PageParameter (the query parameter that numbers pages) and -PageSize (records per page)");
        }

        if (pageSize > 0 && totalCount is null)
        {
            throw new ArgumentException("-PageSize says how many records a page holds, for -TotalCount; give -TotalCount too");
        }

        if (pageParameter is not null && !followRelLink && totalCount is null)
        {
            throw new ArgumentException("-PageParameter numbers the pages that a rel=\"last\" link (-FollowRelLink) or -TotalCount announces; give one of them");
        }

        if (!followRelLink && nextLink is null && totalCount is null)
        {
            return null;
        }

        return new PaginationOptions(
            followRelLink,
            nextLink is null ? null : JsonPath.Parse(nextLink),
            pageParameter,
            totalCount is null ? null : JsonPath.Parse(totalCount),
            pageSize,
            maximumPages ?? DefaultMaximumPages,
            maximumPages is not null);
    }
}

using System;
using System.Management.Automation;
using AsyncWeb.Paging;
using AsyncWeb.Requests;

namespace AsyncWeb.Commands;

// The parameters of pagination, and how they become options. The engine does the work (PagePlanner,
// PageScheduler); this part only binds and refuses what cannot work.
public sealed partial class InvokeAsyncWebBatchCommand
{
    private bool _paginated;

    // ---- Pagination: every page is a result with the item's Index and its PageIndex ----

    /// <summary>Follow Link: &lt;…&gt;; rel="next" response headers, as Invoke-RestMethod -FollowRelLink does: each page is a result.</summary>
    [Parameter]
    [Alias("FL")]
    public SwitchParameter FollowRelLink { get; set; }

    /// <summary>Most pages per item, the first included (as Invoke-RestMethod counts); reaching it ends the pages quietly. Default: 10,000, and reaching that is the item's TooManyPages error.</summary>
    [Parameter]
    [Alias("ML")]
    [ValidateRange(1, int.MaxValue)]
    public int MaximumFollowRelLink { get; set; } = PaginationOptions.DefaultMaximumPages;

    /// <summary>Property path of the next page's link in a JSON body, e.g. 'next', 'links.next' or '@odata.nextLink'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NextLink { get; set; }

    /// <summary>The query parameter that numbers pages (from 1): when the first page reveals the last one, the rest are fetched concurrently.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PageParameter { get; set; }

    /// <summary>Property path of the number of records in the first page's JSON body, e.g. 'meta.total'; with -PageParameter and -PageSize.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TotalCount { get; set; }

    /// <summary>Records per page, with -TotalCount.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int PageSize { get; set; }

    /// <summary>
    /// The pagination options, or null without -FollowRelLink, -NextLink or -TotalCount. Combinations that
    /// cannot work (and pages saved to files, which would overwrite one another) stop the command before anything is sent.
    /// </summary>
    private PaginationOptions? PaginationParameters()
    {
        PaginationOptions? options = null;
        try
        {
            options = PaginationOptions.Create(FollowRelLink, NextLink, PageParameter, TotalCount, PageSize,
                MyInvocation.BoundParameters.ContainsKey(nameof(MaximumFollowRelLink)) ? MaximumFollowRelLink : null);
        }
        catch (FormatException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(invalid.Message, invalid), ErrorIds.InvalidPropertyPath, ErrorCategory.InvalidArgument, NextLink ?? TotalCount));
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(invalid, ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        if (options is not null && (OutFile is not null || OutDirectory is not null))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-FollowRelLink, -NextLink and -TotalCount make every page a result; they cannot be combined with -OutFile or -OutDirectory"),
                ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        _paginated = options is not null;
        return options;
    }

    /// <summary>An item with pages cannot go to a file (each page would overwrite the last): its error result, or null.</summary>
    private WebBatchResult? PaginatedDownload(long index, object? item, RequestSpec spec) =>
        spec.IsDownload && _paginated
            ? InvalidItem(index, item, new InvalidInputException(ErrorIds.InvalidOutFile,
                "an item whose pages are followed (-FollowRelLink, -NextLink, -TotalCount) cannot be downloaded: every page is a result; leave out its OutFile"))
            : null;
}

using System;
using System.Collections.Generic;
using System.Globalization;
using AsyncWeb.Batch;
using AsyncWeb.Hosts;
using AsyncWeb.Journal;
using AsyncWeb.Requests;
using AsyncWeb.Sending;

namespace AsyncWeb.Paging;

/// <summary>
/// Decides, from a finished page's result (its Link headers, its JSON body), what follows it (<see cref="PaginationOptions"/>).
/// Runs on the worker that fetched the page, so bodies are parsed off the pipeline thread; knows nothing of scheduling.
/// Next links are resolved against the page's final URI and may lead where a redirect may (<see cref="RedirectPolicy.Refusal"/>).
/// </summary>
internal sealed class PagePlanner
{
    private readonly PaginationOptions _options;
    private readonly BatchOptions _batch;

    public PagePlanner(PaginationOptions options, BatchOptions batch)
    {
        _options = options;
        _batch = batch;
    }

    /// <summary>The item's first request, with its pagination state.</summary>
    public RequestSpec Start(RequestSpec spec) => spec with { Chain = new PageChain(spec.Uri, spec.IdempotencyKey) };

    /// <summary>
    /// What follows <paramref name="page"/>. Never throws: an answer no rule below foresaw ends the item's pages with
    /// InvalidNextLink in the next page's place, as an unusable next link does, so the item still ends and the batch goes on.
    /// </summary>
    public PageFollowUp Plan(RequestSpec page, WebBatchResult result)
    {
        try
        {
            return PlanNext(page, result);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Fail(page, null, ErrorIds.InvalidNextLink, string.Create(CultureInfo.InvariantCulture,
                $"the page after page {page.PageIndex} could not be planned from its answer ({ex.GetType().Name}: {_batch.Redactor.RedactText(ex.Message)})"));
        }
    }

    // The chain (pages requested, links seen) changes only once nothing after it can fail, so a failure never leaves it counting a page that is not requested.
    private PageFollowUp PlanNext(RequestSpec page, WebBatchResult result)
    {
        var chain = page.Chain!;
        if (chain.FannedOut && page.PageIndex > 0)
        {
            // A numbered page: its siblings are already planned, whatever it says or however it failed.
            return page.PageIndex < chain.FinalPageIndex ? PageFollowUp.NotLast : PageFollowUp.Last;
        }

        if (result.Error is not null)
        {
            return PageFollowUp.Last;
        }

        var pageUri = result.FinalUri ?? page.Uri;
        string? why = null;
        if (page.PageIndex == 0)
        {
            var (fanOut, failure, reason) = TryFanOut(page, result, pageUri);
            if (fanOut is not null || failure is not null)
            {
                return fanOut ?? failure!;
            }

            why = reason;
        }

        var (link, invalid) = NextLink(page, result);
        if (invalid is not null)
        {
            return invalid;
        }

        if (link is null)
        {
            return PageFollowUp.Ending(why);
        }

        Uri next;
        try
        {
            next = RedirectPolicy.Resolve(pageUri, new Uri(link, UriKind.RelativeOrAbsolute));
        }
        catch (UriFormatException ex)
        {
            return Fail(page, null, ErrorIds.InvalidNextLink, $"page {page.PageIndex} links to a next page that is not a usable URI ({ex.Message}): {_batch.Redactor.RedactText(link)}");
        }

        if (RedirectPolicy.Refusal(pageUri, next, _batch.AllowInsecureRedirect, ErrorIds.InvalidNextLink, "next-page link") is { } refused)
        {
            return Fail(page, next, refused.ErrorId!, refused.Message!);
        }

        if (chain.Requested >= _options.MaximumPages)
        {
            return _options.MaximumGiven
                ? PageFollowUp.Ending(string.Create(CultureInfo.InvariantCulture,
                    $"{page.Label}: stopped after {chain.Requested} page(s) (MaximumFollowRelLink); the next would have been {_batch.Redactor.Redact(next)}"))
                : TooMany(page, next, string.Create(CultureInfo.InvariantCulture, $"page {page.PageIndex} links to page {chain.Requested + 1}"));
        }

        var nextPage = NextPage(page, next, page.PageIndex + 1);
        if (!chain.TryAdd(next, page.PageIndex + 1, out var earlier))
        {
            return Fail(page, next, ErrorIds.PaginationLoop, string.Create(CultureInfo.InvariantCulture,
                $"page {page.PageIndex} links to {_batch.Redactor.Redact(next)} as the next page, which was page {earlier} of this item: the pages loop"));
        }

        return PageFollowUp.Following(nextPage, why);
    }

    /// <summary>
    /// The request for page <paramref name="pageIndex"/> at <paramref name="uri"/>: the item's request (method, headers, body) at
    /// another URI. Its queue wait (QueueWaitMs) starts now, when the page becomes due, not when the item was received;
    /// its wait for a paused host (HostWaitMs) is its own. Under -IdempotencyKey its key is derived from the item's and
    /// its page number: a POST page must not be answered with the replay of another page.
    /// </summary>
    public static RequestSpec NextPage(RequestSpec page, Uri uri, int pageIndex)
    {
        var next = page with { Uri = uri, HostKey = HostKey.Of(uri), PageIndex = pageIndex, Received = System.Diagnostics.Stopwatch.GetTimestamp(), HostWait = new HostWaitClock() };
        next.IdempotencyKey = page.Chain?.IdempotencyKey is { } itemKey ? ItemKeys.PageIdempotencyKey(itemKey, pageIndex) : null;
        return next;
    }

    /// <summary>
    /// On the first page: the numbered pages still to come, when it says exactly which they are (-TotalCount, or
    /// rel="next" and rel="last" with -PageParameter); capped by -MaximumFollowRelLink.
    /// </summary>
    private (PageFollowUp? FanOut, PageFollowUp? Failure, string? Reason) TryFanOut(RequestSpec page, WebBatchResult result, Uri pageUri)
    {
        if (_options.PageParameter is not { } parameter)
        {
            return (null, null, null);
        }

        PageRange? range = null;
        string? reason = null;
        if (_options.TotalCount is { } totalPath)
        {
            var found = Read(result, totalPath);
            if (found.AsCount() is { } total)
            {
                try
                {
                    range = PageNumbers.FromTotal(pageUri, parameter, total, _options.PageSize);
                }
                catch (UriFormatException ex)
                {
                    return (null, Fail(page, null, ErrorIds.InvalidNextLink, $"page 0 announces {total} records, but the next page's URI is not usable ({ex.Message})"), null);
                }

                if (range is null)
                {
                    return (PageFollowUp.Last, null, null);
                }
            }
            else if (!_options.FollowRelLink && _options.NextLink is null)
            {
                return (null, Fail(page, null, ErrorIds.InvalidTotalCount, $"page 0 has no record count at '{totalPath}' (-TotalCount): {Describe(found)}"), null);
            }
            else
            {
                reason = $"{page.Label}: no record count at '{totalPath}' ({Describe(found)}); following next links one by one";
            }
        }

        if (range is null && _options.FollowRelLink)
        {
            var links = Values(result, "Link");
            if (LinkHeader.Find(links, "next") is { } nextText && LinkHeader.Find(links, "last") is { } lastText)
            {
                try
                {
                    range = PageNumbers.FromLinks(pageUri, RedirectPolicy.Resolve(pageUri, new Uri(nextText, UriKind.RelativeOrAbsolute)), RedirectPolicy.Resolve(pageUri, new Uri(lastText, UriKind.RelativeOrAbsolute)), parameter);
                }
                catch (UriFormatException)
                {
                    range = null;
                }

                reason ??= range is null ? $"{page.Label}: the rel=\"next\" and rel=\"last\" links differ in more than the page number '{parameter}'; following next links one by one" : null;
            }
        }

        if (range is null)
        {
            return (null, null, reason);
        }

        if (RedirectPolicy.Refusal(pageUri, range.Template, _batch.AllowInsecureRedirect, ErrorIds.InvalidNextLink, "next-page link") is { } refused)
        {
            return (null, Fail(page, range.Template, refused.ErrorId!, refused.Message!), null);
        }

        var room = _options.MaximumPages - 1;
        if (room <= 0)
        {
            return (PageFollowUp.Ending($"{page.Label}: stopped after 1 page (MaximumFollowRelLink); {range.Count} more announced"), null, null);
        }

        if (range.Count > room && !_options.MaximumGiven)
        {
            return (null, TooMany(page, null, string.Create(CultureInfo.InvariantCulture,
                $"page 0 announces {range.Count:N0} more pages ('{parameter}' {range.First:N0} to {range.Last:N0})")), null);
        }

        var capped = range.Count > room ? range with { Last = range.First + room - 1 } : range;
        try
        {
            // Every page's URI is built as it becomes due: the first and the last (the most digits) are checked now.
            _ = capped.UriOf(capped.First);
            _ = capped.UriOf(capped.Last);
        }
        catch (UriFormatException ex)
        {
            return (null, Fail(page, null, ErrorIds.InvalidNextLink, string.Create(CultureInfo.InvariantCulture,
                $"page 0 announces pages {capped.First} to {capped.Last} ('{parameter}'), whose URIs are not usable ({ex.Message})")), null);
        }

        page.Chain!.FanOut((int)capped.Count);
        return (PageFollowUp.FanningOut(capped, page, string.Create(CultureInfo.InvariantCulture,
            $"{page.Label}: pages {capped.First} to {capped.Last} ('{parameter}') fetched concurrently{(capped.Count < range.Count ? $" (MaximumFollowRelLink; {range.Count} announced)" : string.Empty)}")), null, null);
    }

    /// <summary>The next page's link as written, from the body (-NextLink) first, then the Link header (-FollowRelLink).</summary>
    private (string? Link, PageFollowUp? Invalid) NextLink(RequestSpec page, WebBatchResult result)
    {
        if (_options.NextLink is { } path && (result.Content is { Length: > 0 } || result.RawContent is { Length: > 0 }))
        {
            var found = Read(result, path);
            switch (found.Kind)
            {
                case JsonFoundKind.String when !string.IsNullOrEmpty(found.Text):
                    return (found.Text, null);
                case JsonFoundKind.NotJson:
                case JsonFoundKind.Number:
                case JsonFoundKind.Other:
                    return (null, Fail(page, null, ErrorIds.InvalidNextLink, $"page {page.PageIndex} has no next link at '{path}' (-NextLink): {Describe(found)}"));
            }
        }

        return (_options.FollowRelLink ? LinkHeader.Find(Values(result, "Link"), "next") : null, null);
    }

    private static JsonFound Read(WebBatchResult result, JsonPath path) =>
        result.Content is not null ? path.Find(result.Content)
        : result.RawContent is not null ? path.Find(result.RawContent)
        : new JsonFound(JsonFoundKind.Missing);

    private static string Describe(JsonFound found) => found.Kind switch
    {
        JsonFoundKind.Missing => "it is missing",
        JsonFoundKind.Null => "it is null",
        JsonFoundKind.NotJson => "the body is not JSON (" + found.Text + ")",
        JsonFoundKind.String => "it is the text '" + found.Text + "'",
        JsonFoundKind.Number => "it is the number " + found.Text,
        _ => "it is " + found.Text,
    };

    private static IEnumerable<string>? Values(WebBatchResult result, string header) =>
        result.HeldHeaders.TryGetValue(header, out var values) ? values : null;

    /// <summary>More pages than an item may have without -MaximumFollowRelLink: refused, never planned nor silently cut.</summary>
    private PageFollowUp TooMany(RequestSpec page, Uri? next, string what) => Fail(page, next, ErrorIds.TooManyPages, string.Create(CultureInfo.InvariantCulture,
        $"item {page.Index}: {what}, more than the {_options.MaximumPages:N0} pages an item may have by default; give -MaximumFollowRelLink to fetch that many (or only the first ones)"));

    /// <summary>The pages end with an error in the next page's place (its PageIndex), never sent.</summary>
    private PageFollowUp Fail(RequestSpec page, Uri? next, string errorId, string message) => PageFollowUp.Failing(new WebBatchResult
    {
        Index = page.Index,
        PageIndex = page.PageIndex + 1,
        Uri = next,
        Method = page.Method,
        Input = page.Input,
        Redactor = _batch.Redactor,
        Error = _batch.Redactor.Redact(new WebBatchError(errorId, FailureCategory.Protocol, message)),
        ItemKey = page.ItemKey,
    });
}

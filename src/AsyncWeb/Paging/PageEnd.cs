namespace AsyncWeb.Paging;

/// <summary>A page ended: its item's pages, the failure that takes the next page's place (if any), and whether the page succeeded.</summary>
internal sealed record PageEnd(PageChain Chain, WebBatchResult? Failure, bool Succeeded);

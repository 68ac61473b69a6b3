using AsyncWeb.Paging;

namespace AsyncWeb.Batch;

/// <summary>Something the pipeline thread must write: a finished result or a verbose line.</summary>
internal readonly struct EngineEvent
{
    public EngineEvent(WebBatchResult? result, string? verbose, bool morePages = false, PageEnd? page = null)
    {
        Result = result;
        Verbose = verbose;
        MorePages = morePages;
        Page = page;
    }

    public WebBatchResult? Result { get; }
    public string? Verbose { get; }

    /// <summary>True when more results of the same item follow (its next pages): -Ordered waits for them before the next item.</summary>
    public bool MorePages { get; }

    /// <summary>For a page's result: its item's pages, to tell (when the result is handed out) whether it ends the item.</summary>
    public PageEnd? Page { get; }
}

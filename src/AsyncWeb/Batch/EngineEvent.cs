using AsyncWeb.Paging;

namespace AsyncWeb.Batch;

/// <summary>Something the pipeline thread must write: a finished result, a stream's item, or a verbose line.</summary>
internal readonly struct EngineEvent
{
    public EngineEvent(WebBatchResult? result, string? verbose, bool morePages = false, PageEnd? page = null)
    {
        Result = result;
        Verbose = verbose;
        MorePages = morePages;
        Page = page;
        StreamItem = null;
        StreamCost = 0;
    }

    /// <summary>One unit of an open stream (-Stream), and the bytes it holds in the stream queue until taken.</summary>
    public EngineEvent(WebBatchStreamItem item, long cost)
    {
        Result = null;
        Verbose = null;
        MorePages = false;
        Page = null;
        StreamItem = item;
        StreamCost = cost;
    }

    public WebBatchResult? Result { get; }
    public string? Verbose { get; }

    /// <summary>An event, line or array element of an item's stream (-Stream); its item's result follows when the stream ends.</summary>
    public WebBatchStreamItem? StreamItem { get; }

    /// <summary>The bytes <see cref="StreamItem"/> counts against the stream queue's bound.</summary>
    public long StreamCost { get; }

    /// <summary>True when more results of the same item follow (its next pages): -Ordered waits for them before the next item.</summary>
    public bool MorePages { get; }

    /// <summary>For a page's result: its item's pages, to tell (when the result is handed out) whether it ends the item.</summary>
    public PageEnd? Page { get; }
}

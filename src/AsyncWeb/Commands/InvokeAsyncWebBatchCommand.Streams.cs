using System.Management.Automation;
using AsyncWeb.Batch;
using AsyncWeb.Requests;
using AsyncWeb.Streaming;

namespace AsyncWeb.Commands;

// Streams: responses that never end, emitted unit by unit while they are open. The engine does the work
// (StreamSession, StreamItemReader, the framers); this part binds and refuses what cannot work.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Emit each response's events, lines or array elements as they arrive (WebBatchStreamItem), then the item's result; per item: a Stream property.</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    /// <summary>How a streamed body is cut into items: Auto (from the Content-Type), ServerSentEvents, JsonLines, JsonSequence, Lines or JsonArray; implies -Stream. Per item: a StreamFormat property.</summary>
    [Parameter]
    public WebStreamFormat StreamFormat { get; set; }

    /// <summary>The largest event, line or array element of a stream, in bytes (default 16 MiB); a larger one ends the stream with StreamItemTooLarge.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaximumStreamItemBytes { get; set; } = BatchOptions.DefaultMaximumStreamItemBytes;

    /// <summary>
    /// The format every item streams in, or null when items are read whole: -Stream, or -StreamFormat without
    /// -Stream:$false. Pages and files cannot stream (a page's links are in the body; a file is the body).
    /// </summary>
    private WebStreamFormat? StreamParameters()
    {
        var bound = MyInvocation.BoundParameters;
        var streams = bound.ContainsKey(nameof(Stream)) ? Stream.IsPresent : bound.ContainsKey(nameof(StreamFormat));
        if (!streams)
        {
            return null;
        }

        if (_paginated)
        {
            Conflict("-Stream emits a response's items while it is open; it cannot be combined with -FollowRelLink, -NextLink or -TotalCount, which read each page whole to find the next");
        }

        if (OutFile is not null || OutDirectory is not null)
        {
            Conflict("-Stream emits the body as items; -OutFile and -OutDirectory write it to a file: choose one");
        }

        return StreamFormat;
    }

    /// <summary>An item that streams cannot have pages: its error result, or null.</summary>
    private WebBatchResult? PaginatedStream(long index, object? item, RequestSpec spec) =>
        spec.Stream is not null && _paginated
            ? InvalidItem(index, item, new InvalidInputException(ErrorIds.InvalidStreamFormat,
                "an item that streams (Stream) cannot have its pages followed (-FollowRelLink, -NextLink, -TotalCount): leave out its Stream"))
            : null;
}

using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Streaming;

namespace AsyncWeb.Batch;

/// <summary>
/// Streams (-Stream): the items of open responses reach the pipeline through the same queue as results, each
/// first entering the <see cref="StreamGate"/>, whose bound makes a slow pipeline slow the readers down.
/// An item leaves the gate when the pipeline thread takes it. Items are never reordered: each stream's items
/// keep their order, and precede their item's result.
/// </summary>
internal sealed partial class BatchEngine : IStreamSink
{
    private readonly StreamGate _streamGate;

    /// <summary>The most bytes of stream items that waited for the pipeline at once.</summary>
    public long PeakStreamQueueBytes => _streamGate.Peak;

    async ValueTask IStreamSink.PostAsync(WebBatchStreamItem item, CancellationToken token)
    {
        var cost = StreamGate.CostOf(item);
        await _streamGate.EnterAsync(cost, token).ConfigureAwait(false);
        _events.Enqueue(new EngineEvent(item, cost));
        Wake();
    }

    /// <summary>A stream item is taken by the pipeline thread: its bytes leave the queue.</summary>
    private void Taken(in EngineEvent raw)
    {
        if (raw.StreamItem is not null)
        {
            _streamGate.Leave(raw.StreamCost);
        }
    }
}

using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Streaming;

/// <summary>Where a stream's items go: to the pipeline, waiting (asynchronously) while too many bytes wait there already.</summary>
internal interface IStreamSink
{
    /// <summary>Hands one item over; completes once it is queued for the pipeline.</summary>
    ValueTask PostAsync(WebBatchStreamItem item, CancellationToken token);
}

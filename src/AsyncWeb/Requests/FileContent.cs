using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Requests;

/// <summary>
/// A file as a request body, read ahead: while one chunk goes to the network, the next is read from disk on
/// the thread pool, so disk and socket work at the same time (StreamContent reads, then sends, in turn).
/// Two pooled buffers whatever the file's size; Content-Length is the file's length, as StreamContent's.
/// </summary>
internal sealed class FileContent : HttpContent
{
    private const int ChunkSize = 256 * 1024;
    private readonly FileStream _file;

    public FileContent(FileStream file) => _file = file;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeAsync(stream, CancellationToken.None);

#if NET
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        SerializeAsync(stream, cancellationToken);
#endif

    protected override bool TryComputeLength(out long length)
    {
        length = _file.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task SerializeAsync(Stream stream, CancellationToken cancellationToken)
    {
        // From the start every time the body is sent, as StreamContent does with a seekable stream.
        _file.Position = 0;
        var current = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var reading = ReadAsync(current);
        try
        {
            while (true)
            {
                var n = await reading.ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                reading = ReadAsync(next);
                await stream.WriteAsync(current, 0, n, cancellationToken).ConfigureAwait(false);
                (current, next) = (next, current);
            }
        }
        finally
        {
            // A buffer goes back to the pool only when no read still fills it.
            try
            {
                await reading.ConfigureAwait(false);
            }
            catch (Exception) when (!reading.IsCompletedSuccessfully)
            {
                // Already surfaced by the loop, or superseded by the exception leaving it.
            }

            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    // A plain read on a pool thread: the file stream's own ReadAsync would queue one more work item to do it.
    private Task<int> ReadAsync(byte[] buffer) => Task.Run(() => _file.Read(buffer, 0, ChunkSize));
}

using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Requests;

/// <summary>
/// A file as a request body, in chunks of 256 KiB: each is read on the sending thread, then written whole. A
/// read of the page cache costs less than handing it to another thread, and the kernel reads ahead of a
/// sequential scan (<see cref="FileOptions.SequentialScan"/>), so the disk keeps ahead of the socket without a
/// read-ahead of ours. One pooled buffer whatever the file's size; Content-Length is the file's length, as
/// StreamContent's.
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
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int n;
            while ((n = _file.Read(buffer, 0, ChunkSize)) > 0)
            {
                await stream.WriteAsync(buffer, 0, n, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

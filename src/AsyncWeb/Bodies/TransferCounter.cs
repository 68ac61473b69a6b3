using System.Threading;

namespace AsyncWeb.Bodies;

/// <summary>Body bytes moved by the requests of a batch so far, one counter per direction (received, sent): for progress; thread-safe.</summary>
internal sealed class TransferCounter
{
    private long _bytes;

    public long Value => Interlocked.Read(ref _bytes);

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
}

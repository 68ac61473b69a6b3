using System.Threading;

namespace AsyncWeb.Bodies;

/// <summary>Body bytes received by every request of a batch so far (for progress); thread-safe.</summary>
internal sealed class ByteCounter
{
    private long _bytes;

    public long Value => Interlocked.Read(ref _bytes);

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
}

using System;

namespace AsyncWeb.Tracing;

/// <summary>Random non-zero ids for spans and traces: uniqueness, not secrecy, is what W3C Trace Context asks of them, so a fast generator.</summary>
internal static class SpanIds
{
#if !NET
    // A generator per thread, each seeded from a new GUID: seeds derived from a counter or thread id collide across threads.
    [ThreadStatic]
    private static Random? t_random;
#endif

    /// <summary>A random id, never 0 (the all-zero id is invalid).</summary>
    public static ulong Next()
    {
        ulong id;
        do
        {
#if NET
            id = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
#else
            var random = t_random ??= new Random(Guid.NewGuid().GetHashCode());
            id = ((ulong)(uint)random.Next() << 33) ^ ((ulong)(uint)random.Next() << 11) ^ (uint)random.Next();
#endif
        }
        while (id == 0);
        return id;
    }

    /// <summary>A new trace id: 32 lower-case hex digits.</summary>
    public static string NewTraceId() => TraceParent.Hex(Next()) + TraceParent.Hex(Next());
}

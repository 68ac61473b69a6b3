using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;
using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

/// <summary>
/// The hot path allocates per unit (its string and object), not per chunk or byte: the same body fed in 64 KiB
/// chunks, 7-byte chunks and byte by byte allocates the same, about the size of the units it yields.
/// </summary>
public sealed class FramingAllocationTests
{
    private const int Units = 20_000;

    public static TheoryData<WebStreamFormat> Formats => new()
    {
        WebStreamFormat.Lines,
        WebStreamFormat.JsonLines,
        WebStreamFormat.ServerSentEvents,
        WebStreamFormat.JsonSequence,
        WebStreamFormat.JsonArray,
        WebStreamFormat.Auto,
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Allocation_follows_the_units_not_the_chunks(WebStreamFormat format)
    {
        var body = Body(format);
        var units = new CountingCollection();
        Measure(format, body, 65536, units); // JIT, statics and the buffers' first growth are not the subject.

        var large = Measure(format, body, 65536, units);
        var small = Measure(format, body, 7, units);
        var single = Measure(format, body, 1, units);

        Assert.Equal(Units, units.Count);
        // Each unit: its strings (~22 + 2 per character, about 40 characters), and nothing else but the buffers' growth.
        var perUnit = (double)large / Units;
        Assert.True(perUnit < 200, $"{format}: {perUnit:F0} bytes allocated per unit fed in 64 KiB chunks");
        Assert.True(large < units.StringBytes + 16_384, $"{format}: {large} bytes allocated for units whose strings take {units.StringBytes}");
        Assert.True(small < large + 16_384, $"{format}: {small} bytes in 7-byte chunks against {large} in 64 KiB chunks");
        Assert.True(single < large + 16_384, $"{format}: {single} bytes byte by byte against {large} in 64 KiB chunks");
    }

    private static long Measure(WebStreamFormat format, byte[] body, int chunkSize, CountingCollection units)
    {
        var framer = StreamFramer.Create(format, 1 << 20, null);
        units.Count = 0;
        units.StringBytes = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var start = 0; start < body.Length; start += chunkSize)
        {
            framer.Feed(body.AsSpan(start, Math.Min(chunkSize, body.Length - start)), units);
        }

        framer.Complete(units);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] Body(WebStreamFormat format)
    {
        var text = new StringBuilder();
        text.Append(format is WebStreamFormat.JsonArray or WebStreamFormat.Auto ? "[" : string.Empty);
        for (var i = 0; i < Units; i++)
        {
            var element = $"{{\"id\":{i},\"name\":\"item-{i}\",\"ok\":true}}";
            text.Append(format switch
            {
                WebStreamFormat.ServerSentEvents => $"event: item\nid: {i}\ndata: {element}\n\n",
                WebStreamFormat.JsonSequence => $"\u001e{element}\n",
                WebStreamFormat.JsonArray or WebStreamFormat.Auto => (i == 0 ? string.Empty : ",\n ") + element,
                _ => element + "\r\n",
            });
        }

        text.Append(format is WebStreamFormat.JsonArray or WebStreamFormat.Auto ? "]" : string.Empty);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Counts units without holding them, so the list's own growth is not measured.</summary>
    private sealed class CountingCollection : ICollection<StreamUnit>
    {
        public int Count { get; set; }

        /// <summary>The size of the strings the units hold (the event name is shared, not counted): what framing must allocate.</summary>
        public long StringBytes { get; set; }

        public bool IsReadOnly => false;

        public void Add(StreamUnit item)
        {
            Count++;
            StringBytes += SizeOf(item.Data) + SizeOf(item.Id);
        }

        /// <summary>A string's size on the heap on 64-bit: header, method table, length, the characters and a terminator, in 8-byte steps.</summary>
        private static long SizeOf(string? text) => string.IsNullOrEmpty(text) ? 0 : (22 + (2L * text.Length) + 7) / 8 * 8;

        public void Clear() => Count = 0;

        public bool Contains(StreamUnit item) => false;

        public void CopyTo(StreamUnit[] array, int arrayIndex)
        {
        }

        public bool Remove(StreamUnit item) => false;

        public IEnumerator<StreamUnit> GetEnumerator() => throw new NotSupportedException();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

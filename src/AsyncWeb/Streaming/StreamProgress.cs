using System;
using System.Diagnostics;

namespace AsyncWeb.Streaming;

/// <summary>What one item's stream has delivered so far, across the reconnections of an event stream.</summary>
internal sealed class StreamProgress
{
    private readonly long _answered;
    private long _firstItem;

    public StreamProgress(WebStreamFormat format)
    {
        Format = format;
        _answered = Stopwatch.GetTimestamp();
    }

    /// <summary>The format the stream is cut by, as the framer was chosen (Auto: JSON values, or an array's elements).</summary>
    public WebStreamFormat Format { get; }

    /// <summary>Items handed to the pipeline; the last one's Sequence.</summary>
    public long Items { get; private set; }

    /// <summary>Body bytes read (after decoding), every connection's.</summary>
    public long Bytes { get; set; }

    /// <summary>From the first response's headers to the first item; null before one.</summary>
    public TimeSpan? TimeToFirstItem => _firstItem == 0 ? null : Stopwatch.GetElapsedTime(_answered, _firstItem);

    /// <summary>Counts one more item and answers its sequence number (from 1).</summary>
    public long Next()
    {
        if (Items == 0)
        {
            _firstItem = Stopwatch.GetTimestamp();
        }

        return ++Items;
    }
}

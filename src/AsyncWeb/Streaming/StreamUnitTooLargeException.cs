using System;

namespace AsyncWeb.Streaming;

/// <summary>A unit (event, line, record or element) grew past the maximum size; thrown as soon as it does, before buffering more.</summary>
internal sealed class StreamUnitTooLargeException : Exception
{
    public StreamUnitTooLargeException(string unitKind, long maximumUnitBytes)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"A streamed {unitKind} is larger than the maximum of {maximumUnitBytes} bytes."))
    {
        UnitKind = unitKind;
        MaximumUnitBytes = maximumUnitBytes;
    }

    /// <summary>What was too large: "event", "line", "record" or "element".</summary>
    public string UnitKind { get; }

    /// <summary>The limit that was passed, in bytes.</summary>
    public long MaximumUnitBytes { get; }
}

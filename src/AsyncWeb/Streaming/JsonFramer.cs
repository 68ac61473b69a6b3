using System;
using System.Collections.Generic;
using System.Text;

namespace AsyncWeb.Streaming;

/// <summary>
/// What the JSON formats share: cutting one value out of the chunks with <see cref="JsonValueScanner"/>. A value
/// wholly inside a chunk is decoded from it; one that spans chunks is copied, up to the limit and no further.
/// </summary>
internal abstract class JsonFramer : StreamFramer
{
    private readonly UnitBuffer _pending = new();
    private JsonValueScanner _scanner;

    protected JsonFramer(int maximumUnitBytes)
        : base(maximumUnitBytes)
    {
    }

    /// <summary>What a value is called in errors.</summary>
    protected abstract string UnitKind { get; }

    /// <summary>True while a value has begun and not ended.</summary>
    protected bool InValue => _scanner.InValue;

    /// <summary>True while the value in progress is a bare scalar (only a delimiter or the end of the body ends it).</summary>
    protected bool InScalar => _scanner.InScalar;

    /// <summary>
    /// Reads a value from the start of <paramref name="chunk"/> (which begins one when none is in progress); when it
    /// ends there, adds it to <paramref name="output"/> and returns the bytes it took, else holds them and returns -1.
    /// </summary>
    protected int ReadValue(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        var end = _scanner.Scan(chunk);
        if (end < 0)
        {
            Hold(chunk);
            return -1;
        }

        if (_pending.Length == 0)
        {
            if (end > MaximumUnitBytes)
            {
                throw new StreamUnitTooLargeException(UnitKind, MaximumUnitBytes);
            }

            output.Add(new StreamUnit(Encoding.UTF8.GetString(chunk.Slice(0, end))));
        }
        else
        {
            Hold(chunk.Slice(0, end));
            output.Add(new StreamUnit(_pending.Decode(_pending.Length)));
            _pending.Clear();
        }

        return end;
    }

    /// <summary>The body ended: emits a bare scalar in progress and returns true, or returns false when a value was cut off.</summary>
    protected bool EndValueAtBodyEnd(ICollection<StreamUnit> output)
    {
        var inScalar = InScalar;
        if (!_scanner.EndAtBodyEnd())
        {
            _pending.Clear();
            return false;
        }

        if (inScalar)
        {
            output.Add(new StreamUnit(_pending.Decode(_pending.Length)));
            _pending.Clear();
        }

        return true;
    }

    /// <summary>Drops a value in progress (it was cut off).</summary>
    protected void DiscardValue()
    {
        _scanner = default;
        _pending.Clear();
    }

    private void Hold(ReadOnlySpan<byte> part)
    {
        if ((long)_pending.Length + part.Length > MaximumUnitBytes)
        {
            throw new StreamUnitTooLargeException(UnitKind, MaximumUnitBytes);
        }

        _pending.Append(part);
    }
}

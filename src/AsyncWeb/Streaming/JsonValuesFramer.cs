using System;
using System.Collections.Generic;

namespace AsyncWeb.Streaming;

/// <summary>
/// JSON bodies when the format is chosen from the Content-Type: a body that starts with '[' streams its elements
/// (<see cref="JsonArrayFramer"/>); any other body streams each top-level JSON value as it ends, so one object is
/// one unit and a Kubernetes-style watch (objects one after another) is one unit per object.
/// </summary>
internal sealed class JsonValuesFramer : JsonFramer
{
    private JsonArrayFramer? _array;
    private bool _decided;

    public JsonValuesFramer(int maximumUnitBytes)
        : base(maximumUnitBytes)
    {
    }

    protected override string UnitKind => _array is null ? "value" : "element";

    protected override void FeedCore(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        if (_array is not null)
        {
            _array.Feed(chunk, output);
            return;
        }

        while (!chunk.IsEmpty)
        {
            if (!InValue)
            {
                chunk = SkipJsonWhitespace(chunk);
                if (chunk.IsEmpty)
                {
                    return;
                }

                if (!_decided)
                {
                    _decided = true;
                    if (chunk[0] == (byte)'[')
                    {
                        _array = new JsonArrayFramer(MaximumUnitBytes);
                        _array.Feed(chunk, output);
                        return;
                    }
                }

                if (!JsonValueScanner.CanStartValue(chunk[0]))
                {
                    throw StreamFormatException.At("The body is not a sequence of JSON values", chunk);
                }
            }

            var taken = ReadValue(chunk, output);
            if (taken < 0)
            {
                return;
            }

            chunk = chunk.Slice(taken);
        }
    }

    protected override void CompleteCore(ICollection<StreamUnit> output)
    {
        if (_array is not null)
        {
            _array.Complete(output);
        }
        else if (!EndValueAtBodyEnd(output))
        {
            throw new StreamFormatException("The body ended inside a JSON value (truncated).");
        }
    }
}

using System;
using System.Collections.Generic;

namespace AsyncWeb.Streaming;

/// <summary>
/// The elements of a top-level JSON array, each unit the raw JSON text of one element, emitted as soon as it
/// ends. Memory holds at most one element: a 1 GiB array streams in flat memory. Anything but one array
/// (another top-level value, a missing comma, data after the ']', a body that ends inside) is a <see cref="StreamFormatException"/>.
/// </summary>
internal sealed class JsonArrayFramer : JsonFramer
{
    private State _state;

    public JsonArrayFramer(int maximumUnitBytes)
        : base(maximumUnitBytes)
    {
    }

    private enum State
    {
        BeforeArray,
        BeforeFirstElement,
        BeforeElement,
        InElement,
        AfterElement,
        AfterArray,
    }

    protected override string UnitKind => "element";

    protected override void FeedCore(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        while (!chunk.IsEmpty)
        {
            if (_state == State.InElement)
            {
                var taken = ReadValue(chunk, output);
                if (taken < 0)
                {
                    return;
                }

                chunk = chunk.Slice(taken);
                _state = State.AfterElement;
                continue;
            }

            chunk = SkipJsonWhitespace(chunk);
            if (chunk.IsEmpty)
            {
                return;
            }

            var b = chunk[0];
            _state = (_state, b) switch
            {
                (State.BeforeArray, (byte)'[') => State.BeforeFirstElement,
                (State.BeforeArray, _) => throw StreamFormatException.At("The body is not a JSON array: it does not start with '['", chunk),
                (State.BeforeFirstElement, (byte)']') => State.AfterArray,
                (State.BeforeFirstElement or State.BeforeElement, _) when JsonValueScanner.CanStartValue(b) => State.InElement,
                (State.BeforeFirstElement or State.BeforeElement, _) => throw StreamFormatException.At("A JSON array element is missing", chunk),
                (State.AfterElement, (byte)',') => State.BeforeElement,
                (State.AfterElement, (byte)']') => State.AfterArray,
                (State.AfterElement, _) => throw StreamFormatException.At("A JSON array element is not followed by ',' or ']'", chunk),
                _ => throw StreamFormatException.At("The body goes on after the JSON array's closing ']'", chunk),
            };

            if (_state != State.InElement)
            {
                chunk = chunk.Slice(1);
            }
        }
    }

    protected override void CompleteCore(ICollection<StreamUnit> output)
    {
        if (_state == State.BeforeArray)
        {
            throw new StreamFormatException("The body is empty, not a JSON array.");
        }

        if (_state != State.AfterArray)
        {
            DiscardValue();
            throw new StreamFormatException("The body ended inside the JSON array, before its closing ']' (truncated).");
        }
    }
}

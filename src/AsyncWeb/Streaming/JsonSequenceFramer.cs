using System;
using System.Collections.Generic;

namespace AsyncWeb.Streaming;

/// <summary>
/// JSON text sequences (RFC 7464): each record is RS (0x1E), one JSON text, and LF. A record is emitted as soon as
/// its text ends, not at the next RS. A body that does not start with RS, two texts in one record, or a text
/// that an RS or the end of the body cuts off (a bare number must be followed by whitespace) is a
/// <see cref="StreamFormatException"/>.
/// </summary>
internal sealed class JsonSequenceFramer : JsonFramer
{
    private const byte RecordSeparator = 0x1E;

    private State _state;

    public JsonSequenceFramer(int maximumUnitBytes)
        : base(maximumUnitBytes)
    {
    }

    private enum State
    {
        BeforeRecord,
        BeforeText,
        InText,
        AfterText,
    }

    protected override string UnitKind => "record";

    protected override void FeedCore(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        while (!chunk.IsEmpty)
        {
            if (_state == State.InText)
            {
                var separator = chunk.IndexOf(RecordSeparator);
                var taken = separator == 0 ? -1 : ReadValue(separator < 0 ? chunk : chunk.Slice(0, separator), output);
                if (taken < 0)
                {
                    if (separator < 0)
                    {
                        return;
                    }

                    DiscardValue();
                    throw StreamFormatException.At("A json-seq record was cut off by the next RS", chunk.Slice(separator));
                }

                chunk = chunk.Slice(taken);
                _state = State.AfterText;
                continue;
            }

            chunk = SkipJsonWhitespace(chunk);
            if (chunk.IsEmpty)
            {
                return;
            }

            var b = chunk[0];
            if (b == RecordSeparator)
            {
                _state = State.BeforeText;
                chunk = chunk.Slice(1);
                continue;
            }

            _state = _state switch
            {
                State.BeforeText when JsonValueScanner.CanStartValue(b) => State.InText,
                State.BeforeRecord => throw StreamFormatException.At("A json-seq record does not start with RS (0x1E)", chunk),
                State.AfterText => throw StreamFormatException.At("A json-seq record holds more than one JSON text", chunk),
                _ => throw StreamFormatException.At("A json-seq record does not hold a JSON text", chunk),
            };
        }
    }

    protected override void CompleteCore(ICollection<StreamUnit> output)
    {
        if (_state == State.InText)
        {
            DiscardValue();
            throw new StreamFormatException("The body ended inside a json-seq record (truncated).");
        }
    }
}

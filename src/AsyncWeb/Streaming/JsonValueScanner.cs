using System;

namespace AsyncWeb.Streaming;

/// <summary>
/// Finds where one JSON value ends, across chunks, without parsing it: it tracks only strings, escapes and the
/// nesting depth of [ ] { }, so its state is a few fields whatever the value's size. A container or string ends
/// at its closing character; a bare scalar (number, true, false, null) ends before the first whitespace or
/// structural character. The value itself is checked by whoever parses it.
/// </summary>
internal struct JsonValueScanner
{
    private static readonly byte[] s_scalarEnd = " \t\r\n,]}[{\"\u001e"u8.ToArray();

    private int _depth;
    private bool _inString;
    private bool _escaped;
    private bool _scalar;

    /// <summary>True between the first byte of a value and its end.</summary>
    public bool InValue { get; private set; }

    /// <summary>True while the value is a bare scalar, which only the next delimiter (or the end of the body) ends.</summary>
    public readonly bool InScalar => InValue && _scalar;

    /// <summary>Whether a value can start with <paramref name="b"/> (anything but a delimiter JSON puts between values).</summary>
    public static bool CanStartValue(byte b) => b != (byte)',' && b != (byte)']' && b != (byte)'}' && b != (byte)':';

    /// <summary>
    /// Scans from the start of <paramref name="span"/>, which begins a value when none is in progress. Returns how
    /// many bytes of <paramref name="span"/> belong to the value when it ends in it, or -1 when all of them do
    /// and the value goes on.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> span)
    {
        var i = 0;
        if (!InValue)
        {
            InValue = true;
            _depth = 0;
            _escaped = false;
            _inString = false;
            _scalar = false;
            var first = span[0];
            if (first == (byte)'"')
            {
                _inString = true;
                i = 1;
            }
            else if (first == (byte)'[' || first == (byte)'{')
            {
                _depth = 1;
                i = 1;
            }
            else
            {
                _scalar = true;
                i = 1;
            }
        }

        if (_scalar)
        {
            var end = span.Slice(i).IndexOfAny(s_scalarEnd);
            if (end < 0)
            {
                return -1;
            }

            InValue = false;
            return i + end;
        }

        while (i < span.Length)
        {
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                    i++;
                    continue;
                }

                var special = span.Slice(i).IndexOfAny((byte)'"', (byte)'\\');
                if (special < 0)
                {
                    return -1;
                }

                i += special + 1;
                if (span[i - 1] == (byte)'\\')
                {
                    _escaped = true;
                    continue;
                }

                _inString = false;
                if (_depth == 0)
                {
                    InValue = false;
                    return i;
                }

                continue;
            }

            // Between strings, JSON's structure is short (a colon, a comma, a number): a byte loop beats a search per token.
            var c = span[i++];
            switch (c)
            {
                case (byte)'"':
                    _inString = true;
                    break;
                case (byte)'[':
                case (byte)'{':
                    _depth++;
                    break;
                case (byte)']':
                case (byte)'}':
                    if (--_depth == 0)
                    {
                        InValue = false;
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }

    /// <summary>The body ended: a bare scalar ends with it; returns false when a string or container is cut off.</summary>
    public bool EndAtBodyEnd()
    {
        if (!InValue)
        {
            return true;
        }

        InValue = false;
        return _scalar;
    }
}

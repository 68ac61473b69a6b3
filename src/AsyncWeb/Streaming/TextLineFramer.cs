using System;
using System.Collections.Generic;
using System.Text;

namespace AsyncWeb.Streaming;

/// <summary>
/// Lines (LF or CRLF; a lone CR is text): each line is a unit. JSON lines skip blank lines (only whitespace);
/// plain lines keep them. A last line without a line end is a unit too.
/// </summary>
internal sealed class TextLineFramer : LineFramer
{
    private readonly bool _skipBlankLines;

    public TextLineFramer(int maximumUnitBytes, bool skipBlankLines)
        : base(maximumUnitBytes, maximumUnitBytes, crEndsLine: false)
    {
        _skipBlankLines = skipBlankLines;
    }

    protected override string UnitKind => "line";

    protected override void OnLine(ReadOnlySpan<byte> line, ICollection<StreamUnit> output)
    {
        if (_skipBlankLines && SkipJsonWhitespace(line).IsEmpty)
        {
            return;
        }

        output.Add(new StreamUnit(line.IsEmpty ? string.Empty : Encoding.UTF8.GetString(line)));
    }

    protected override void OnUnterminatedLine(ReadOnlySpan<byte> line, ICollection<StreamUnit> output) => OnLine(line, output);
}

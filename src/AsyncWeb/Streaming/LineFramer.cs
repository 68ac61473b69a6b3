using System;
using System.Collections.Generic;

namespace AsyncWeb.Streaming;

/// <summary>
/// Cuts bytes into lines: LF and CRLF end a line, and with <c>crEndsLine</c> a lone CR too (server-sent events),
/// where a CR ending one chunk and an LF starting the next are one line end. Lines wholly inside a chunk are
/// handed on as slices of it; only a line that spans chunks is copied.
/// </summary>
internal abstract class LineFramer : StreamFramer
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private readonly UnitBuffer _pending = new();
    private readonly bool _crEndsLine;
    private readonly int _maximumLineBytes;
    private bool _skipLf;

    protected LineFramer(int maximumUnitBytes, int maximumLineBytes, bool crEndsLine)
        : base(maximumUnitBytes)
    {
        _maximumLineBytes = maximumLineBytes;
        _crEndsLine = crEndsLine;
    }

    /// <summary>What a line is called in errors.</summary>
    protected abstract string UnitKind { get; }

    /// <summary>One whole line, without its line end.</summary>
    protected abstract void OnLine(ReadOnlySpan<byte> line, ICollection<StreamUnit> output);

    /// <summary>The body ended with this line unterminated (never empty).</summary>
    protected abstract void OnUnterminatedLine(ReadOnlySpan<byte> line, ICollection<StreamUnit> output);

    protected override void FeedCore(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        while (!chunk.IsEmpty)
        {
            if (_skipLf)
            {
                _skipLf = false;
                if (chunk[0] == Lf)
                {
                    chunk = chunk.Slice(1);
                    continue;
                }
            }

            var end = _crEndsLine ? chunk.IndexOfAny(Cr, Lf) : chunk.IndexOf(Lf);
            if (end < 0)
            {
                Hold(chunk);
                return;
            }

            ReadOnlySpan<byte> line;
            if (_pending.Length == 0)
            {
                line = chunk.Slice(0, end);
            }
            else
            {
                Hold(chunk.Slice(0, end));
                line = _pending.Span;
            }

            if (_crEndsLine)
            {
                _skipLf = chunk[end] == Cr;
            }
            else if (!line.IsEmpty && line[line.Length - 1] == Cr)
            {
                line = line.Slice(0, line.Length - 1);
            }

            if (line.Length > _maximumLineBytes)
            {
                throw new StreamUnitTooLargeException(UnitKind, MaximumUnitBytes);
            }

            OnLine(line, output);
            _pending.Clear();
            chunk = chunk.Slice(end + 1);
        }
    }

    protected override void CompleteCore(ICollection<StreamUnit> output)
    {
        var line = _pending.Span;
        if (!_crEndsLine && !line.IsEmpty && line[line.Length - 1] == Cr)
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (!line.IsEmpty)
        {
            OnUnterminatedLine(line, output);
        }

        _pending.Clear();
        _skipLf = false;
    }

    /// <summary>Forgets a partial line (a new connection starts a new body).</summary>
    protected void DiscardPendingLine()
    {
        _pending.Clear();
        _skipLf = false;
    }

    private void Hold(ReadOnlySpan<byte> part)
    {
        if (part.IsEmpty)
        {
            return;
        }

        var length = _pending.Length + part.Length;
        // Without CR line ends, one byte past the limit may be the CR of a CRLF still to come.
        if (length > _maximumLineBytes && !(length == _maximumLineBytes + 1 && !_crEndsLine && part[part.Length - 1] == Cr))
        {
            throw new StreamUnitTooLargeException(UnitKind, MaximumUnitBytes);
        }

        _pending.Append(part);
    }
}

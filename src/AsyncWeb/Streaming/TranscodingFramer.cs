using System;
using System.Collections.Generic;
using System.Text;

namespace AsyncWeb.Streaming;

/// <summary>
/// A body in a charset other than UTF-8 (UTF-16, Latin-1, Shift_JIS ...): decoded as it arrives (a character split
/// between chunks waits for its other bytes), re-encoded as UTF-8 and framed by the inner framer, so every
/// framer scans UTF-8 only, where a delimiter byte is always the delimiter.
/// </summary>
internal sealed class TranscodingFramer : StreamFramer
{
    private static readonly Encoding s_utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly StreamFramer _inner;
    private readonly Decoder _decoder;
    private readonly Encoder _encoder = s_utf8.GetEncoder();
    private readonly Encoding _charset;
    private byte[] _in = Array.Empty<byte>();
    private char[] _chars = Array.Empty<char>();
    private byte[] _out = Array.Empty<byte>();

    public TranscodingFramer(StreamFramer inner, Encoding charset)
        : base(inner.MaximumUnitBytes)
    {
        _inner = inner;
        _charset = charset;
        _decoder = charset.GetDecoder();
    }

    protected override void FeedCore(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        if (_in.Length < chunk.Length)
        {
            _in = new byte[chunk.Length];
        }

        chunk.CopyTo(_in);
        Transcode(chunk.Length, flush: false, output);
    }

    protected override void CompleteCore(ICollection<StreamUnit> output)
    {
        Transcode(0, flush: true, output);
        _inner.Complete(output);
    }

    private void Transcode(int count, bool flush, ICollection<StreamUnit> output)
    {
        var charCount = _charset.GetMaxCharCount(count) + 2;
        if (_chars.Length < charCount)
        {
            _chars = new char[charCount];
        }

        var chars = _decoder.GetChars(_in, 0, count, _chars, 0, flush);
        var byteCount = s_utf8.GetMaxByteCount(chars) + 4;
        if (_out.Length < byteCount)
        {
            _out = new byte[byteCount];
        }

        var bytes = _encoder.GetBytes(_chars, 0, chars, _out, 0, flush);
        if (bytes > 0)
        {
            _inner.Feed(_out.AsSpan(0, bytes), output);
        }
    }
}

using System;
using System.Collections.Generic;

namespace AsyncWeb.Tracing;

/// <summary>
/// The W3C Trace Context <c>traceparent</c> header (version 00): <c>00-{trace-id: 32 hex}-{parent-id: 16 hex}-{flags: 2 hex}</c>,
/// read strictly (lower-case hex, no all-zero ids) and written without intermediate strings.
/// </summary>
internal readonly struct TraceParent
{
    public const string HeaderName = "traceparent";
    private const int Length = 55;

    public TraceParent(string traceId, ulong parentId, byte flags)
    {
        TraceId = traceId;
        ParentId = parentId;
        Flags = flags;
    }

    /// <summary>32 lower-case hex digits.</summary>
    public string TraceId { get; }
    public ulong ParentId { get; }

    /// <summary>01: sampled (the caller may record the trace).</summary>
    public byte Flags { get; }

    /// <summary>Reads a traceparent value; false, with the reason, for anything the W3C recommendation calls invalid.</summary>
    public static bool TryParse(string? value, out TraceParent parsed, out string reason)
    {
        parsed = default;
        var text = value?.Trim() ?? string.Empty;
        if (text.Length < Length || text[2] != '-' || text[35] != '-' || text[52] != '-')
        {
            reason = "it is not of the form 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>";
            return false;
        }

        if (!IsHex(text, 0, 2) || text.StartsWith("ff", StringComparison.Ordinal) || (text.StartsWith("00", StringComparison.Ordinal) && text.Length != Length)
            || (text.Length > Length && text[Length] != '-'))
        {
            reason = "its version is not 00 (or a later version followed by '-')";
            return false;
        }

        if (!IsHex(text, 3, 32) || !IsHex(text, 36, 16) || !IsHex(text, 53, 2))
        {
            reason = "its ids and flags must be lower-case hexadecimal digits";
            return false;
        }

        var traceId = text.Substring(3, 32);
        var parentId = ReadHex(text, 36, 16);
        if (traceId == new string('0', 32) || parentId == 0)
        {
            reason = "an all-zero trace id or parent id is invalid";
            return false;
        }

        parsed = new TraceParent(traceId, parentId, (byte)ReadHex(text, 53, 2));
        reason = string.Empty;
        return true;
    }

    /// <summary>The traceparent value an item's own headers carry (given with -Headers or per item), or null.</summary>
    public static string? In(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                return headers[i].Value;
            }
        }

        return null;
    }

    /// <summary>"00-{traceId}-{spanId}-{flags}", one string.</summary>
    public static string Format(string traceId, ulong spanId, byte flags)
    {
#if NET
        return string.Create(Length, (traceId, spanId, flags), static (chars, state) => Write(chars, state.traceId, state.spanId, state.flags));
#else
        var chars = new char[Length];
        Write(chars, traceId, spanId, flags);
        return new string(chars);
#endif
    }

    /// <summary>16 lower-case hex digits.</summary>
    public static string Hex(ulong id)
    {
#if NET
        return string.Create(16, id, static (chars, value) => WriteHex(chars, value, 16));
#else
        var chars = new char[16];
        WriteHex(chars, id, 16);
        return new string(chars);
#endif
    }

    private static void Write(Span<char> chars, string traceId, ulong spanId, byte flags)
    {
        chars[0] = '0';
        chars[1] = '0';
        chars[2] = '-';
        traceId.AsSpan().CopyTo(chars.Slice(3));
        chars[35] = '-';
        WriteHex(chars.Slice(36), spanId, 16);
        chars[52] = '-';
        WriteHex(chars.Slice(53), flags, 2);
    }

    private static void WriteHex(Span<char> chars, ulong value, int digits)
    {
        for (var i = digits - 1; i >= 0; i--)
        {
            chars[i] = "0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    private static bool IsHex(string text, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            if (text[i] is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong ReadHex(string text, int start, int count)
    {
        ulong value = 0;
        for (var i = start; i < start + count; i++)
        {
            value = (value << 4) | (uint)(text[i] <= '9' ? text[i] - '0' : text[i] - 'a' + 10);
        }

        return value;
    }
}

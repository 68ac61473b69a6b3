#if NET
using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;

namespace AsyncWeb.Sending;

/// <summary>
/// A response's headers as its result shows them, without a table per request: the table is built on first read,
/// once (two threads reading at once get the same one). The response's own headers are read raw (NonValidated, which
/// never throws on a hostile header) from its header collection, which holds neither the message, its content nor
/// its connection. The content's few headers are taken as they arrived when the view is made: the body reader parses
/// Content-Type, -Length and -Encoding afterwards, and a parsed header reads back reformatted; their collection would
/// also keep the content alive.
/// </summary>
internal sealed class ResponseHeaderView : IReadOnlyDictionary<string, string[]>
{
    private static readonly object[] s_none = Array.Empty<object>();

    private readonly HttpResponseHeaders _response;

    /// <summary>The content's headers: name, value (a string, or a string[] for several), name, value ...</summary>
    private readonly object[] _content;

    /// <summary>A bit for each name present (<see cref="NameBit"/>): a name whose bit is clear is not there, found without a lookup.</summary>
    private readonly uint _names;

    private Dictionary<string, string[]>? _table;

    /// <summary>Reads the headers' sizes and the content's headers now: call it before anything parses a header.</summary>
    public ResponseHeaderView(HttpResponseMessage response)
    {
        _response = response.Headers;
        long chars = 0;
        var count = 0;
        foreach (var header in _response.NonValidated)
        {
            chars += CharsOf(header.Key, header.Value);
            _names |= NameBit(header.Key);
            count++;
        }

        var content = response.Content.Headers.NonValidated;
        _content = content.Count == 0 ? s_none : new object[content.Count * 2];
        var i = 0;
        foreach (var header in content)
        {
            chars += CharsOf(header.Key, header.Value);
            _names |= NameBit(header.Key);
            _content[i++] = header.Key;
            _content[i++] = header.Value.Count == 1 ? First(header.Value) : ResponseHeaders.ToArray(header.Value);
            count++;
        }

        Count = count;
        Bytes = chars * 2;
    }

    /// <summary>What the headers occupy against -MaximumBufferSize: two bytes a character of every name and value, as counted when the view was made.</summary>
    public long Bytes { get; }

    public int Count { get; }

    /// <summary>The public table: response headers, then content headers, case-insensitive; built once, on first read.</summary>
    public Dictionary<string, string[]> Table => Volatile.Read(ref _table) ?? Build();

    public IEnumerable<string> Keys => Table.Keys;

    public IEnumerable<string[]> Values => Table.Values;

    public string[] this[string key] => Table[key];

    /// <summary>A header that is not there is answered without building the table (the engine asks for rate-limit headers on every response).</summary>
    public bool ContainsKey(string key) => (Volatile.Read(ref _table) is not null || Has(key)) && Table.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string[] value)
    {
        if (Volatile.Read(ref _table) is null && !Has(key))
        {
            value = null;
            return false;
        }

        return Table.TryGetValue(key, out value);
    }

    public IEnumerator<KeyValuePair<string, string[]>> GetEnumerator() => Table.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private bool Has(string key)
    {
        if ((_names & NameBit(key)) == 0)
        {
            return false;
        }

        if (_response.NonValidated.Contains(key))
        {
            return true;
        }

        for (var i = 0; i < _content.Length; i += 2)
        {
            if (string.Equals((string)_content[i], key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private Dictionary<string, string[]> Build()
    {
        var table = new Dictionary<string, string[]>(Count, StringComparer.OrdinalIgnoreCase);
        foreach (var header in _response.NonValidated)
        {
            table[header.Key] = ResponseHeaders.ToArray(header.Value);
        }

        for (var i = 0; i < _content.Length; i += 2)
        {
            table[(string)_content[i]] = _content[i + 1] as string[] ?? new[] { (string)_content[i + 1] };
        }

        // Whoever built first wins: every reader gets the same table.
        return Interlocked.CompareExchange(ref _table, table, null) ?? table;
    }

    /// <summary>
    /// One of 32 bits (32, not 64: the mask fits beside <see cref="Count"/>, the view stays 56 B), from a name's length and
    /// its first and last characters, the same for any case of the name (names are ASCII tokens; a name that starts or ends
    /// beyond ASCII gets every bit: it is looked up). None of nginx's headers shares a bit with the rate-limit headers the
    /// engine asks every response for; a name that shares one is looked up as before.
    /// </summary>
    private static uint NameBit(string name)
    {
        if (name.Length == 0 || name[0] > 0x7F || name[name.Length - 1] > 0x7F)
        {
            return uint.MaxValue;
        }

        var key = ((uint)name.Length << 16) | ((uint)(name[0] | 0x20) << 8) | (uint)(name[name.Length - 1] | 0x20);
        return 1u << (int)((key * 0x94D049BB133111EBUL) >> 59);
    }

    private static string First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return string.Empty;
    }

    private static long CharsOf(string name, HeaderStringValues values)
    {
        long chars = name.Length;
        foreach (var value in values)
        {
            chars += value?.Length ?? 0;
        }

        return chars;
    }
}
#endif

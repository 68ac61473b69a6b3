using System;
using System.Collections;
using System.Collections.Generic;

namespace AsyncWeb.Binding;

/// <summary>
/// A hashtable item's values of the request fields (<see cref="ItemFields.Names"/>), found in one pass over its
/// entries: an item is asked for each field, and a pass per field cost an enumerator and a boxed entry per key each
/// time. As that search, a key matches a name whatever its case, and the first matching entry wins; a name that is no
/// field (a -PartitionKey or -JournalKey) is looked up by a pass of its own.
/// </summary>
internal sealed class DictionaryFields
{
    private static readonly Dictionary<string, int> s_slots = Slots();
    private static readonly object s_absent = new();
    private readonly IDictionary _dictionary;
    private readonly object?[] _values = new object?[s_slots.Count];

    public DictionaryFields(IDictionary dictionary)
    {
        _dictionary = dictionary;
        _values.AsSpan().Fill(s_absent);
        foreach (DictionaryEntry entry in dictionary)
        {
            if (s_slots.TryGetValue(RequestSpecBuilder.ToText(entry.Key), out var slot) && ReferenceEquals(_values[slot], s_absent))
            {
                _values[slot] = entry.Value;
            }
        }
    }

    /// <summary>The value of the key <paramref name="name"/> (any case), and whether there is one.</summary>
    public (bool Found, object? Value) Lookup(string name)
    {
        if (!s_slots.TryGetValue(name, out var slot))
        {
            return ItemFields.TryDictionary(_dictionary, name);
        }

        var value = _values[slot];
        return ReferenceEquals(value, s_absent) ? (false, null) : (true, value);
    }

    private static Dictionary<string, int> Slots()
    {
        var slots = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ItemFields.Names)
        {
            slots[name] = slots.Count;
        }

        return slots;
    }
}

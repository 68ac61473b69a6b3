using System.Collections;
using System.Collections.Generic;

namespace AsyncWeb.Connections;

/// <summary>Two lists read as one, the first's items before the second's, without copying either.</summary>
internal sealed class ChainedList<T> : IReadOnlyList<T>
{
    private readonly IReadOnlyList<T> _first;
    private readonly IReadOnlyList<T> _second;

    public ChainedList(IReadOnlyList<T> first, IReadOnlyList<T> second)
    {
        _first = first;
        _second = second;
    }

    public int Count => _first.Count + _second.Count;

    public T this[int index] => index < _first.Count ? _first[index] : _second[index - _first.Count];

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var item in _first)
        {
            yield return item;
        }

        foreach (var item in _second)
        {
            yield return item;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

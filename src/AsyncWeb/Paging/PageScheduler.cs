using System;
using System.Collections.Generic;
using AsyncWeb.Requests;

namespace AsyncWeb.Paging;

/// <summary>
/// The pages that are due but not yet started, for BatchEngine: a next page, or a range of numbered pages that
/// is turned into requests one at a time as slots free up, so a range of a million pages holds one cursor, not a
/// million requests. The engine asks for the next page it may start (its slot, host and capacity rules) and
/// counts it from then on. Not thread-safe: the engine calls it under its lock.
/// </summary>
internal sealed class PageScheduler
{
    private readonly LinkedList<Due> _due = new();

    /// <summary>Follow-ups held (a range counts once): work the batch still has even when nothing is outstanding.</summary>
    public int Count => _due.Count;

    /// <summary>Holds what a finished page says comes next, if anything.</summary>
    public void Hold(PageFollowUp followUp)
    {
        if (followUp.Next is { } next)
        {
            _due.AddLast(new Due(next, null, null));
        }
        else if (followUp.Range is { } range)
        {
            _due.AddLast(new Due(null, range, followUp.Template));
        }
    }

    /// <summary>The first due page that <paramref name="mayStart"/> allows, taken out; null when none may start now.</summary>
    public RequestSpec? Take(Func<RequestSpec, bool> mayStart)
    {
        for (var node = _due.First; node is not null; node = node.Next)
        {
            var due = node.Value;
            var spec = due.Peek();
            if (!mayStart(spec))
            {
                continue;
            }

            if (due.Advance())
            {
                _due.Remove(node);
            }

            return spec;
        }

        return null;
    }

    /// <summary>Drops everything held (the batch was cancelled).</summary>
    public void Clear() => _due.Clear();

    /// <summary>One next page, or a cursor over numbered pages.</summary>
    private sealed class Due
    {
        private readonly RequestSpec? _single;
        private readonly PageRange? _range;
        private readonly RequestSpec? _template;
        private RequestSpec? _peeked;
        private int _pageIndex = 1;

        // When the numbered pages became due (the first page revealed them): their queue wait starts here.
        private readonly long _due = System.Diagnostics.Stopwatch.GetTimestamp();

        public Due(RequestSpec? single, PageRange? range, RequestSpec? template)
        {
            _single = single;
            _range = range;
            _template = template;
        }

        public RequestSpec Peek() => _single ?? (_peeked ??= PagePlanner.NextPage(_template!, _range!.UriOf(_range.First + _pageIndex - 1), _pageIndex) with { Received = _due });

        /// <summary>Moves past the peeked page; true when nothing is left.</summary>
        public bool Advance()
        {
            if (_single is not null)
            {
                return true;
            }

            _peeked = null;
            _pageIndex++;
            return _pageIndex > _range!.Count;
        }
    }
}

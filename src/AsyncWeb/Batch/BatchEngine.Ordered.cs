using System.Collections.Generic;
using System.Threading;
using AsyncWeb.Bodies;

namespace AsyncWeb.Batch;

/// <summary>Results leaving the engine for the pipeline: -Ordered puts them in input and page order; a page's result settles its item's end.</summary>
internal sealed partial class BatchEngine
{
    private readonly Dictionary<(long Index, int PageIndex), EngineEvent> _reorder = new();
    private readonly Queue<EngineEvent> _ready = new();

    // -Ordered: indexes in the order they were admitted, which is input order. Not a counter: with
    // -Partition the indexes of other shards' items never arrive.
    private readonly Queue<long> _admitted = new();
    private int _nextPage;      // -Ordered: the PageIndex of the head item that leaves next
    private long _head = -1;    // -Ordered: the item whose results leave next (written by the pipeline thread)

    private void Accept(EngineEvent raw)
    {
        if (raw.Result is null)
        {
            _ready.Enqueue(raw);
            return;
        }

        if (!_options.Ordered)
        {
            Hand(raw);
            return;
        }

        // An item's results leave in PageIndex order, all of them before the next item's.
        _reorder[(raw.Result.Index, raw.Result.PageIndex)] = raw;
        while (_admitted.Count > 0 && _reorder.Remove((_admitted.Peek(), _nextPage), out var inOrder))
        {
            if (inOrder.MorePages)
            {
                _nextPage++;
            }
            else
            {
                _admitted.Dequeue();
                _nextPage = 0;
                Volatile.Write(ref _head, _admitted.Count > 0 ? _admitted.Peek() : -1);
            }

            Hand(inOrder);
        }

        _budget.Next(_admitted.Count > 0 ? (_admitted.Peek(), _nextPage) : null);
        if (_budget.Awaited is not null)
        {
            // Only then may a waiting request have to start past the limits: admission's lock is not taken per result.
            _admission.Reconsider();
        }
    }

    /// <summary>A result leaves the engine for the pipeline: its slot and its body's bytes are free again.</summary>
    private void Hand(EngineEvent handed)
    {
        var result = handed.Result!;
        if (handed.Page is { } page)
        {
            // -JournalPath: an item with pages is one record, on the result that ends it. Decided here, on the pipeline
            // thread in the order results leave, so the record never leaves before another result of the item.
            var (done, allSucceeded) = page.Chain.PageEnded(page.Succeeded);
            result.MorePagesOfItem = !done || page.Failure is not null;
            if (done)
            {
                (page.Failure ?? result).PagesSucceeded = allSucceeded;
                Interlocked.Increment(ref _completed);
            }
        }

        Interlocked.Decrement(ref _outstanding);
        _budget.Release(BodyBudget.HeldBy(result), (result.Index, result.PageIndex));
        _ready.Enqueue(new EngineEvent(result, null));
    }

    /// <summary>Counts an admitted item (and, for -Ordered, notes its place); on the thread that also takes results.</summary>
    private void Admitted(long index)
    {
        Interlocked.Increment(ref _outstanding);
        if (_options.Ordered)
        {
            _admitted.Enqueue(index);
            if (_admitted.Count == 1)
            {
                Volatile.Write(ref _head, index);
                _budget.Next((index, 0));
            }
        }
    }
}

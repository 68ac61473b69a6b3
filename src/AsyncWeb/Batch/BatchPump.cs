using System;
using AsyncWeb.Journal;
using AsyncWeb.Requests;

namespace AsyncWeb.Batch;

/// <summary>
/// Feeds items to the engine with backpressure and hands finished events to a sink, on the one
/// thread that owns the output (the pipeline thread, or a job's thread).
/// </summary>
internal sealed class BatchPump
{
    private static readonly TimeSpan s_drainWait = TimeSpan.FromMilliseconds(200);
    private readonly BatchEngine _engine;
    private readonly Action<EngineEvent> _emit;
    private readonly Action? _tick;

    // -JournalPath: the events of one drain, journaled together before they are emitted.
    private const int JournalBatch = 1024;
    private readonly System.Collections.Generic.List<EngineEvent> _taken = new();

    public BatchPump(BatchEngine engine, Action<EngineEvent> emit, Action? tick)
    {
        _engine = engine;
        _emit = emit;
        _tick = tick;
    }

    /// <summary>
    /// Admits one item: a request, or a result that needs none (bad input). Both wait for a slot, emitting
    /// finished results meanwhile: backpressure, so upstream is read only as fast as items leave and a
    /// million bad rows behind a slow -Ordered item never queue a million results.
    /// </summary>
    public void Admit(RequestSpec? spec, WebBatchResult? immediate)
    {
        while (!_engine.HasCapacity)
        {
            WaitOne();
        }

        if (immediate is not null)
        {
            _engine.PostResult(immediate);
        }
        else
        {
            _engine.Submit(spec!);
        }

        DrainAvailable();
    }

    public void DrainAvailable()
    {
        if (_engine.Journal is { } journal)
        {
            DrainJournaled(journal);
        }
        else
        {
            while (_engine.TryTake(out var next))
            {
                _emit(next);
            }
        }

        _tick?.Invoke();
    }

    /// <summary>Emits until nothing is in flight.</summary>
    public void DrainToEnd()
    {
        while (_engine.Outstanding > 0)
        {
            WaitOne();
        }

        DrainAvailable();
    }

    private void WaitOne()
    {
        if (_engine.WaitTake(out var next, s_drainWait))
        {
            if (_engine.Journal is { } journal && next.Result is { } result)
            {
                journal.Append(result);
                journal.Flush();
            }

            _emit(next);
        }

        _tick?.Invoke();
    }

    /// <summary>
    /// -JournalPath: the results available now are written to the journal and flushed (one write to the operating
    /// system for all of them, not one per line) before any of them is emitted, so an emitted result is always in
    /// the journal, and a result not yet in the journal was never emitted.
    /// </summary>
    private void DrainJournaled(IResultJournal journal)
    {
        while (true)
        {
            _taken.Clear();
            while (_taken.Count < JournalBatch && _engine.TryTake(out var next))
            {
                _taken.Add(next);
                if (next.Result is { } result)
                {
                    journal.Append(result);
                }
            }

            if (_taken.Count == 0)
            {
                return;
            }

            journal.Flush();
            foreach (var next in _taken)
            {
                _emit(next);
            }
        }
    }
}

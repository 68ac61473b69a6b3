using System;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation;
using System.Threading;
using AsyncWeb.Batch;
using AsyncWeb.Binding;
using AsyncWeb.Journal;
using AsyncWeb.Requests;

namespace AsyncWeb.Commands;

/// <summary>
/// Invoke-AsyncWebBatch -AsJob: the batch runs on a background thread of this process; results
/// stream into the job's Output as they finish (Receive-Job), failures into its Error stream, and
/// Stop-Job cancels every request in flight.
/// </summary>
public sealed class AsyncWebJob : Job
{
    private readonly BatchEngine _engine;
    private readonly IDisposable? _clientLease;
    private readonly bool _failuresAsResults;
    private readonly BlockingCollection<(RequestSpec? Spec, WebBatchResult? Immediate)> _inputs = new();
    private readonly Thread _thread;
    private long _completed;
    private long _received;
    private volatile bool _stopping;
    private Exception? _inputFailure;

    internal AsyncWebJob(string command, BatchEngine engine, IDisposable? clientLease, bool failuresAsResults)
        : base(command, "AsyncWebBatch")
    {
        _engine = engine;
        _clientLease = clientLease;
        _failuresAsResults = failuresAsResults;
        PSJobTypeName = "AsyncWebJob";
        _thread = new Thread(Run) { IsBackground = true, Name = "AsyncWeb job " + Id };
    }

    /// <inheritdoc />
    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Verbose.Count > 0;

    /// <inheritdoc />
    public override string Location => Environment.MachineName;

    /// <inheritdoc />
    public override string StatusMessage => $"{Interlocked.Read(ref _completed)} done, {_engine.Running} in flight";

    /// <inheritdoc />
    public override void StopJob()
    {
        _stopping = true;
        _engine.Cancel();
        _inputs.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        if (!IsFinishedState(JobStateInfo.State))
        {
            SetJobState(JobState.Stopped);
        }
    }

    internal void Start()
    {
        SetJobState(JobState.Running);
        _thread.Start();
    }

    internal void Enqueue(RequestSpec? spec, WebBatchResult? immediate)
    {
        if (!_inputs.IsAddingCompleted)
        {
            _inputs.Add((spec, immediate));
            _received++;
        }
    }

    internal void CompleteAdding()
    {
        if (!_inputs.IsAddingCompleted)
        {
            _inputs.CompleteAdding();
        }
    }

    /// <summary>
    /// The pipeline feeding the job ended before all input was read. After Ctrl+C or Select-Object -First
    /// (null, or a stop) the job finishes what it has; after an upstream error it finishes what it has and
    /// then fails with that error.
    /// </summary>
    internal void InputEnded(Exception? upstream)
    {
        if (!UpstreamFailure.IsStop(upstream) && !_inputs.IsAddingCompleted)
        {
            _inputFailure = upstream;
        }

        CompleteAdding();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _engine.Cancel();
            _inputs.CompleteAdding();
            if (Thread.CurrentThread != _thread)
            {
                // Receive-Job -AutoRemoveJob disposes on the job's own thread: never wait for ourselves.
                _thread.Join(TimeSpan.FromSeconds(5));
            }

            _engine.Dispose();
            _clientLease?.Dispose();
            _inputs.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Run()
    {
        var pump = new BatchPump(_engine, Deliver, null);
        try
        {
            foreach (var (spec, immediate) in _inputs.GetConsumingEnumerable(_engine.Token))
            {
                pump.Admit(spec, immediate);
            }

            pump.DrainToEnd();
            _engine.Journal?.Close();
            if (_inputFailure is { } failure)
            {
                Error.Add(InputFailedRecord(failure));
                SetJobState(JobState.Failed);
            }
            else
            {
                SetJobState(JobState.Completed);
            }
        }
        catch (OperationCanceledException) when (_stopping || _engine.Token.IsCancellationRequested)
        {
            if (!IsFinishedState(JobStateInfo.State))
            {
                SetJobState(JobState.Stopped);
            }
        }
        catch (JournalException unwritable)
        {
            Error.Add(new ErrorRecord(new IOException(unwritable.Message, unwritable), unwritable.ErrorId, ErrorCategory.WriteError, null));
            SetJobState(JobState.Failed);
        }
        catch (Exception ex)
        {
            Error.Add(new ErrorRecord(ex, ErrorIds.AsyncWebJobFailed, ErrorCategory.NotSpecified, null));
            SetJobState(JobState.Failed);
        }
        finally
        {
            // -JournalPath: the journal is complete (and unlocked for the next run) when the job ends, not when it is removed.
            _engine.Journal?.Dispose();
        }
    }

    private void Deliver(EngineEvent next)
    {
        if (next.Verbose is not null)
        {
            Verbose.Add(new VerboseRecord(next.Verbose));
            return;
        }

        if (next.StreamItem is { } item)
        {
            Output.Add(PSObject.AsPSObject(item));
            return;
        }

        Interlocked.Increment(ref _completed);
        var result = next.Result!;
        if (result.Error is null || _failuresAsResults)
        {
            Output.Add(PSObject.AsPSObject(result));
        }
        else
        {
            Error.Add(ErrorRecords.For(result));
        }
    }

    private ErrorRecord InputFailedRecord(Exception failure) =>
        new(failure, ErrorIds.PipelineInputFailed, ErrorCategory.ReadError, null)
        {
            ErrorDetails = new ErrorDetails($"the input of the job failed after {_received} item(s), which were sent and whose results were delivered; no more input was read: {failure.Message}"),
        };

    private static bool IsFinishedState(JobState state) =>
        state is JobState.Completed or JobState.Failed or JobState.Stopped;
}

using System;

namespace AsyncWeb.Journal;

/// <summary>
/// Where finished items are recorded (-JournalPath): appended by the one thread that emits results, and flushed
/// before they are emitted, so an emitted result is always in the journal. A write that fails throws (the batch ends:
/// what is not journaled is not emitted); Dispose closes without throwing.
/// </summary>
internal interface IResultJournal : IDisposable
{
    /// <summary>Records a finished item (buffered).</summary>
    void Append(WebBatchResult result);

    /// <summary>Hands the records to the operating system.</summary>
    void Flush();

    /// <summary>Flushes, syncs to disk and closes; nothing is recorded afterwards. Always frees the journal; a failed write throws, once.</summary>
    void Close();
}

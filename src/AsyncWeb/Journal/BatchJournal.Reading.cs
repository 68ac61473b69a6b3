using System;
using System.Collections.Generic;
using System.IO;
using AsyncWeb.Bodies;

namespace AsyncWeb.Journal;

/// <summary>Reading a journal when it opens: the succeeded items by key, a torn last line cut off, the run id kept.</summary>
internal sealed partial class BatchJournal
{
    private static BatchJournal Read(string path, FileStream file, Stream writes, string? runId)
    {
        var succeeded = new Dictionary<Key128, Done>();
        var unreadable = 0;
        string? journalRunId = null;

        // Everything after the last newline is a torn line (a process killed mid-write): never read, then cut off.
        var complete = EndOfLastLine(file);
        var bytes = file.Length;
        if (complete == 0 && bytes > 0 && !StartsLikeJournal(file))
        {
            throw new JournalException(InvalidId, $"'{path}' is not an AsyncWeb journal; give -JournalPath a new file or an AsyncWeb journal");
        }

        file.Position = 0;
        using (var reader = new StreamReader(new ReadOnlyWindow(file, complete), s_utf8, detectEncodingFromByteOrderMarks: false, 64 * 1024))
        {
            var first = true;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (first)
                {
                    first = false;
                    if (!JournalRecord.TryParseHeader(line, out var version, out var id))
                    {
                        throw new JournalException(InvalidId, $"'{path}' is not an AsyncWeb journal (its first line is not one); give -JournalPath a new file or an AsyncWeb journal");
                    }

                    if (version != JournalRecord.Version)
                    {
                        throw new JournalException(ErrorIds.UnsupportedJournalVersion, version < JournalRecord.Version
                            ? $"'{path}' is a journal of format {version} (AsyncWeb 0.2.0), whose item keys do not cover the request body: a changed body would not be sent. Finish that run with AsyncWeb 0.2.0, or give -JournalPath a new file (every item is then sent again, with new Idempotency-Keys)"
                            : $"'{path}' is a journal of format {version}, written by a newer AsyncWeb; continue it with that version, or give -JournalPath a new file");
                    }

                    journalRunId = id;
                    continue;
                }

                if (JournalRecord.TryParse(line, out var entry))
                {
                    if (entry.Success && Key128.TryParse(entry.Key, out var key))
                    {
                        succeeded[key] = new Done(entry.Status, entry.OutFile, entry.Sha256);
                    }
                }
                else if (line.Trim().Length > 0)
                {
                    unreadable++;
                }
            }
        }

        var torn = complete < bytes;
        if (runId is not null && journalRunId is not null && !string.Equals(runId, journalRunId, StringComparison.Ordinal))
        {
            throw new JournalException(ErrorIds.ConflictingParameters,
                $"-RunId '{runId}' differs from the run id '{journalRunId}' of the journal '{path}'; leave -RunId out to continue that journal's run");
        }

        try
        {
            // A torn last line (killed mid-write) is cut off, so the next line starts on a line of its own.
            if (torn)
            {
                file.SetLength(complete);
            }

            file.Seek(0, SeekOrigin.End);
            var journal = new BatchJournal(path, file, writes, journalRunId ?? runId ?? ItemKeys.NewRunId(), succeeded, unreadable, torn);
            if (journalRunId is null)
            {
                journal._writer.Write(JournalRecord.Header(journal.RunId, DateTime.UtcNow));
                journal._writer.Write('\n');
                journal._writer.Flush();
            }

            return journal;
        }
        catch (IOException ex)
        {
            throw new JournalException(UnusableId, $"the journal '{path}' cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>The length of the file up to and including its last newline (0 when it has none).</summary>
    private static long EndOfLastLine(FileStream file)
    {
        var buffer = new byte[4096];
        for (var end = file.Length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Position = start;
            var read = 0;
            while (read < end - start)
            {
                var n = file.Read(buffer, read, (int)(end - start) - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            for (var i = read - 1; i >= 0; i--)
            {
                if (buffer[i] == (byte)'\n')
                {
                    return start + i + 1;
                }
            }

            end = start;
        }

        return 0;
    }

    /// <summary>A file without a complete line is a journal torn in its header only when it begins like one.</summary>
    private static bool StartsLikeJournal(FileStream file)
    {
        var prefix = s_utf8.GetBytes("{\"asyncwebJournal\"");
        var head = new byte[prefix.Length];
        file.Position = 0;
        var read = file.Read(head, 0, head.Length);
        for (var i = 0; i < read; i++)
        {
            if (head[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first <c>length</c> bytes of the journal, for its reader; leaves the file open.</summary>
    private sealed class ReadOnlyWindow : ReadOnlyStream
    {
        private readonly FileStream _file;
        private long _left;

        public ReadOnlyWindow(FileStream file, long length)
        {
            _file = file;
            _left = length;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = _file.Read(buffer, offset, (int)Math.Min(count, _left));
            _left -= n;
            return n;
        }

        public override System.Threading.Tasks.Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
            System.Threading.Tasks.Task.FromResult(Read(buffer, offset, count));
    }
}

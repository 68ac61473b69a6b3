using System;
using System.IO;
using System.Text;
using AsyncWeb.Journal;
using Xunit;

namespace AsyncWeb.Tests.Journal;

public sealed class JournalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "asyncweb-journal-" + Guid.NewGuid().ToString("N"));

    public JournalTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string NewPath() => Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".jsonl");

    private static WebBatchResult Result(long index, int status, string? errorId = null, string? outFile = null) => new()
    {
        Index = index,
        Uri = new Uri($"http://127.0.0.1/item/{index}?sig=s3cret"),
        Method = "POST",
        StatusCode = status,
        OutFile = outFile,
        Sha256 = outFile is null ? null : "AB",
        Error = errorId is null ? null : new WebBatchError(errorId, FailureCategory.HttpStatus, "failed"),
        ItemKey = ItemKeys.Of(index, "POST", new Uri($"http://127.0.0.1/item/{index}?sig=s3cret"), "0123456789abcdef0123456789abcdef"),
    };

    [Fact]
    public void A_line_round_trips_with_every_field()
    {
        var entry = new JournalEntry
        {
            Index = 12,
            Key = new string('a', 32),
            Method = "PATCH",
            Uri = "http://h/\"quoted\"\\\u0001\u00e9",
            Status = 503,
            Success = false,
            ErrorId = "HttpStatus",
            OutFile = "C:\\files\\a \"b\".bin",
            Sha256 = null,
            FinishedUtc = new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc),
        };

        var line = JournalRecord.Line(entry);
        Assert.DoesNotContain("\n", line);
        Assert.True(JournalRecord.TryParse(line, out var read));
        Assert.Equal(12, read.Index);
        Assert.Equal(entry.Key, read.Key);
        Assert.Equal("PATCH", read.Method);
        Assert.Equal(entry.Uri, read.Uri);
        Assert.Equal(503, read.Status);
        Assert.False(read.Success);
        Assert.Equal("HttpStatus", read.ErrorId);
        Assert.Equal(entry.OutFile, read.OutFile);
        Assert.Null(read.Sha256);
        Assert.Equal(entry.FinishedUtc, read.FinishedUtc);
    }

    [Theory]
    [InlineData("{\"index\":1,\"key\":\"abc\",\"succ")]
    [InlineData("{\"index\":1,\"key\":\"abc\",\"success\":true")]
    [InlineData("{\"index\":1,\"key\":\"abc\",\"success\":true}}")]
    [InlineData("not json")]
    [InlineData("{\"index\":\"1\",\"key\":\"abc\",\"success\":true}")]
    [InlineData("{\"index\":1,\"success\":true}")]
    [InlineData("")]
    public void Torn_or_foreign_lines_are_rejected(string line) =>
        Assert.False(JournalRecord.TryParse(line, out _));

    [Fact]
    public void A_header_names_the_run()
    {
        Assert.True(JournalRecord.TryParseHeader(JournalRecord.Header("run-7", DateTime.UtcNow), out var version, out var run));
        Assert.Equal("run-7", run);
        Assert.Equal(JournalRecord.Version, version);
        Assert.False(JournalRecord.TryParseHeader("{\"index\":1}", out _, out _));
    }

    [Fact]
    public void A_new_journal_gets_a_header_with_a_new_run_id()
    {
        var path = NewPath();
        string run;
        using (var journal = BatchJournal.Open(path, null))
        {
            run = journal.RunId;
            Assert.Equal(0, journal.Succeeded);
        }

        Assert.Matches("^[0-9a-f]{32}$", run);
        var lines = File.ReadAllLines(path);
        Assert.Single(lines);
        Assert.True(JournalRecord.TryParseHeader(lines[0], out _, out var written));
        Assert.Equal(run, written);
    }

    [Fact]
    public void Succeeded_items_are_remembered_across_opens_and_failures_are_not()
    {
        var path = NewPath();
        string run;
        using (var journal = BatchJournal.Open(path, "given-run"))
        {
            run = journal.RunId;
            journal.Append(Result(0, 200, outFile: "/tmp/a"));
            journal.Append(Result(1, 503, "HttpStatus"));
            journal.Flush();
        }

        using (var again = BatchJournal.Open(path, null))
        {
            Assert.Equal("given-run", run);
            Assert.Equal(run, again.RunId);
            Assert.Equal(1, again.Succeeded);
            Assert.True(again.TryGetSucceeded(Result(0, 0).ItemKey!, out var status, out var outFile, out var sha));
            Assert.Equal(200, status);
            Assert.Equal("/tmp/a", outFile);
            Assert.Equal("AB", sha);
            Assert.False(again.TryGetSucceeded(Result(1, 0).ItemKey!, out _, out _, out _));
        }

        // A later success of the failed item counts.
        using (var third = BatchJournal.Open(path, null))
        {
            third.Append(Result(1, 200));
        }

        using var fourth = BatchJournal.Open(path, null);
        Assert.Equal(2, fourth.Succeeded);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(404)]
    public void An_error_status_without_an_error_is_not_done(int status)
    {
        // -SkipHttpErrorCheck: the result is a Success, but the item runs again.
        var path = NewPath();
        using (var journal = BatchJournal.Open(path, null))
        {
            journal.Append(Result(0, status));
            journal.Append(Result(1, 304));
        }

        using var again = BatchJournal.Open(path, null);
        Assert.False(again.TryGetSucceeded(Result(0, 0).ItemKey!, out _, out _, out _));
        Assert.True(again.TryGetSucceeded(Result(1, 0).ItemKey!, out _, out _, out _));
    }

    [Fact]
    public void No_secret_of_the_uri_is_written()
    {
        var path = NewPath();
        using (var journal = BatchJournal.Open(path, null))
        {
            journal.Append(Result(0, 200));
        }

        Assert.DoesNotContain("s3cret", File.ReadAllText(path));
    }

    [Fact]
    public void Results_replayed_from_the_journal_and_items_without_a_key_are_not_written()
    {
        var path = NewPath();
        using (var journal = BatchJournal.Open(path, null))
        {
            var replayed = Result(0, 200);
            replayed.FromJournal = true;
            journal.Append(replayed);
            var invalid = Result(1, 0, "InvalidUri");
            invalid.ItemKey = null;
            journal.Append(invalid);
        }

        Assert.Single(File.ReadAllLines(path));
    }

    [Fact]
    public void A_torn_last_line_is_ignored_and_cut_off_so_the_next_line_starts_clean()
    {
        var path = NewPath();
        using (var journal = BatchJournal.Open(path, null))
        {
            journal.Append(Result(0, 200));
            journal.Append(Result(1, 200));
        }

        // A process killed mid-write: half of item 2's line, no newline.
        var half = JournalRecord.Line(new JournalEntry { Index = 2, Key = Result(2, 0).ItemKey!, Success = true, Status = 200 });
        File.AppendAllText(path, half.Substring(0, half.Length / 2), new UTF8Encoding(false));

        using (var reopened = BatchJournal.Open(path, null))
        {
            Assert.True(reopened.TornTail);
            Assert.Equal(0, reopened.UnreadableLines);
            Assert.Equal(2, reopened.Succeeded);
            Assert.False(reopened.TryGetSucceeded(Result(2, 0).ItemKey!, out _, out _, out _));
            reopened.Append(Result(3, 200));
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.All(lines[1..], l => Assert.True(JournalRecord.TryParse(l, out _)));
    }

    [Fact]
    public void A_complete_line_without_its_newline_counts_as_torn()
    {
        var path = NewPath();
        using (BatchJournal.Open(path, null))
        {
        }

        File.AppendAllText(path, JournalRecord.Line(new JournalEntry { Index = 0, Key = Result(0, 0).ItemKey!, Success = true, Status = 200 }));
        using var reopened = BatchJournal.Open(path, null);
        Assert.True(reopened.TornTail);
        Assert.Equal(0, reopened.Succeeded);
    }

    [Fact]
    public void A_header_torn_mid_write_starts_a_new_journal()
    {
        var path = NewPath();
        File.WriteAllText(path, "{\"asyncwebJournal\":1,\"runId\":\"ab");
        using var journal = BatchJournal.Open(path, null);
        Assert.True(journal.TornTail);
        Assert.NotEqual("ab", journal.RunId);
    }

    [Theory]
    [InlineData("some notes\nmore notes\n")]
    [InlineData("a file without any newline")]
    public void A_file_that_is_not_a_journal_is_refused_and_left_alone(string content)
    {
        var path = NewPath();
        File.WriteAllText(path, content);
        var refused = Assert.Throws<JournalException>(() => BatchJournal.Open(path, null));
        Assert.Equal(BatchJournal.InvalidId, refused.ErrorId);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_journal_of_another_format_is_refused_and_left_alone(int version)
    {
        // Format 1 (AsyncWeb 0.2.0) keyed items by position, method and URI only: it cannot tell a changed body.
        var path = NewPath();
        var content = "{\"asyncwebJournal\":" + version + ",\"runId\":\"r1\",\"created\":\"2026-11-29T12:00:00.0000000Z\"}\n"
            + "{\"index\":0,\"key\":\"af7e7a89e04e919ef0dbfde7d18917ce\",\"method\":\"GET\",\"uri\":\"http://127.0.0.1/json\",\"status\":200,\"success\":true}\n";
        File.WriteAllText(path, content);
        var refused = Assert.Throws<JournalException>(() => BatchJournal.Open(path, null));
        Assert.Equal(ErrorIds.UnsupportedJournalVersion, refused.ErrorId);
        Assert.Contains("format " + version, refused.Message);
        Assert.Equal(content, File.ReadAllText(path));
        // Refused again, not left locked.
        Assert.Equal(ErrorIds.UnsupportedJournalVersion, Assert.Throws<JournalException>(() => BatchJournal.Open(path, null)).ErrorId);
    }

    [Fact]
    public void A_run_id_that_differs_from_the_journal_is_refused()
    {
        var path = NewPath();
        using (BatchJournal.Open(path, "first"))
        {
        }

        Assert.Equal("ConflictingParameters", Assert.Throws<JournalException>(() => BatchJournal.Open(path, "second")).ErrorId);
        using var same = BatchJournal.Open(path, "first");
        Assert.Equal("first", same.RunId);
    }

    [Fact]
    public void An_unreadable_line_in_the_middle_is_counted_and_skipped()
    {
        var path = NewPath();
        using (var journal = BatchJournal.Open(path, null))
        {
            journal.Append(Result(0, 200));
        }

        File.AppendAllText(path, "garbage\n");
        using (var journal = BatchJournal.Open(path, null))
        {
            journal.Append(Result(1, 200));
        }

        using var last = BatchJournal.Open(path, null);
        Assert.Equal(1, last.UnreadableLines);
        Assert.Equal(2, last.Succeeded);
    }

    [Fact]
    public void Two_batches_cannot_write_one_journal_at_once()
    {
        var path = NewPath();
        using var first = BatchJournal.Open(path, null);
        Assert.Equal(BatchJournal.UnusableId, Assert.Throws<JournalException>(() => BatchJournal.Open(path, null)).ErrorId);
    }

    [Fact]
    public void A_disk_full_at_a_flush_is_reported_and_the_journal_is_still_closed_and_freed()
    {
        var path = NewPath();
        var disk = new FillingDisk();
        var journal = BatchJournal.Open(path, null, disk.Over);
        journal.Append(Result(0, 200));
        journal.Flush();

        disk.Full = true;
        journal.Append(Result(1, 200));
        var failed = Assert.Throws<JournalException>(() => journal.Flush());
        Assert.Equal(BatchJournal.UnusableId, failed.ErrorId);
        Assert.Contains(path, failed.Message);
        Assert.Contains("No space left on device", failed.Message);

        // Reported once: closing after it does not throw again, and releases the file.
        journal.Close();
        journal.Dispose();
        using var again = BatchJournal.Open(path, null);
        Assert.Equal(1, again.Succeeded);
    }

    [Fact]
    public void A_disk_full_first_met_when_closing_is_reported_once_and_the_journal_is_freed()
    {
        var path = NewPath();
        var disk = new FillingDisk();
        var journal = BatchJournal.Open(path, null, disk.Over);
        journal.Append(Result(0, 200));
        disk.Full = true;

        Assert.Equal(BatchJournal.UnusableId, Assert.Throws<JournalException>(() => journal.Close()).ErrorId);
        journal.Close();
        journal.Dispose();
        using var again = BatchJournal.Open(path, null);
        Assert.Equal(0, again.Succeeded);
    }

    [Fact]
    public void A_journal_is_one_journal_whatever_link_it_is_opened_through()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows refuses the second writer by its share mode; links need privileges there.
        }

        var path = NewPath();
        var linkedDirectory = Path.Combine(_dir, "linked");
        Directory.CreateSymbolicLink(linkedDirectory, _dir);
        var fileLink = Path.Combine(_dir, "file-link.jsonl");
        File.CreateSymbolicLink(fileLink, Path.GetFileName(path));
        var chain = Path.Combine(linkedDirectory, "chain.jsonl");
        File.CreateSymbolicLink(chain, fileLink);

        using (BatchJournal.Open(path, null))
        {
            foreach (var alias in new[] { fileLink, chain, Path.Combine(linkedDirectory, Path.GetFileName(path)), Path.Combine(linkedDirectory, "..", Path.GetFileName(_dir), "linked", Path.GetFileName(path)) })
            {
                Assert.Equal(BatchJournal.UnusableId, Assert.Throws<JournalException>(() => BatchJournal.Open(alias, null)).ErrorId);
            }
        }

        Assert.Equal(FinalPath.Of(path), FinalPath.Of(chain));
        using var throughLink = BatchJournal.Open(chain, null);
        Assert.Throws<JournalException>(() => BatchJournal.Open(path, null));
    }

    /// <summary>A disk that fills up: writes and flushes fail with ENOSPC's message once <see cref="Full"/> is set.</summary>
    private sealed class FillingDisk
    {
        public bool Full { get; set; }

        public Stream Over(Stream file) => new Filling(file, this);

        private sealed class Filling : Stream
        {
            private readonly Stream _inner;
            private readonly FillingDisk _disk;

            public Filling(Stream inner, FillingDisk disk)
            {
                _inner = inner;
                _disk = disk;
            }

            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => _inner.Length;
            public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count)
            {
                Check();
                _inner.Write(buffer, offset, count);
            }

            public override void Flush()
            {
                Check();
                _inner.Flush();
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }

            private void Check()
            {
                if (_disk.Full)
                {
                    throw new IOException("No space left on device");
                }
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncWeb.Batch;
using AsyncWeb.Downloads;
using AsyncWeb.Requests;
using AsyncWeb.Sending;
using Xunit;

namespace AsyncWeb.Tests.Downloads;

public sealed class ConditionalFetchTests : IDisposable
{
    private const string ETag = "\"v1\"";
    private const string LastModified = "Wed, 01 Jan 2025 00:01:00 GMT";

    private readonly DirectoryInfo _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "asyncweb-conditional-" + Guid.NewGuid().ToString("N")));
    private readonly Uri _uri = new("https://files.example/a/report.csv");
    private readonly ConditionalFetch _fetch = new(new BatchOptions { IfChanged = true }, null);

    public void Dispose() => _dir.Delete(recursive: true);

    private string Target => Path.Combine(_dir.FullName, "report.csv");

    private RequestSpec Download(string method = "GET") =>
        new(1, _uri, "files.example", method, null) { OutFile = Target };

    /// <summary>The file as the last run left it, with its record.</summary>
    private ValidatorRecord Downloaded(string? etag = ETag, string? lastModified = LastModified, string? sha256 = "ABC")
    {
        File.WriteAllText(Target, "a,b\n1,2\n");
        var record = ValidatorRecord.Of(Target, etag, lastModified, sha256);
        ValidatorStore.Save(_dir.FullName, _uri, "report.csv", record);
        return record;
    }

    private static string? Header(RequestSpec spec, string name) =>
        spec.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).SingleOrDefault();

    private static AttemptOutcome Answer(int status, string? outFile = null, params (string Name, string Value)[] headers) => new()
    {
        StatusCode = status,
        OutFile = outFile,
        Sha256 = outFile is null ? null : "NEW",
        Headers = headers.ToDictionary(h => h.Name, h => new[] { h.Value }, StringComparer.OrdinalIgnoreCase),
    };

    [Fact]
    public void A_GET_download_with_a_record_of_its_unchanged_file_asks_with_both_validators()
    {
        Downloaded();

        var conditional = _fetch.Prepare(Download())!;

        Assert.True(conditional.Asks);
        Assert.Equal(ETag, Header(conditional.Spec, "If-None-Match"));
        Assert.Equal(LastModified, Header(conditional.Spec, "If-Modified-Since"));
    }

    [Fact]
    public void Only_the_validators_the_record_holds_are_sent()
    {
        Downloaded(etag: null);

        var conditional = _fetch.Prepare(Download())!;

        Assert.True(conditional.Asks);
        Assert.Null(Header(conditional.Spec, "If-None-Match"));
        Assert.Equal(LastModified, Header(conditional.Spec, "If-Modified-Since"));
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("POST")]
    public void A_request_other_than_GET_takes_no_part(string method)
    {
        Downloaded();
        Assert.Null(_fetch.Prepare(Download(method)));
    }

    [Fact]
    public void A_request_that_is_no_download_takes_no_part() =>
        Assert.Null(_fetch.Prepare(new RequestSpec(1, _uri, "files.example", "GET", null)));

    [Fact]
    public void A_download_without_a_record_is_fetched_unconditionally()
    {
        var conditional = _fetch.Prepare(Download())!;

        Assert.False(conditional.Asks);
        Assert.Null(Header(conditional.Spec, "If-None-Match"));
        Assert.Null(Header(conditional.Spec, "If-Modified-Since"));
    }

    [Fact]
    public void A_file_deleted_since_its_record_is_fetched_unconditionally()
    {
        Downloaded();
        File.Delete(Target);

        Assert.False(_fetch.Prepare(Download())!.Asks);
    }

    [Fact]
    public void A_file_changed_locally_since_its_record_is_fetched_unconditionally()
    {
        Downloaded();
        File.AppendAllText(Target, "3,4\n");

        Assert.False(_fetch.Prepare(Download())!.Asks);
    }

    [Fact]
    public void A_record_whose_hash_is_not_the_expected_Sha256_is_fetched_unconditionally()
    {
        Downloaded(sha256: "ABC");

        Assert.False(_fetch.Prepare(Download() with { ExpectedSha256 = "DEF" })!.Asks);
        Assert.True(_fetch.Prepare(Download() with { ExpectedSha256 = "abc" })!.Asks);
    }

    [Fact]
    public void A_partial_file_waiting_for_Resume_is_fetched_unconditionally()
    {
        Downloaded();
        File.WriteAllText(AtomicFileWriter.PartialPathFor(Target), "partial");
        File.WriteAllText(AtomicFileWriter.ValidatorPathFor(Target), ETag);

        Assert.False(new ConditionalFetch(new BatchOptions { IfChanged = true, Resume = true }, null).Prepare(Download())!.Asks);
        Assert.True(_fetch.Prepare(Download())!.Asks);
    }

    [Theory]
    [InlineData("If-None-Match")]
    [InlineData("if-modified-since")]
    public void A_request_that_brings_its_own_condition_keeps_it_and_gets_none_added(string name)
    {
        Downloaded();
        var spec = Download() with { Headers = new[] { new KeyValuePair<string, string>(name, "mine") } };

        var conditional = _fetch.Prepare(spec)!;

        Assert.False(conditional.Asks);
        Assert.Equal(new[] { new KeyValuePair<string, string>(name, "mine") }, conditional.Spec.Headers);
    }

    [Fact]
    public void A_304_to_the_question_is_skipped_as_not_modified_with_the_file_and_hash_of_the_record()
    {
        var record = Downloaded();
        var conditional = _fetch.Prepare(Download())!;

        var outcome = _fetch.Finish(conditional, Answer(304));

        Assert.True(outcome.Skipped);
        Assert.Equal(SkipReasons.NotModified, outcome.SkipReason);
        Assert.Equal(Target, outcome.OutFile);
        Assert.Equal("ABC", outcome.Sha256);
        Assert.Equal(record, ValidatorStore.Read(_dir.FullName, _uri, "report.csv"));
    }

    [Fact]
    public void A_304_to_a_request_that_did_not_ask_is_left_as_it_is()
    {
        var conditional = _fetch.Prepare(Download())!;
        var answer = Answer(304);

        Assert.Same(answer, _fetch.Finish(conditional, answer));
    }

    [Fact]
    public void A_200_keeps_the_new_validators_of_the_file_it_wrote()
    {
        Downloaded();
        var conditional = _fetch.Prepare(Download())!;
        File.WriteAllText(Target, "a,b\n1,2\n3,4\n");

        var outcome = _fetch.Finish(conditional, Answer(200, Target, ("ETag", "\"v2\""), ("Last-Modified", "Thu, 02 Jan 2025 00:00:00 GMT")));

        Assert.False(outcome.Skipped);
        var kept = ValidatorStore.Read(_dir.FullName, _uri, "report.csv")!;
        Assert.Equal("\"v2\"", kept.ETag);
        Assert.Equal("Thu, 02 Jan 2025 00:00:00 GMT", kept.LastModified);
        Assert.Equal("NEW", kept.Sha256);
        Assert.True(kept.Describes(Target));
    }

    [Fact]
    public void A_200_without_validators_forgets_the_old_record()
    {
        Downloaded();
        var conditional = _fetch.Prepare(Download())!;

        _fetch.Finish(conditional, Answer(200, Target));

        Assert.Null(ValidatorStore.Read(_dir.FullName, _uri, "report.csv"));
    }

    [Fact]
    public void A_failed_answer_leaves_the_record_alone()
    {
        var record = Downloaded();
        var conditional = _fetch.Prepare(Download())!;
        var failed = Answer(500, Target, ("ETag", "\"v2\"")) with
        {
            Failure = new WebBatchError(ErrorIds.HttpStatus, FailureCategory.HttpStatus, "the server answered 500"),
        };

        Assert.Same(failed, _fetch.Finish(conditional, failed));
        Assert.Equal(record, ValidatorStore.Read(_dir.FullName, _uri, "report.csv"));
    }
}

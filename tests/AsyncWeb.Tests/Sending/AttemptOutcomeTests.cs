using System;
using System.Collections.Generic;
using AsyncWeb.Hosts;
using AsyncWeb.Requests;
using AsyncWeb.Security;
using AsyncWeb.Sending;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Sending;

/// <summary>A result reads what its last attempt answered from the outcome itself; a field set on one result changes no other.</summary>
public class AttemptOutcomeTests
{
    private static readonly Uri s_uri = new("http://h/a");

    [Fact]
    public void A_result_shows_its_outcome_without_a_copy()
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) { ["ETag"] = new[] { "\"e\"" } };
        var outcome = new AttemptOutcome
        {
            StatusCode = 206, ReasonPhrase = "Partial", Headers = headers, ContentType = "text/plain", ContentLength = 3, Content = "abc",
            FinalUri = new Uri("http://h/b"), ProtocolVersion = new Version(2, 0), OutFile = "/f", Sha256 = "AB", Resumed = true,
            Skipped = true, SkipReason = SkipReasons.NotModified, BytesSent = 9, StreamItemCount = 4, TimeToFirstStreamItem = TimeSpan.FromTicks(12_345_678),
        };

        var result = outcome.ToResult(new RequestSpec(3, s_uri, HostKey.Of(s_uri), "GET", "input"), DateTimeOffset.Now, TimeSpan.FromSeconds(1), 1, UriRedactor.Default, PhaseTimings.None);

        Assert.Same(outcome, result.Answer);
        Assert.Equal((206, "Partial", "text/plain", 3L, "abc"), (result.StatusCode, result.ReasonPhrase, result.ContentType, result.ContentLength, result.Content));
        Assert.Same(headers, result.Headers);
        Assert.Equal(("http://h/b", "2.0", "/f", "AB", true), (result.FinalUri!.ToString(), result.ProtocolVersion!.ToString(), result.OutFile, result.Sha256, result.Resumed));
        Assert.Equal((true, "NotModified", 9L, 4L), (result.Skipped, result.SkipReason, result.BytesSent, result.StreamItemCount));
        Assert.Equal(1234.568, result.TimeToFirstStreamItemMs);
        Assert.Equal((3L, "GET", "input"), (result.Index, result.Method, result.Input));
    }

    [Fact]
    public void Setting_a_field_of_one_result_changes_no_other_result_nor_the_outcome()
    {
        var outcome = new AttemptOutcome { StatusCode = 200 };
        var first = outcome.ToResult(new RequestSpec(0, s_uri, HostKey.Of(s_uri), "GET", null), DateTimeOffset.Now, TimeSpan.Zero, 1, UriRedactor.Default, PhaseTimings.None);
        var second = outcome.ToResult(new RequestSpec(1, s_uri, HostKey.Of(s_uri), "GET", null), DateTimeOffset.Now, TimeSpan.Zero, 1, UriRedactor.Default, PhaseTimings.None);

        first.StatusCode = 304;
        first.Skipped = true;
        var replayed = new WebBatchResult { StatusCode = 201, OutFile = "/x", Skipped = true };

        Assert.Equal((304, true), (first.StatusCode, first.Skipped));
        Assert.Equal((200, false), (second.StatusCode, second.Skipped));
        Assert.Equal((200, false), (outcome.StatusCode, outcome.Skipped));
        Assert.Equal((201, "/x", true), (replayed.StatusCode, replayed.OutFile, replayed.Skipped));
        Assert.Equal((0, null, false), (new WebBatchResult().StatusCode, new WebBatchResult().OutFile, new WebBatchResult().Skipped));
        Assert.Equal(0, AttemptOutcome.None.StatusCode);
        Assert.Empty(new WebBatchResult().Headers);
    }
}

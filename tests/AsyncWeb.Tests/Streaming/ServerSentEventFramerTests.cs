using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

/// <summary>The WHATWG HTML standard's event stream interpretation, rule by rule; every case also split at every byte.</summary>
public sealed class ServerSentEventFramerTests
{
    private const WebStreamFormat Sse = WebStreamFormat.ServerSentEvents;

    [Fact]
    public void Data_over_several_lines_is_joined_with_LF_and_the_type_defaults_to_message()
    {
        var units = Framing.FrameAtEverySplit(Sse, "data: first\ndata:second\ndata:  third\n\n");

        Assert.Equal(new[] { "message||first\nsecond\n third" }, units);
    }

    [Fact]
    public void CR_LF_and_CRLF_each_end_a_line_and_a_CR_then_LF_across_chunks_is_one_line_end()
    {
        // Were CR|LF across a split two line ends, the empty "line" between would dispatch early and lose "b".
        var units = Framing.FrameAtEverySplit(Sse, "data:a\r\ndata:b\r\r\ndata:c\rdata:d\n\nevent:e\rdata:f\r\r");

        Assert.Equal(new[] { "message||a\nb", "message||c\nd", "e||f" }, units);
    }

    [Fact]
    public void Event_names_the_type_and_id_is_the_last_event_id_at_dispatch_kept_for_later_events()
    {
        var units = Framing.FrameAtEverySplit(Sse, "event: add\nid: 1\ndata: x\n\ndata: y\n\nid\ndata: z\n\n");

        Assert.Equal(new[] { "add|1|x", "message|1|y", "message||z" }, units);
    }

    [Fact]
    public void An_id_containing_NUL_is_ignored()
    {
        var units = Framing.FrameAtEverySplit(Sse, "id: 7\ndata: a\n\nid: 8\0x\ndata: b\n\n");

        Assert.Equal(new[] { "message|7|a", "message|7|b" }, units);
    }

    [Fact]
    public void Comments_unknown_fields_and_a_field_without_colon_are_handled_as_the_standard_says()
    {
        // ":" lines are comments; "data" without a colon is an empty data line; unknown fields are ignored;
        // only one space after the colon is removed; a field name is case-sensitive.
        var units = Framing.FrameAtEverySplit(Sse, ": keep-alive\n:\nfoo: bar\nDATA: no\ndata\ndata:  two spaces\n\n");

        Assert.Equal(new[] { "message||\n two spaces" }, units);
    }

    [Fact]
    public void An_event_without_data_is_not_dispatched_but_its_id_still_becomes_the_last_event_id()
    {
        var framer = new ServerSentEventFramer(Framing.Unlimited);
        var units = Framing.Frame(framer, Encoding.UTF8.GetBytes("event: ping\nid: 42\n\n\n\ndata:\n\n"));

        // "data:" with an empty value is data (an empty string), and it carries the id set before.
        Assert.Equal(new[] { "message|42|" }, units);
        Assert.Equal("42", framer.LastEventId);
    }

    [Fact]
    public void An_unterminated_event_at_the_end_of_the_stream_is_discarded()
    {
        var framer = new ServerSentEventFramer(Framing.Unlimited);
        var units = Framing.Frame(framer, Encoding.UTF8.GetBytes("id: 1\ndata: kept\n\nid: 2\ndata: lost\n"));

        Assert.Equal(new[] { "message|1|kept" }, units);
        Assert.Equal("1", framer.LastEventId);
        Assert.Equal(new[] { "message||x" }, Framing.FrameAtEverySplit(Sse, "data: x\n\ndata: y"));
    }

    [Fact]
    public void Retry_sets_the_reconnection_time_only_when_it_is_all_ASCII_digits()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2500), ReconnectionTimeAfter("retry: 2500\n"));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), ReconnectionTimeAfter("retry: 2500\nretry: 1.5\nretry: -1\nretry: 10s\nretry: \nretry: ٣\n"));
        Assert.Equal(TimeSpan.Zero, ReconnectionTimeAfter("retry:0\n"));
        Assert.Null(ReconnectionTimeAfter("retry: soon\n"));
        Assert.Equal(TimeSpan.FromDays(1), ReconnectionTimeAfter("retry: 99999999999999999999999999\n"));
    }

    [Fact]
    public void A_leading_BOM_is_skipped_once_and_a_second_one_is_data()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("data: a\n\n\uFEFFdata: b\n\n")).ToArray();

        // "\uFEFFdata" is an unknown field name, so only the first event is dispatched.
        Assert.Equal(new[] { "message||a" }, Framing.FrameAtEverySplit(Sse, body));
    }

    [Fact]
    public void Multi_byte_characters_in_data_event_and_id_survive_every_split()
    {
        var units = Framing.FrameAtEverySplit(Sse, "event: ünïcode\nid: 東\ndata: 🚀 and ë\n\n");

        Assert.Equal(new[] { "ünïcode|東|🚀 and ë" }, units);
    }

    [Fact]
    public void A_new_connection_drops_the_partial_event_and_keeps_the_last_event_id_and_retry()
    {
        var framer = new ServerSentEventFramer(Framing.Unlimited);
        var output = new List<StreamUnit>();
        framer.Feed(Encoding.UTF8.GetBytes("retry: 3000\nid: 5\ndata: a\n\nid: 6\ndata: partial\nda"), output);

        framer.BeginNewConnection();
        framer.Feed(new byte[] { 0xEF, 0xBB, 0xBF }, output);
        framer.Feed(Encoding.UTF8.GetBytes("ta: b\n\ndata: c\n\n"), output);

        Assert.Equal(new[] { "message|5|a", "message|5|c" }, output.Select(Framing.Show));
        Assert.Equal("5", framer.LastEventId);
        Assert.Equal(TimeSpan.FromSeconds(3), framer.ReconnectionTime);
    }

    [Fact]
    public void Event_data_over_the_limit_throws_and_data_at_the_limit_passes()
    {
        Assert.Equal(new[] { "message||12\n45" }, Framing.Frame(Sse, "data: 12\ndata: 45\n\n", maximumUnitBytes: 5));

        var error = Framing.Fails<StreamUnitTooLargeException>(Sse, "data: 12\ndata: 456\n\n", maximumUnitBytes: 5);
        Assert.Equal("event", error.UnitKind);

        // A line that never ends is refused too, without holding more than the limit and a field name.
        Framing.Fails<StreamUnitTooLargeException>(Sse, ": " + new string('x', 100), maximumUnitBytes: 5);
    }

    private static TimeSpan? ReconnectionTimeAfter(string body)
    {
        var framer = new ServerSentEventFramer(Framing.Unlimited);
        Framing.Frame(framer, Encoding.UTF8.GetBytes(body));
        return framer.ReconnectionTime;
    }
}

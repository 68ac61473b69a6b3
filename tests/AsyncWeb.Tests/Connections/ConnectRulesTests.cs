using System;
using System.Linq;
using System.Net;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class ConnectRulesTests
{
    [Fact]
    public void A_pinned_host_and_port_connects_to_its_addresses_at_the_same_port()
    {
        var rules = ConnectRules.Parse(new[] { "api.example.com:443:10.0.0.5" }, null);
        var target = rules.TargetFor(new Uri("https://API.example.com/items"))!;
        Assert.Equal(new[] { IPAddress.Parse("10.0.0.5") }, target.Addresses);
        Assert.Equal(443, target.Port);
    }

    [Theory]
    [InlineData("https://api.example.com:8443/")]
    [InlineData("http://api.example.com/")]
    [InlineData("https://other.example.com/")]
    public void Another_port_or_name_connects_as_usual(string uri) =>
        Assert.Null(ConnectRules.Parse(new[] { "api.example.com:443:10.0.0.5" }, null).TargetFor(new Uri(uri)));

    [Fact]
    public void A_named_host_wins_over_star_whatever_the_order()
    {
        var rules = ConnectRules.Parse(new[] { "*:443:10.0.0.9", "api.example.com:443:10.0.0.5" }, null);
        Assert.Equal("10.0.0.5:443", rules.TargetFor(new Uri("https://api.example.com/"))!.ToString());
        Assert.Equal("10.0.0.9:443", rules.TargetFor(new Uri("https://other.example.com/"))!.ToString());
    }

    [Fact]
    public void Thousands_of_entries_answer_as_a_few_do_first_entry_of_a_host_and_port_then_star()
    {
        var entries = new System.Collections.Generic.List<string> { "*:443:10.9.9.9", "h0003.sweep.test:8443:10.0.0.33" };
        for (var i = 1; i <= 2000; i++)
        {
            entries.Add($"h{i:0000}.sweep.test:443:10.0.{i / 256}.{i % 256}");
        }

        entries.Add("h0005.sweep.test:443:10.5.5.5"); // a later entry for the same host and port never wins
        var rules = ConnectRules.Parse(entries, null);
        Assert.Equal("10.0.0.5:443", rules.TargetFor(new Uri("https://h0005.sweep.test/"))!.ToString());
        Assert.Equal("10.0.7.208:443", rules.TargetFor(new Uri("https://H2000.sweep.test/"))!.ToString());
        Assert.Equal("10.0.0.33:8443", rules.TargetFor(new Uri("https://h0003.sweep.test:8443/"))!.ToString());
        Assert.Equal("10.9.9.9:443", rules.TargetFor(new Uri("https://h9999.sweep.test/"))!.ToString());
        Assert.Null(rules.TargetFor(new Uri("https://h9999.sweep.test:8443/")));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(2000)]
    public void Every_hop_an_entry_pins_gets_the_entrys_one_target_not_one_made_per_hop(int names)
    {
        var entries = new System.Collections.Generic.List<string> { "*:443:10.9.9.9" };
        for (var i = 1; i <= names; i++)
        {
            entries.Add($"h{i:0000}.sweep.test:443:10.0.0.{i % 256}");
        }

        var rules = ConnectRules.Parse(entries, null);
        var first = rules.TargetFor(new Uri("https://h0002.sweep.test/a"))!;
        Assert.Same(first, rules.TargetFor(new Uri("https://H0002.sweep.test/b")));
        Assert.Same(rules.TargetFor(new Uri("https://other.example.com/")), rules.TargetFor(new Uri("https://another.example.com/")));
        Assert.Equal("10.0.0.2:443", first.ToString());
    }

    [Fact]
    public void Connect_to_moves_the_host_and_port_then_resolve_pins_the_new_ones()
    {
        var rules = ConnectRules.Parse(new[] { "backend.example.com:8443:10.0.0.7" }, new[] { "api.example.com:443:backend.example.com:8443" });
        Assert.Equal("10.0.0.7:8443", rules.TargetFor(new Uri("https://api.example.com/"))!.ToString());

        var unpinned = ConnectRules.Parse(null, new[] { "api.example.com:443:backend.example.com:8443" });
        var target = unpinned.TargetFor(new Uri("https://api.example.com/"))!;
        Assert.Equal("backend.example.com", target.Host);
        Assert.Null(target.Addresses);
        Assert.Equal(8443, target.Port);
    }

    [Fact]
    public void Connect_to_the_same_host_and_port_is_no_move() =>
        Assert.Null(ConnectRules.Parse(null, new[] { "api.example.com:443::" }).TargetFor(new Uri("https://api.example.com/")));

    [Fact]
    public void An_items_entries_win_over_the_batchs()
    {
        var batch = ConnectRules.Parse(new[] { "api.example.com:443:10.0.0.5" }, null);
        var item = ConnectRules.Parse(new[] { "api.example.com:443:10.0.0.6" }, null).Then(batch);
        Assert.Equal("10.0.0.6:443", item.TargetFor(new Uri("https://api.example.com/"))!.ToString());
    }

    [Fact]
    public void An_items_star_entries_and_the_batchs_follow_the_flat_list_rule_named_first_then_star_in_order()
    {
        // As if the item's entries were written before the batch's in one list.
        var batch = ConnectRules.Parse(new[] { "*:443:10.0.0.1", "api.example.com:443:10.0.0.5" }, null);
        var item = ConnectRules.Parse(new[] { "*:443:10.0.0.2" }, null).Then(batch);
        Assert.Equal("10.0.0.5:443", item.TargetFor(new Uri("https://api.example.com/"))!.ToString());
        Assert.Equal("10.0.0.2:443", item.TargetFor(new Uri("https://other.example.com/"))!.ToString());
        Assert.Equal("10.0.0.1:443", batch.TargetFor(new Uri("https://other.example.com/"))!.ToString());
        var pinned = batch.Pinned("other.example.com", 443, IPAddress.Parse("10.0.0.7"));
        Assert.Equal("10.0.0.7:443", pinned.TargetFor(new Uri("https://other.example.com/"))!.ToString());
        Assert.Equal("10.0.0.1:443", pinned.TargetFor(new Uri("https://third.example.com/"))!.ToString());
    }

    [Fact]
    public void An_items_entries_go_in_front_of_a_large_batchs_without_copying_them()
    {
        // A sweep: thousands of -Resolve entries for the batch, and an item with its own. Counted in bytes allocated
        // per item (the same on any machine), not in time: copying the batch's entries would be 80 KB and more.
        var batch = ConnectRules.Parse(Enumerable.Range(0, 10_000).Select(i => $"h{i}.example.com:443:10.0.{i / 256}.{i % 256}").Append("*:443:10.9.9.9"), null);
        var uri = new Uri("https://h42.example.com/");
        Assert.Equal("10.0.0.42:443", batch.TargetFor(uri)!.ToString());
        var item = batch;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            item = ConnectRules.Parse(new[] { $"h42.example.com:443:10.1.0.{i % 256}" }, null).Then(batch);
        }

        var perItem = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        Assert.True(perItem < 16 * 1024, $"{perItem} bytes per item");
        Assert.Equal("10.1.0.231:443", item.TargetFor(uri)!.ToString());
        Assert.Equal("10.0.0.43:443", item.TargetFor(new Uri("https://h43.example.com/"))!.ToString());
        Assert.Equal("10.9.9.9:443", item.TargetFor(new Uri("https://other.example.com/"))!.ToString());
        Assert.Equal("10.2.0.1:443", item.Pinned("h42.example.com", 443, System.Net.IPAddress.Parse("10.2.0.1")).TargetFor(uri)!.ToString());
    }

    [Fact]
    public void Targets_compare_by_value_so_one_place_is_one_pool()
    {
        var a = ConnectRules.Parse(new[] { "a.example.com:443:10.0.0.5" }, null).TargetFor(new Uri("https://a.example.com/"));
        var b = ConnectRules.Parse(new[] { "b.example.com:443:10.0.0.5" }, null).TargetFor(new Uri("https://b.example.com/"));
        var c = ConnectRules.Parse(new[] { "a.example.com:443:10.0.0.6" }, null).TargetFor(new Uri("https://a.example.com/"));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void IPv6_targets_show_brackets() =>
        Assert.Equal("[::1],127.0.0.1:80", ConnectRules.Parse(new[] { "h:80:[::1],127.0.0.1" }, null).TargetFor(new Uri("http://h/"))!.ToString());
}

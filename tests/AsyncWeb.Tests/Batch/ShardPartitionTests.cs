using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Batch;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Batch;

public class ShardPartitionTests
{
    private static readonly Func<string, string?> s_noEnvironment = _ => null;

    // Fixed forever: a fleet of workers on different machines, runtimes and versions must agree. The
    // expected values were computed independently: int.from_bytes(sha256(key).digest()[:8], 'big').
    [Theory]
    [InlineData("example.com", 0xa379a6f6eeafb9a5UL)]
    [InlineData("127.0.0.1", 0x12ca17b49af22894UL)]
    [InlineData("localhost", 0x49960de5880e8c68UL)]
    [InlineData("xn--bcher-kva.de", 0xdfb7cbaef73d9812UL)]
    [InlineData("tenant-42", 0xf71d3741b2bc6cc8UL)]
    public void Hash_is_the_first_eight_bytes_of_SHA256_big_endian(string key, ulong expected) =>
        Assert.Equal(expected, ShardPartition.Hash(key));

    [Theory]
    [InlineData("example.com", 2, 1)]
    [InlineData("example.com", 7, 5)]
    [InlineData("example.com", 16, 5)]
    [InlineData("127.0.0.1", 3, 2)]
    [InlineData("127.0.0.1", 16, 4)]
    [InlineData("localhost", 16, 8)]
    [InlineData("xn--bcher-kva.de", 4, 2)]
    [InlineData("::1", 4, 2)]
    [InlineData("api.contoso.com", 7, 5)]
    public void ShardOf_assigns_known_keys_to_known_shards(string key, int count, int shard) =>
        Assert.Equal(shard, ShardPartition.ShardOf(key, count));

    [Fact]
    public void ShardOf_folds_ASCII_letters_only() =>
        Assert.Equal(ShardPartition.Hash("example.com"), ShardPartition.Hash("EXAMPLE.Com"));

    [Fact]
    public void ShardOf_leaves_other_letters_as_they_are_so_no_culture_can_move_a_key() =>
        Assert.NotEqual(ShardPartition.Hash("straße"), ShardPartition.Hash("STRASSE"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_key_belongs_to_shard_0(string? key)
    {
        Assert.Equal(0, ShardPartition.ShardOf(key, 4));
        Assert.True(ShardPartition.Parse("0/4", s_noEnvironment).Keeps(key));
        Assert.False(ShardPartition.Parse("3/4", s_noEnvironment).Keeps(key));
    }

    [Fact]
    public void Every_key_lands_in_exactly_one_shard_and_the_shards_are_even()
    {
        var keys = Enumerable.Range(0, 20000).Select(i => $"host-{i}.example").ToList();
        foreach (var count in new[] { 1, 2, 3, 4, 7 })
        {
            var shards = Enumerable.Range(0, count).Select(i => ShardPartition.Parse($"{i}/{count}", s_noEnvironment)).ToList();
            var sizes = new int[count];
            foreach (var key in keys)
            {
                var owners = shards.Where(s => s.Keeps(key)).ToList();
                Assert.Single(owners);
                sizes[owners[0].Index]++;
            }

            // A fair split of 20,000 keys is within a few percent of 20,000 / count.
            Assert.All(sizes, size => Assert.InRange(size, 20000 / count * 0.9, 20000 / count * 1.1));
        }
    }

    [Theory]
    [InlineData("http://Example.COM:8080/a", "example.com")]
    [InlineData("https://example.com./", "example.com")]
    [InlineData("http://[::1]:5000/", "::1")]
    [InlineData("http://bücher.de/", "xn--bcher-kva.de")]
    [InlineData("http://127.1/", "127.0.0.1")]
    public void HostKeyOf_is_the_host_as_sent_without_port_brackets_or_trailing_dot(string uri, string key) =>
        Assert.Equal(key, HostKey.NameOf(new Uri(uri)));

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData(" 2 / 16 ", 2, 16)]
    [InlineData("007/8", 7, 8)]
    public void Parse_reads_i_of_N(string text, int index, int count)
    {
        var partition = ShardPartition.Parse(text, s_noEnvironment);
        Assert.Equal(index, partition.Index);
        Assert.Equal(count, partition.Count);
    }

    [Theory]
    [InlineData("4/4", "from 0 to 3")]
    [InlineData("-1/4", "from 0 to 3")]
    [InlineData("1/0", "from 1 to")]
    [InlineData("1/x", "'x'")]
    [InlineData("1", "'i/N'")]
    [InlineData("1/2/3", "'i/N'")]
    [InlineData("", "'i/N'")]
    [InlineData("0/1000001", "from 1 to 1000000")]
    [InlineData("99999999999/4", "from 0 to 3")]
    public void Parse_refuses_what_is_not_a_shard(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ShardPartition.Parse(text, s_noEnvironment));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Star_takes_the_shard_from_JOB_COMPLETION_INDEX()
    {
        var environment = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "2" };
        var partition = ShardPartition.Parse("*/3", name => environment.TryGetValue(name, out var value) ? value : null);
        Assert.Equal(2, partition.Index);
        Assert.Equal(3, partition.Count);
    }

    [Theory]
    [InlineData(null, "not set")]
    [InlineData("", "not set")]
    [InlineData("3", "$env:JOB_COMPLETION_INDEX: the shard '3' is not a whole number from 0 to 2")]
    [InlineData("one", "'one'")]
    public void Star_without_a_usable_JOB_COMPLETION_INDEX_says_so(string? value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ShardPartition.Parse("*/3", _ => value));
        Assert.Contains(expected, error.Message);
    }
}

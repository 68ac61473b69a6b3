using System;
using AsyncWeb.Journal;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Journal;

public class ItemKeysTests
{
    private static readonly Uri s_uri = new("https://api.example.com/charges?token=s3cret");
    private const string Digest = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_key_is_32_hex_digits_and_the_same_every_time()
    {
        var key = ItemKeys.Of(7, "POST", s_uri, Digest);
        Assert.Matches("^[0-9a-f]{32}$", key);
        Assert.Equal(key, ItemKeys.Of(7, "POST", new Uri("https://api.example.com/charges?token=s3cret"), Digest));
    }

    [Fact]
    public void A_key_is_fixed_forever()
    {
        // Journals outlive versions: within journal format 2 this value must never change.
        Assert.Equal("569e41d1b1db844a3f305b3ed4fe28cc", ItemKeys.Of(0, "GET", new Uri("http://127.0.0.1/json"), RequestDigest.Of(new RequestSpec(0, new Uri("http://127.0.0.1/json"), "127.0.0.1:80", "GET", null))));
    }

    [Fact]
    public void Position_method_and_uri_all_count()
    {
        var key = ItemKeys.Of(7, "POST", s_uri, Digest);
        Assert.NotEqual(key, ItemKeys.Of(8, "POST", s_uri, Digest));
        Assert.NotEqual(key, ItemKeys.Of(7, "PUT", s_uri, Digest));
        Assert.NotEqual(key, ItemKeys.Of(7, "POST", new Uri("https://api.example.com/charges?token=other"), Digest));
    }

    [Fact]
    public void A_named_key_does_not_depend_on_the_position_but_on_method_and_uri()
    {
        Assert.NotEqual(ItemKeys.Of("7", "POST", s_uri, Digest), ItemKeys.Of(7, "POST", s_uri, Digest));
        Assert.NotEqual(ItemKeys.Of("a", "POST", s_uri, Digest), ItemKeys.Of("a", "POST", new Uri("https://other.example.com/"), Digest));
    }

    [Fact]
    public void What_else_the_request_sends_counts()
    {
        Assert.NotEqual(ItemKeys.Of(7, "POST", s_uri, Digest), ItemKeys.Of(7, "POST", s_uri, "fedcba9876543210fedcba9876543210"));
        Assert.NotEqual(ItemKeys.Of("a", "POST", s_uri, Digest), ItemKeys.Of("a", "POST", s_uri, "fedcba9876543210fedcba9876543210"));
    }

    [Fact]
    public void The_key_holds_no_part_of_the_uri() =>
        Assert.DoesNotContain("s3cret", ItemKeys.Of(7, "POST", s_uri, Digest));

    [Fact]
    public void Idempotency_keys_depend_on_run_and_item()
    {
        var item = ItemKeys.Of(7, "POST", s_uri, Digest);
        var key = ItemKeys.IdempotencyKey("run-1", item);
        Assert.Equal(key, ItemKeys.IdempotencyKey("run-1", item));
        Assert.NotEqual(key, ItemKeys.IdempotencyKey("run-2", item));
        Assert.NotEqual(key, ItemKeys.IdempotencyKey("run-1", ItemKeys.Of(8, "POST", s_uri, Digest)));
        Assert.NotEqual(item, key);
    }
}

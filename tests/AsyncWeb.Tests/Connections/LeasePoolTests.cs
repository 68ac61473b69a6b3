using System;
using System.Collections.Generic;
using System.Net;
using AsyncWeb.Connections;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class LeasePoolTests
{
    private sealed class Probe : IDisposable
    {
        public Probe(string key) => Key = key;

        public string Key { get; }

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private static (LeasePool<string, Probe> Pool, List<Probe> Created) NewPool(int bound)
    {
        var created = new List<Probe>();
        var pool = new LeasePool<string, Probe>(bound, key =>
        {
            var probe = new Probe(key);
            created.Add(probe);
            return probe;
        });
        return (pool, created);
    }

    [Fact]
    public void Equal_keys_share_one_value()
    {
        var (pool, created) = NewPool(4);
        using var a = pool.Rent("x");
        using var b = pool.Rent("x");
        Assert.Same(a.Value, b.Value);
        Assert.Single(created);
    }

    [Fact]
    public void Beyond_the_bound_the_least_recently_used_idle_value_is_disposed()
    {
        var (pool, created) = NewPool(2);
        pool.Rent("a").Dispose();
        pool.Rent("b").Dispose();
        pool.Rent("a").Dispose(); // a is now more recent than b
        pool.Rent("c").Dispose();
        Assert.Equal(2, pool.Count);
        Assert.True(created.Find(p => p.Key == "b")!.Disposed);
        Assert.False(created.Find(p => p.Key == "a")!.Disposed);
        Assert.False(created.Find(p => p.Key == "c")!.Disposed);
    }

    [Fact]
    public void A_value_in_use_is_never_disposed_and_the_pool_shrinks_once_it_is_returned()
    {
        var (pool, created) = NewPool(1);
        var a = pool.Rent("a");
        var b = pool.Rent("b");
        Assert.Equal(2, pool.Count);
        Assert.DoesNotContain(created, p => p.Disposed);
        a.Dispose();
        Assert.Equal(1, pool.Count);
        Assert.True(created[0].Disposed);
        Assert.False(created[1].Disposed);
        b.Dispose();
        b.Dispose(); // a second dispose is harmless
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Equal_proxy_credentials_are_one_key_and_different_ones_are_not()
    {
        HandlerSettings Settings(NetworkCredential? credential) =>
            new(false, new Uri("http://proxy:8080"), CredentialKey.From(credential), false, TimeSpan.FromSeconds(10), 0, TimeSpan.FromMinutes(5));

        Assert.Equal(Settings(new NetworkCredential("ops", "pa55")), Settings(new NetworkCredential("ops", "pa55")));
        Assert.Equal(Settings(new NetworkCredential("ops", "pa55")).GetHashCode(), Settings(new NetworkCredential("ops", "pa55")).GetHashCode());
        Assert.NotEqual(Settings(new NetworkCredential("ops", "pa55")), Settings(new NetworkCredential("ops", "other")));
        Assert.NotEqual(Settings(new NetworkCredential("ops", "pa55")), Settings(new NetworkCredential("dev", "pa55")));
        Assert.NotEqual(Settings(new NetworkCredential("ops", "pa55", "CORP")), Settings(new NetworkCredential("ops", "pa55")));
        Assert.NotEqual(Settings(new NetworkCredential("ops", "pa55")), Settings(null));
    }

    [Fact]
    public void A_pool_key_never_prints_the_password()
    {
        var settings = new HandlerSettings(false, new Uri("http://proxy:8080"), CredentialKey.From(new NetworkCredential("ops", "PA55-W0RD", "CORP")), false, TimeSpan.FromSeconds(10), 0, TimeSpan.FromMinutes(5));
        Assert.DoesNotContain("PA55-W0RD", settings.ToString());
        Assert.Contains("CORP\\ops", settings.ToString());
    }
}

using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class NameResolverTests
{
    private static readonly IPAddress[] s_answer = [IPAddress.Parse("192.0.2.1"), IPAddress.Parse("2001:db8::1")];

    /// <summary>A lookup that counts its calls per name and answers when told (or at once).</summary>
    private sealed class Lookup
    {
        private readonly TaskCompletionSource<IPAddress[]>? _gate;

        public Lookup(bool held = false) => _gate = held ? new TaskCompletionSource<IPAddress[]>(TaskCreationOptions.RunContinuationsAsynchronously) : null;

        public ConcurrentDictionary<string, int> Calls { get; } = new();

        public Exception? Failure { get; set; }

        public void Release() => _gate!.SetResult(s_answer);

        public async Task<IPAddress[]> RunAsync(string host, CancellationToken cancellationToken)
        {
            Calls.AddOrUpdate(host, 1, static (_, n) => n + 1);
            var answer = _gate is null ? s_answer : await _gate.Task;
            return Failure is { } failure ? throw failure : answer;
        }
    }

    private sealed class Clock
    {
        public long Now { get; set; } = 1_000_000;

        public long Read() => Now;
    }

    [Fact]
    public async Task A_thousand_concurrent_resolves_of_one_name_do_one_lookup()
    {
        var lookup = new Lookup(held: true);
        var resolver = new NameResolver(lookup.RunAsync, TimeSpan.FromSeconds(60), 16);
        var waits = new Task<IPAddress[]>[1000];
        Parallel.For(0, waits.Length, i => waits[i] = resolver.ResolveAsync("api.example", CancellationToken.None));
        Assert.All(waits, w => Assert.False(w.IsCompleted)); // every one waits on the lookup in flight
        lookup.Release();
        var answers = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, lookup.Calls["api.example"]);
        Assert.Equal(1, resolver.Lookups);
        Assert.All(answers, a => Assert.Equal(s_answer, a));
    }

    [Fact]
    public async Task Names_differing_only_in_case_share_one_lookup()
    {
        var lookup = new Lookup();
        var resolver = new NameResolver(lookup.RunAsync, TimeSpan.FromSeconds(60), 16);
        await resolver.ResolveAsync("API.example", CancellationToken.None);
        await resolver.ResolveAsync("api.EXAMPLE", CancellationToken.None);
        Assert.Equal(1, resolver.Lookups);
    }

    [Fact]
    public async Task An_answer_is_kept_until_the_ttl_ends_then_looked_up_again()
    {
        var lookup = new Lookup();
        var clock = new Clock();
        var resolver = new NameResolver(lookup.RunAsync, TimeSpan.FromSeconds(60), 16, clock.Read);
        await resolver.ResolveAsync("a.example", CancellationToken.None);
        clock.Now += 59_999;
        await resolver.ResolveAsync("a.example", CancellationToken.None);
        Assert.Equal(1, lookup.Calls["a.example"]);

        clock.Now += 1;
        await resolver.ResolveAsync("a.example", CancellationToken.None);
        Assert.Equal(2, lookup.Calls["a.example"]);
    }

    [Fact]
    public async Task Beyond_capacity_the_least_recently_used_name_is_dropped()
    {
        var lookup = new Lookup();
        var resolver = new NameResolver(lookup.RunAsync, TimeSpan.FromSeconds(60), 2);
        await resolver.ResolveAsync("a.example", CancellationToken.None);
        await resolver.ResolveAsync("b.example", CancellationToken.None);
        await resolver.ResolveAsync("a.example", CancellationToken.None); // a is now the most recently used
        await resolver.ResolveAsync("c.example", CancellationToken.None); // drops b
        await resolver.ResolveAsync("a.example", CancellationToken.None);
        await resolver.ResolveAsync("c.example", CancellationToken.None);
        Assert.Equal(3, resolver.Lookups);

        await resolver.ResolveAsync("b.example", CancellationToken.None);
        Assert.Equal(2, lookup.Calls["b.example"]);
    }

    [Fact]
    public async Task A_failure_is_kept_a_short_while_then_looked_up_again()
    {
        var lookup = new Lookup { Failure = new SocketException((int)SocketError.HostNotFound) };
        var clock = new Clock();
        var resolver = new NameResolver(lookup.RunAsync, TimeSpan.FromSeconds(60), 16, clock.Read);
        await Assert.ThrowsAsync<SocketException>(() => resolver.ResolveAsync("dead.example", CancellationToken.None));
        await Assert.ThrowsAsync<SocketException>(() => resolver.ResolveAsync("dead.example", CancellationToken.None));
        Assert.Equal(1, lookup.Calls["dead.example"]);

        clock.Now += (long)NameResolver.FailureTtl.TotalMilliseconds;
        lookup.Failure = null;
        var answer = await resolver.ResolveAsync("dead.example", CancellationToken.None);
        Assert.Equal(2, lookup.Calls["dead.example"]);
        Assert.Equal(s_answer, answer);
    }

    [Fact]
    public async Task No_address_is_a_host_not_found_failure()
    {
        var resolver = new NameResolver((_, _) => Task.FromResult(Array.Empty<IPAddress>()), TimeSpan.FromSeconds(60), 16);
        var error = await Assert.ThrowsAsync<SocketException>(() => resolver.ResolveAsync("empty.example", CancellationToken.None));
        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    public async Task An_ip_literal_is_never_looked_up(string host)
    {
        var lookup = new Lookup();
        var resolver = new NameResolver(lookup.RunAsync, TimeSpan.FromSeconds(60), 16);
        var answer = await resolver.ResolveAsync(host, CancellationToken.None);
        Assert.Equal(IPAddress.Parse(host), Assert.Single(answer));
        Assert.Empty(lookup.Calls);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_does_not_cancel_the_lookup_others_share()
    {
        var lookup = new Lookup(held: true);
        var resolver = new NameResolver(lookup.RunAsync, TimeSpan.FromSeconds(60), 16);
        using var impatient = new CancellationTokenSource();
        var first = resolver.ResolveAsync("slow.example", impatient.Token);
        var second = resolver.ResolveAsync("slow.example", CancellationToken.None);
        impatient.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        lookup.Release();
        Assert.Equal(s_answer, await second.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, resolver.Lookups);
    }
}

using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class ClientRoutesTests
{
    private sealed class Lease : IDisposable
    {
        public int Disposed { get; private set; }

        public void Dispose() => Disposed++;
    }

    private static readonly HandlerSettings s_settings = new(false, null, null, false, TimeSpan.FromSeconds(10), 0, HandlerSettings.DefaultPooledConnectionLifetime);

    private static (ClientRoutes Routes, HttpClient Direct, Lease DirectLease, List<(HandlerSettings Settings, Lease Lease)> Made) NewRoutes()
    {
        var direct = new HttpClient();
        var directLease = new Lease();
        var made = new List<(HandlerSettings, Lease)>();
        var routes = new ClientRoutes(s_settings, direct, directLease, settings =>
        {
            var lease = new Lease();
            made.Add((settings, lease));
            return (new HttpClient(), lease);
        });
        return (routes, direct, directLease, made);
    }

    [Fact]
    public void A_batch_whose_hops_all_connect_as_usual_makes_no_other_client_and_returns_its_own_lease_once()
    {
        var (routes, direct, directLease, made) = NewRoutes();

        Assert.Same(direct, routes.For(null));
        Assert.Same(direct, routes.For(null, new ProxyRoute(null, NoProxy: false)));
        Assert.Equal(0, routes.PinnedCount);

        routes.Dispose();
        Assert.Empty(made);
        Assert.Equal(1, directLease.Disposed);
    }

    [Fact]
    public void Each_place_gets_one_client_of_its_own_kept_for_the_batch_and_returned_when_it_ends()
    {
        var (routes, direct, directLease, made) = NewRoutes();
        var here = ConnectTarget.To(new[] { IPAddress.Loopback }, 8080);
        var there = ConnectTarget.To("example.test", 8443);

        var first = routes.For(here);
        Assert.NotSame(direct, first);
        Assert.Same(first, routes.For(ConnectTarget.To(new[] { IPAddress.Loopback }, 8080)));
        Assert.NotSame(first, routes.For(there));
        Assert.Equal(2, routes.PinnedCount);
        Assert.Equal(new[] { here, there }, new[] { made[0].Settings.ConnectTarget, made[1].Settings.ConnectTarget });

        routes.Dispose();
        Assert.All(made, entry => Assert.Equal(1, entry.Lease.Disposed));
        Assert.Equal(1, directLease.Disposed);
        Assert.Throws<ObjectDisposedException>(() => routes.For(here));
    }
}

using System;
using System.Threading;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

/// <summary>What a .NET Framework ServicePoint is moved to; every move goes one way, so writers cannot undo each other.</summary>
public class ServicePointPolicyTests
{
    // A fresh ServicePoint in powershell.exe: Nagle on, 100-continue on, 2 connections, connections kept forever.
    private static readonly ServicePointState s_fresh = new(UseNagleAlgorithm: true, Expect100Continue: true, ConnectionLimit: 2, ConnectionLeaseTimeoutMs: -1);
    private static readonly TimeSpan s_fiveMinutes = TimeSpan.FromMinutes(5);

    [Fact]
    public void Turns_Nagle_and_100_continue_off_so_small_bodies_go_at_once()
    {
        var decided = ServicePointPolicy.Decide(s_fresh, 8, s_fiveMinutes);
        Assert.False(decided.UseNagleAlgorithm);
        Assert.False(decided.Expect100Continue);
    }

    [Fact]
    public void Raises_the_connection_limit_to_what_the_handler_may_use()
    {
        Assert.Equal(8, ServicePointPolicy.Decide(s_fresh, 8, s_fiveMinutes).ConnectionLimit);
        Assert.Equal(int.MaxValue, ServicePointPolicy.Decide(s_fresh, 0, s_fiveMinutes).ConnectionLimit);
    }

    [Fact]
    public void Never_lowers_a_limit_another_writer_raised()
    {
        var raised = s_fresh with { ConnectionLimit = 64 };
        Assert.Equal(64, ServicePointPolicy.Decide(raised, 4, s_fiveMinutes).ConnectionLimit);
    }

    [Fact]
    public void Gives_connections_a_lease_so_DNS_changes_are_followed()
    {
        Assert.Equal(300_000, ServicePointPolicy.Decide(s_fresh, 8, s_fiveMinutes).ConnectionLeaseTimeoutMs);
        Assert.Equal(60_000, ServicePointPolicy.Decide(s_fresh with { ConnectionLeaseTimeoutMs = 60_000 }, 8, s_fiveMinutes).ConnectionLeaseTimeoutMs);
        Assert.Equal(-1, ServicePointPolicy.Decide(s_fresh, 8, Timeout.InfiniteTimeSpan).ConnectionLeaseTimeoutMs);
    }

    [Fact]
    public void Two_batches_end_in_the_same_state_whatever_their_order()
    {
        var oneThenOther = ServicePointPolicy.Decide(ServicePointPolicy.Decide(s_fresh, 4, TimeSpan.FromMinutes(1)), 16, s_fiveMinutes);
        var otherThenOne = ServicePointPolicy.Decide(ServicePointPolicy.Decide(s_fresh, 16, s_fiveMinutes), 4, TimeSpan.FromMinutes(1));
        Assert.Equal(oneThenOther, otherThenOne);
        Assert.Equal(new ServicePointState(false, false, 16, 60_000), oneThenOther);
    }

    [Fact]
    public void A_point_already_in_shape_is_left_as_it_is()
    {
        var decided = ServicePointPolicy.Decide(s_fresh, 8, s_fiveMinutes);
        Assert.Equal(decided, ServicePointPolicy.Decide(decided, 8, s_fiveMinutes));
    }
}

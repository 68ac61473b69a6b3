using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

/// <summary>The thread pool's minimum on .NET Framework, where starting a request can block its thread on DNS or WPAD.</summary>
public class ThreadPoolFloorTests
{
    [Fact]
    public void Raises_the_minimum_to_what_a_batch_can_hold_on_NET_Framework() =>
        Assert.Equal(64 + 4, ThreadPoolFloor.Raise(currentMinimum: 4, throttleLimit: 64, processorCount: 4, isNetFramework: true));

    [Fact]
    public void Never_lowers_it_and_stays_bounded()
    {
        Assert.Null(ThreadPoolFloor.Raise(currentMinimum: 200, throttleLimit: 32, processorCount: 4, isNetFramework: true));
        Assert.Equal(ThreadPoolFloor.MaximumFloor, ThreadPoolFloor.Raise(currentMinimum: 4, throttleLimit: 100_000, processorCount: 4, isNetFramework: true));
    }

    [Fact]
    public void Leaves_PowerShell_7s_pool_alone() =>
        Assert.Null(ThreadPoolFloor.Raise(currentMinimum: 2, throttleLimit: 64, processorCount: 2, isNetFramework: false));
}

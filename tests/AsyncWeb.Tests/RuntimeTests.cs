using System;
using Xunit;

namespace AsyncWeb.Tests;

public class RuntimeTests
{
    /// <summary>The net8.0 pass runs on .NET 8 (PowerShell 7.4's runtime), self-contained, not rolled forward to the SDK's.</summary>
    [Fact]
    public void Each_build_runs_on_the_runtime_it_targets()
    {
#if NET10_0
        Assert.Equal(10, Environment.Version.Major);
#elif NET8_0
        Assert.Equal(8, Environment.Version.Major);
#else
        Assert.Fail("a target framework this test does not know");
#endif
    }
}

using System;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class HandlerConfiguratorTests
{
    private static readonly HandlerSettings s_settings = new(false, null, null, false, TimeSpan.FromSeconds(10), 0, HandlerSettings.DefaultPooledConnectionLifetime);

    [Fact]
    public void The_system_proxy_on_NET_Framework_gets_the_processs_own_identity()
    {
        Assert.True(HandlerConfigurator.UsesSystemProxy(s_settings, onFramework: true));
    }

    [Fact]
    public void An_explicit_proxy_no_proxy_and_PowerShell_7_get_no_default_proxy_credentials()
    {
        Assert.False(HandlerConfigurator.UsesSystemProxy(s_settings with { Proxy = new Uri("http://proxy.example.com:3128/") }, onFramework: true));
        Assert.False(HandlerConfigurator.UsesSystemProxy(s_settings with { NoProxy = true }, onFramework: true));
        Assert.False(HandlerConfigurator.UsesSystemProxy(s_settings, onFramework: false));
    }
}

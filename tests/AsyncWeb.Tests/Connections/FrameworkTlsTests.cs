using System.Security.Authentication;
using AsyncWeb.Connections;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Connections;

/// <summary>The TLS versions HttpClientHandler is given, on .NET Framework (stated as facts) and on .NET.</summary>
public class FrameworkTlsTests
{
    private const SslProtocols Tls12 = (SslProtocols)3072;
    private const SslProtocols Tls13 = (SslProtocols)12288;
    // Ssl3 | Tls, as powershell.exe's ServicePointManager holds them; Tls | Tls11 | Tls12.
    private const SslProtocols Ssl3Tls10 = (SslProtocols)(48 | 192);
    private const SslProtocols Tls10To12 = (SslProtocols)(192 | 768 | 3072);

    private static FrameworkFacts Framework(SslProtocols process, bool knowsTls13 = true, bool windowsHasTls13 = false) =>
        new(IsNetFramework: true, process, knowsTls13, windowsHasTls13);

    [Fact]
    public void Default_on_a_clean_Windows_PowerShell_offers_TLS_1_2()
    {
        // powershell.exe without SchUseStrongCrypto: SecurityProtocol is Ssl3 | Tls.
        Assert.Equal(Tls12, FrameworkTls.ForHandler(SslProtocols.None, Framework(Ssl3Tls10)));
        Assert.Equal(Tls12, FrameworkTls.ForHandler(SslProtocols.None, Framework(Ssl3Tls10, knowsTls13: false)));
    }

    [Fact]
    public void Default_offers_TLS_1_3_too_where_Windows_and_the_framework_have_it()
    {
        Assert.Equal(Tls12 | Tls13, FrameworkTls.ForHandler(SslProtocols.None, Framework(Ssl3Tls10, knowsTls13: true, windowsHasTls13: true)));
        Assert.Equal(Tls12, FrameworkTls.ForHandler(SslProtocols.None, Framework(Ssl3Tls10, knowsTls13: false, windowsHasTls13: true)));
    }

    [Theory]
    [InlineData(0)]        // SystemDefault: Windows chooses (SystemDefaultTlsVersions, or 4.7+ targeting apps)
    [InlineData(3072)]     // a script set [Net.ServicePointManager]::SecurityProtocol = 'Tls12'
    [InlineData(4032)]     // SchUseStrongCrypto: Tls, Tls11, Tls12
    public void Default_leaves_a_process_that_already_allows_TLS_1_2_alone(int process) =>
        Assert.Equal(SslProtocols.None, FrameworkTls.ForHandler(SslProtocols.None, Framework((SslProtocols)process, windowsHasTls13: true)));

    [Fact]
    public void Named_versions_stand_as_asked()
    {
        Assert.Equal(Tls13, FrameworkTls.ForHandler(Tls13, Framework(Ssl3Tls10)));
        Assert.Equal(Tls12, FrameworkTls.ForHandler(Tls12, Framework(Tls10To12)));
    }

    [Fact]
    public void PowerShell_7s_runtime_is_left_as_asked()
    {
        Assert.Equal(SslProtocols.None, FrameworkTls.ForHandler(SslProtocols.None, FrameworkFacts.Modern));
        Assert.Equal(Tls13, FrameworkTls.ForHandler(Tls13, FrameworkFacts.Modern));
        Assert.Same(FrameworkFacts.Modern, FrameworkFacts.Current);
    }

    [Fact]
    public void Tls13_on_a_framework_without_it_stops_with_TlsVersionNotSupported()
    {
        var old = Framework(Ssl3Tls10, knowsTls13: false);
        Assert.Equal(ErrorIds.TlsVersionNotSupported, Assert.Throws<InvalidInputException>(() => FrameworkTls.Check(Tls13, old)).ErrorId);
        Assert.Equal(ErrorIds.TlsVersionNotSupported, Assert.Throws<InvalidInputException>(() => FrameworkTls.Check(Tls12 | Tls13, old)).ErrorId);
        FrameworkTls.Check(Tls12, old);
        FrameworkTls.Check(SslProtocols.None, old);
        FrameworkTls.Check(Tls13, Framework(Ssl3Tls10, knowsTls13: true));
        FrameworkTls.Check(Tls13, FrameworkFacts.Modern);
    }

    [Theory]
    [InlineData(".NET Framework 4.8.9032.0", true)]
    [InlineData(".NET Framework 4.7.3416.0", true)]
    [InlineData(".NET 8.0.11", false)]
    [InlineData(".NET Core 3.1.32", false)]
    [InlineData("Mono 6.12.0", false)]
    public void Knows_NET_Framework_by_its_description(string description, bool expected) =>
        Assert.Equal(expected, FrameworkFacts.IsNetFrameworkDescription(description));
}

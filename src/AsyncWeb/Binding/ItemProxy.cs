using System;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Connections;
using AsyncWeb.Requests;

namespace AsyncWeb.Binding;

/// <summary>
/// An item's Proxy (an absolute URI: http, https or socks) and NoProxy (a boolean, or its text in a CSV column)
/// into its <see cref="ProxyRoute"/>. An empty value is no value (a CSV row without one uses the batch's). A proxy
/// URI with a user name or password is refused without being quoted: proxy credentials are -ProxyCredential's.
/// </summary>
internal static class ItemProxy
{
#if NET
    private static readonly string[] s_schemes = { "http", "https", "socks4", "socks4a", "socks5" };
#else
    private static readonly string[] s_schemes = { "http" }; // .NET Framework's HttpClientHandler speaks to HTTP proxies only
#endif

    /// <param name="unixSocket">Every connection goes to a Unix socket: a Proxy cannot be followed.</param>
    /// <param name="pinned">The item's URI is pinned (a -Resolve or -ConnectTo entry matches its host and port): a Proxy cannot be followed, the proxy would connect.</param>
    public static ProxyRoute? Read(object? proxy, object? noProxy, bool unixSocket, bool pinned)
    {
        var uri = Proxy(proxy);
        var bypass = Flag(noProxy);
        if (uri is null && !bypass)
        {
            return null;
        }

        if (uri is not null && bypass)
        {
            throw new InvalidInputException(ErrorIds.ConflictingParameters, "the item has both a Proxy and NoProxy; choose one");
        }

        if (uri is not null && unixSocket)
        {
            throw new InvalidInputException(ErrorIds.ConflictingParameters, "the item names a Proxy, but every connection goes to the Unix socket (-UnixSocket)");
        }

        if (uri is not null && pinned)
        {
            throw new InvalidInputException(ErrorIds.ConflictingParameters, "the item names a Proxy, and a Resolve or ConnectTo entry (its own or the batch's) says where its host connects; the proxy would connect, not AsyncWeb: choose one");
        }

        return new ProxyRoute(uri, bypass);
    }

    private static Uri? Proxy(object? value)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        if (value is null || value is string { Length: 0 })
        {
            return null;
        }

        var text = value is Uri given ? given.OriginalString : RequestSpecBuilder.ToText(value).Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new InvalidInputException(ErrorIds.InvalidProxy, "the item's Proxy is not an absolute URI such as http://proxy.example:8080");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new InvalidInputException(ErrorIds.InvalidProxy, "the item's Proxy carries a user name or password; give the proxy's credentials with -ProxyCredential");
        }

        if (!s_schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidInputException(ErrorIds.InvalidProxy, $"the item's Proxy has the scheme '{uri.Scheme}'; use {string.Join(", ", s_schemes)}");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority));
    }

    private static bool Flag(object? value)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        switch (value)
        {
            case null:
                return false;
            case bool flag:
                return flag;
            case SwitchParameter flag:
                return flag.IsPresent;
        }

        var text = RequestSpecBuilder.ToText(value).Trim();
        if (text.Length == 0 || text == "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.Equals("$false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("$true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        throw new InvalidInputException(ErrorIds.InvalidProxy, $"the item's NoProxy '{text}' is not true or false");
    }
}

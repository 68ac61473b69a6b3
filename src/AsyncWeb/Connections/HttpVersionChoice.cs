using System;

namespace AsyncWeb.Connections;

/// <summary>The HTTP version one hop asks for, and whether it is the only one accepted.</summary>
/// <param name="Version">The version of the request message.</param>
/// <param name="Exact">Only this version (a -HttpVersion the user gave); otherwise it or lower, as negotiated.</param>
internal readonly record struct HttpVersionRequest(Version Version, bool Exact);

/// <summary>
/// The version rule, per hop (a redirect may change the scheme). Without -HttpVersion a hop negotiates
/// as curl and browsers do: over https it offers h2 and http/1.1 by ALPN and speaks what the server
/// picks; over plain http it speaks HTTP/1.1 (no h2c upgrade, which servers rarely offer and proxies
/// break). A -HttpVersion the user gives is pinned: that version or the item fails with
/// HttpVersionNotSupported (2.0 over http is h2c by prior knowledge). Windows PowerShell's HTTP stack
/// speaks HTTP/1.x only, so there the default is HTTP/1.1 everywhere.
/// </summary>
internal static class HttpVersionChoice
{
    public static HttpVersionRequest For(Version? pinned, Uri uri)
    {
        if (pinned is not null)
        {
            return new HttpVersionRequest(pinned, Exact: true);
        }

#if NET
        if (string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            return new HttpVersionRequest(System.Net.HttpVersion.Version20, Exact: false);
        }
#endif

        return new HttpVersionRequest(System.Net.HttpVersion.Version11, Exact: false);
    }
}

using System;
using System.Globalization;

namespace AsyncWeb.Requests;

/// <summary>
/// What a request's host is keyed by, in one place: host[:port] for everything that is per host (limits, pauses,
/// circuit breakers, timings by host), and the bare host name for shards, where every port of a host is one shard.
/// </summary>
internal static class HostKey
{
    /// <summary>host[:port] in IDN form (the port only when not the scheme's default); throws UriFormatException for a host that is not a valid international name.</summary>
    public static string Of(Uri uri) =>
        uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary><see cref="Of"/> for a URI that may be missing or relative (null then), or whose host has no IDN form (its authority then).</summary>
    public static string? TryOf(Uri? uri)
    {
        if (uri is not { IsAbsoluteUri: true })
        {
            return null;
        }

        try
        {
            return Of(uri);
        }
        catch (UriFormatException)
        {
            return uri.Authority;
        }
    }

    /// <summary>
    /// The host name alone, as sent (IDN, punycode for international names), without IPv6 brackets or a trailing dot:
    /// what -Partition's host shards are keyed by. Not the port or scheme.
    /// </summary>
    public static string NameOf(Uri uri) => uri.IdnHost.Trim('[', ']').TrimEnd('.');
}

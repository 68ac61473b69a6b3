using System;

namespace AsyncWeb.Connections;

/// <summary>
/// An item's own way out, instead of the batch's (or session's): through <see cref="Proxy"/>, or straight to the
/// server (<see cref="NoProxy"/>). Each distinct route is a connection pool of its own (<see cref="ClientRoutes"/>).
/// </summary>
internal sealed record ProxyRoute(Uri? Proxy, bool NoProxy)
{
    /// <summary>The settings of the pool this route goes through: the batch's, with its proxy choice replaced (the proxy credential kept for a proxy).</summary>
    public HandlerSettings Apply(HandlerSettings settings) => settings with
    {
        Proxy = NoProxy ? null : Proxy,
        NoProxy = NoProxy,
        ProxyCredential = NoProxy ? null : settings.ProxyCredential,
    };

    /// <summary>True when this route is what <paramref name="settings"/> already do: the item shares the batch's pool.</summary>
    public bool IsSameAs(HandlerSettings settings) => NoProxy ? settings.NoProxy : settings.Proxy == Proxy && !settings.NoProxy;
}

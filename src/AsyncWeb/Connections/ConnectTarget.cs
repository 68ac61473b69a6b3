using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace AsyncWeb.Connections;

/// <summary>
/// Where a pinned request connects instead of its own host: fixed addresses (-Resolve, -EveryAddress) or another
/// host, looked up as usual (-ConnectTo), and the port. Compared by value: it selects a connection pool of its own
/// (<see cref="HandlerSettings.ConnectTarget"/>), so two pins of one host:port to different places never share a
/// connection, and all the requests pinned to one place do.
/// </summary>
internal sealed class ConnectTarget : IEquatable<ConnectTarget>
{
    private readonly string _key;

    private ConnectTarget(IReadOnlyList<IPAddress>? addresses, string? host, int port)
    {
        Addresses = addresses;
        Host = host;
        Port = port;
        var where = addresses is null ? host! : string.Join(",", addresses.Select(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + a + "]" : a.ToString()));
        _key = where + ":" + port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The addresses to connect to (in order), or null to look <see cref="Host"/> up.</summary>
    public IReadOnlyList<IPAddress>? Addresses { get; }

    /// <summary>The host to look up and connect to (-ConnectTo), when there are no fixed addresses.</summary>
    public string? Host { get; }

    public int Port { get; }

    public static ConnectTarget To(IReadOnlyList<IPAddress> addresses, int port) => new(addresses.ToArray(), null, port);

    public static ConnectTarget To(string host, int port) =>
        IPAddress.TryParse(host, out var literal) ? new(new[] { literal }, null, port) : new(null, host, port);

    public bool Equals(ConnectTarget? other) => other is not null && string.Equals(_key, other._key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ConnectTarget);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_key);

    /// <summary>"10.0.0.5:443", "[::1],127.0.0.1:8443" or "backend-2.example.com:443".</summary>
    public override string ToString() => _key;
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using AsyncWeb.Requests;

namespace AsyncWeb.Connections;

/// <summary>
/// One -Resolve or -ConnectTo entry, as curl's --resolve and --connect-to read them: which host and port it
/// applies to (null host: any, for <c>*</c> or an empty -ConnectTo host; port 0: any) and where such a request
/// connects instead: fixed addresses (-Resolve), or another host and port (-ConnectTo; null host or port 0: the same).
/// </summary>
internal sealed class ConnectRule
{
    private ConnectRule(string text, string? host, int port, IReadOnlyList<IPAddress>? addresses, string? toHost, int toPort)
    {
        Text = text;
        Host = host;
        Port = port;
        Addresses = addresses;
        ToHost = toHost;
        ToPort = toPort;
        Target = addresses is null ? null : ConnectTarget.To(addresses, port);
    }

    /// <summary>The entry as given, for messages.</summary>
    public string Text { get; }

    /// <summary>The host it applies to (lower case, no brackets, no trailing dot); null for any host.</summary>
    public string? Host { get; }

    /// <summary>The port it applies to; 0 for any port.</summary>
    public int Port { get; }

    /// <summary>-Resolve: the addresses the host stands for; null for a -ConnectTo entry.</summary>
    public IReadOnlyList<IPAddress>? Addresses { get; }

    /// <summary>-Resolve: where a request it matches connects (its addresses at its port), made once, not per hop; null for a -ConnectTo entry.</summary>
    public ConnectTarget? Target { get; }

    /// <summary>-ConnectTo: the host to connect to instead (resolved as usual); null for the same host.</summary>
    public string? ToHost { get; }

    /// <summary>-ConnectTo: the port to connect to instead; 0 for the same port.</summary>
    public int ToPort { get; }

    /// <summary>Whether this entry applies to a connection to <paramref name="host"/> (normalised) and <paramref name="port"/>.</summary>
    public bool Matches(string host, int port) =>
        (Host is null || string.Equals(Host, host, StringComparison.Ordinal)) && (Port == 0 || Port == port);

    /// <summary>
    /// A -Resolve entry, <c>host:port:address[,address...]</c>: host a name or <c>*</c> (any host, tried after the named
    /// ones), port a number, addresses IPv4 or IPv6 (in brackets or bare). A leading <c>+</c> (curl: the entry expires)
    /// is accepted; the entry holds for the whole batch.
    /// </summary>
    public static ConnectRule ParseResolve(string? entry)
    {
        var text = entry?.Trim() ?? string.Empty;
        var rest = text.StartsWith("+", StringComparison.Ordinal) ? text.Substring(1) : text;
        if (!TakeHost(ref rest, out var host) || !TakePort(ref rest, out var port) || port == 0 || host.Length == 0)
        {
            throw Invalid(ErrorIds.InvalidResolve, text, "write it as host:port:address[,address...], e.g. api.example.com:443:10.0.0.5");
        }

        var addresses = new List<IPAddress>();
        foreach (var part in rest.Split(','))
        {
            var candidate = part.Trim();
            if (candidate.StartsWith("[", StringComparison.Ordinal) && candidate.EndsWith("]", StringComparison.Ordinal))
            {
                candidate = candidate.Substring(1, candidate.Length - 2);
            }

            if (!IPAddress.TryParse(candidate, out var address) || candidate.IndexOfAny(new[] { '/', ' ' }) >= 0)
            {
                throw Invalid(ErrorIds.InvalidResolve, text, $"'{part.Trim()}' is not an IP address (IPv6 addresses may be written in brackets, e.g. [::1])");
            }

            addresses.Add(address);
        }

        return new ConnectRule(text, host == "*" ? null : Normalise(host), port, addresses.Distinct().ToArray(), null, 0);
    }

    /// <summary>
    /// A -ConnectTo entry, <c>host:port:tohost:toport</c>: an empty host or port matches any, an empty tohost or toport
    /// keeps the request's own; IPv6 literals go in brackets.
    /// </summary>
    public static ConnectRule ParseConnectTo(string? entry)
    {
        var text = entry?.Trim() ?? string.Empty;
        var rest = text;
        if (!TakeHost(ref rest, out var host) || !TakePort(ref rest, out var port) || !TakeHost(ref rest, out var toHost) || !TakeLastPort(rest, out var toPort))
        {
            throw Invalid(ErrorIds.InvalidConnectTo, text, "write it as host:port:tohost:toport (empty parts mean any, or the same), e.g. api.example.com:443:backend-2.example.com:8443");
        }

        return new ConnectRule(text, host.Length == 0 ? null : Normalise(host), port, null, toHost.Length == 0 ? null : Normalise(toHost), toPort);
    }

    /// <summary>A -Resolve entry made here, not parsed: <paramref name="host"/>:<paramref name="port"/> to one address (-EveryAddress).</summary>
    public static ConnectRule Pin(string host, int port, IPAddress address) =>
        new(host + ":" + port.ToString(CultureInfo.InvariantCulture) + ":" + address, Normalise(host), port, new[] { address }, null, 0);

    /// <summary>A host as rules compare it: lower case, no IPv6 brackets, no trailing dot.</summary>
    public static string Normalise(string host) => host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Takes "host:" (or "[v6]:") off the front; false when there is no colon after it.</summary>
    private static bool TakeHost(ref string rest, out string host)
    {
        host = string.Empty;
        int end;
        if (rest.StartsWith("[", StringComparison.Ordinal))
        {
            var close = rest.IndexOf(']');
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                return false;
            }

            end = close + 1;
        }
        else
        {
            end = rest.IndexOf(':');
            if (end < 0)
            {
                return false;
            }
        }

        host = rest.Substring(0, end);
        rest = rest.Substring(end + 1);
        return host.IndexOfAny(new[] { ' ', '/', '@', '?', '#' }) < 0 && (host.Length == 0 || host == "*" || IsHost(host));
    }

    /// <summary>Takes "port:" off the front (empty: 0, any or the same).</summary>
    private static bool TakePort(ref string rest, out int port)
    {
        port = 0;
        var end = rest.IndexOf(':');
        if (end < 0)
        {
            return false;
        }

        var ok = TakeLastPort(rest.Substring(0, end), out port);
        rest = rest.Substring(end + 1);
        return ok;
    }

    private static bool TakeLastPort(string text, out int port)
    {
        port = 0;
        return text.Length == 0
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535);
    }

    private static bool IsHost(string host) =>
        host.StartsWith("[", StringComparison.Ordinal)
            ? IPAddress.TryParse(host.Trim('[', ']'), out _)
            : Uri.CheckHostName(host.TrimEnd('.')) is UriHostNameType.Dns or UriHostNameType.IPv4;

    private static InvalidInputException Invalid(string errorId, string text, string advice) =>
        new(errorId, $"the {(errorId == ErrorIds.InvalidResolve ? "-Resolve" : "-ConnectTo")} entry '{text}' cannot be used: {advice}");
}

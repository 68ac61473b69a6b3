using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Requests;

namespace AsyncWeb.Connections;

/// <summary>
/// The -Resolve and -ConnectTo entries a request follows (an item's own first, then the batch's), and the one rule
/// that turns them into where a hop connects: the first -ConnectTo entry that matches the hop's host and port
/// changes them; then the first -Resolve entry for that host and port (named hosts before <c>*</c>) gives the
/// addresses. A hop nothing matches connects as usual, so a redirect or next page to another name is looked up as usual.
/// </summary>
internal sealed class ConnectRules
{
    public static readonly ConnectRules None = new(Array.Empty<ConnectRule>(), Array.Empty<ConnectRule>());

    public ConnectRules(IReadOnlyList<ConnectRule> resolve, IReadOnlyList<ConnectRule> connectTo)
    {
        Resolve = resolve;
        ConnectTo = connectTo;
        _named = resolve.Count > IndexedFrom ? IndexByHost(resolve) : null;
        _anyHost = resolve.Where(r => r.Host is null).ToArray();
    }

    // A few entries (an item's own, or an -EveryAddress pin) in front of many (the batch's): those are neither copied
    // nor indexed again, so giving each of a sweep's thousands of items its own entry costs the same per item at any size.
    private ConnectRules(ConnectRules front, ConnectRules back)
    {
        Resolve = new ChainedList<ConnectRule>(front.Resolve, back.Resolve);
        ConnectTo = new ChainedList<ConnectRule>(front.ConnectTo, back.ConnectTo);
        _front = front;
        _back = back;
        _anyHost = back._anyHost.Length == 0 ? front._anyHost : front._anyHost.Length == 0 ? back._anyHost : front._anyHost.Concat(back._anyHost).ToArray();
    }

    // Above this many -Resolve entries (a sweep pins thousands of names) a hop finds its entry by host, not by a scan.
    private const int IndexedFrom = 8;

    // The named -Resolve entries by host, each host's in their order; null: few enough to scan.
    private readonly Dictionary<string, ConnectRule[]>? _named;

    // The -Resolve entries for any host (*), in their order: tried after the named ones.
    private readonly ConnectRule[] _anyHost;

    // Set when these rules are an item's entries in front of the batch's: a named entry is looked up in each, in turn.
    private readonly ConnectRules? _front;
    private readonly ConnectRules? _back;

    public IReadOnlyList<ConnectRule> Resolve { get; }

    public IReadOnlyList<ConnectRule> ConnectTo { get; }

    public bool IsEmpty => Resolve.Count == 0 && ConnectTo.Count == 0;

    /// <summary>Parses -Resolve and -ConnectTo entries (null: none); throws InvalidInputException naming the first bad one.</summary>
    public static ConnectRules Parse(IEnumerable<string?>? resolve, IEnumerable<string?>? connectTo)
    {
        var pins = resolve?.Select(ConnectRule.ParseResolve).ToArray() ?? Array.Empty<ConnectRule>();
        var moves = connectTo?.Select(ConnectRule.ParseConnectTo).ToArray() ?? Array.Empty<ConnectRule>();
#if !NET
        if (pins.Length > 0 || moves.Length > 0)
        {
            // No connect callback on this HTTP stack: the handler connects to the URI's host, always.
            throw new InvalidInputException(ErrorIds.ConnectPinNotSupported,
                "-Resolve and -ConnectTo need PowerShell 7.4 or later: Windows PowerShell's HTTP stack (.NET Framework) connects only to the host the URI names");
        }
#endif
        return pins.Length == 0 && moves.Length == 0 ? None : new ConnectRules(pins, moves);
    }

    /// <summary>These rules, then <paramref name="fallback"/>'s: an item's entries win over the batch's for the same host and port.</summary>
    public ConnectRules Then(ConnectRules fallback) =>
        fallback.IsEmpty ? this : IsEmpty ? fallback : new ConnectRules(this, fallback);

    /// <summary>The host and port a request to <paramref name="uri"/> looks up and connects to once -ConnectTo has moved it.</summary>
    public (string Host, int Port) EndpointOf(Uri uri)
    {
        var (host, port, _) = Move(uri);
        return (host, port);
    }

    /// <summary>These rules with <paramref name="host"/>:<paramref name="port"/> pinned to <paramref name="address"/> before any other -Resolve entry (-EveryAddress).</summary>
    public ConnectRules Pinned(string host, int port, System.Net.IPAddress address) =>
        new(new ConnectRules(new[] { ConnectRule.Pin(host, port, address) }, Array.Empty<ConnectRule>()), this);

    /// <summary>Where a request to <paramref name="uri"/> connects; null to connect to its own host as usual.</summary>
    public ConnectTarget? TargetFor(Uri uri)
    {
        if (IsEmpty)
        {
            return null;
        }

        var (host, port, moved) = Move(uri);
        var pinned = Named(host, port) ?? First(_anyHost, host, port);
        if (pinned is not null)
        {
            // A -Resolve entry's port is never 0 (any), so it is the port the hop connects to: its own target, made once.
            return pinned.Target;
        }

        return moved is null || (moved.ToHost is null && moved.ToPort == 0) ? null : ConnectTarget.To(host, port);
    }

    // The host and port a hop to uri connects to, and the -ConnectTo entry that moved it (null: none).
    private (string Host, int Port, ConnectRule? Moved) Move(Uri uri)
    {
        var host = ConnectRule.Normalise(uri.IdnHost);
        var port = uri.Port;
        var moved = First(ConnectTo, host, port);
        return moved is null ? (host, port, null) : (moved.ToHost ?? host, moved.ToPort == 0 ? port : moved.ToPort, moved);
    }

    private ConnectRule? Named(string host, int port)
    {
        if (_front is not null)
        {
            return _front.Named(host, port) ?? _back!.Named(host, port);
        }

        if (_named is null)
        {
            foreach (var rule in Resolve)
            {
                if (rule.Host is not null && rule.Matches(host, port))
                {
                    return rule;
                }
            }

            return null;
        }

        return _named.TryGetValue(host, out var rules) ? First(rules, host, port) : null;
    }

    private static Dictionary<string, ConnectRule[]> IndexByHost(IReadOnlyList<ConnectRule> rules) =>
        rules.Where(r => r.Host is not null).GroupBy(r => r.Host!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    private static ConnectRule? First(IReadOnlyList<ConnectRule> rules, string host, int port)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Matches(host, port))
            {
                return rules[i];
            }
        }

        return null;
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using AsyncWeb.Connections;
using AsyncWeb.Requests;

namespace AsyncWeb.Commands;

// Where requests connect: -Resolve and -ConnectTo (curl's --resolve and --connect-to), and the clients that carry pinned requests.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>
    /// host:port:address[,address...] (curl --resolve): requests to that host and port connect to these addresses, while the
    /// Host header, SNI and the certificate check stay on the name. * as host: any host. Per item: a Resolve property.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Resolve { get; set; }

    /// <summary>
    /// host:port:tohost:toport (curl --connect-to): requests to that host and port connect to tohost:toport instead
    /// (looked up as usual), the Host header, SNI and certificate check staying on the name; empty parts mean any, or the same.
    /// Per item: a ConnectTo property.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ConnectTo { get; set; }

    /// <summary>
    /// One request per address of each item's host (A and AAAA; a -Resolve entry's addresses when it has one), each pinned
    /// to its address and tagged with it (TargetAddress), the Host header, SNI and certificate check on the name: is every
    /// backend behind a name healthy. Each request has an Index of its own, an item's addresses numbered in turn.
    /// </summary>
    [Parameter]
    public SwitchParameter EveryAddress { get; set; }

    /// <summary>The batch's -Resolve and -ConnectTo entries; a bad entry, or a pin that cannot work with -UnixSocket or -Proxy, stops the batch.</summary>
    private ConnectRules ConnectRulesOf()
    {
        ConnectRules rules;
        try
        {
            rules = ConnectRules.Parse(Resolve, ConnectTo);
        }
        catch (InvalidInputException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(invalid.Message), invalid.ErrorId, ErrorCategory.InvalidArgument, null));
            throw;
        }

        if (EveryAddress)
        {
            RefuseWithEveryAddress();
        }

        if (!rules.IsEmpty && (UnixSocket is not null || Session?.UnixSocket is not null))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Resolve and -ConnectTo say where to connect, and so does -UnixSocket; choose one"),
                ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        if (!rules.IsEmpty && (Proxy is not null || Session?.Proxy is not null))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Resolve and -ConnectTo say where to connect, and so does -Proxy (the proxy connects, not AsyncWeb); choose one"),
                ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        return rules;
    }

    /// <summary>
    /// The batch's clients: its own (or the session's) for requests that connect as usual, and one per place pinned
    /// requests connect to or per proxy route items name, rented with the batch's settings (or made with the
    /// session's, sharing its cookies).
    /// </summary>
    private ClientRoutes Routes(HandlerSettings? settings)
    {
        if (settings is null)
        {
            var session = Session!;
            return new ClientRoutes(session.Settings, session.Client, null, session.RouteClient);
        }

        return ClientRoutes.Pooled(settings);
    }

    /// <summary>-EveryAddress with what cannot work per address: one file, a journal or shard keyed by input position, a socket or proxy that connects instead.</summary>
    private void RefuseWithEveryAddress()
    {
#if !NET
        ThrowTerminatingError(new ErrorRecord(new ArgumentException("-EveryAddress needs PowerShell 7.4 or later: Windows PowerShell's HTTP stack (.NET Framework) connects only to the host the URI names"),
            ErrorIds.ConnectPinNotSupported, ErrorCategory.InvalidArgument, null));
#endif
        var reasons = new (string Name, bool Given, string Why)[]
        {
            (nameof(OutFile), OutFile is not null, "every address would write the one file"),
            (nameof(OutDirectory), OutDirectory is not null, "every address would write the same file names"),
            (nameof(JournalPath), JournalPath is not null, "a name's addresses may differ from run to run, and the journal keys items by position"),
            (nameof(Partition), Partition is not null, "shards number items by input position, which -EveryAddress expands"),
            (nameof(UnixSocket), UnixSocket is not null || Session?.UnixSocket is not null, "the socket is where every request connects"),
            (nameof(Proxy), Proxy is not null || Session?.Proxy is not null, "the proxy connects, not AsyncWeb"),
        };
        foreach (var (name, given, why) in reasons)
        {
            if (given)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-EveryAddress cannot be combined with -{name}: {why}"),
                    ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, name));
            }
        }
    }

    /// <summary>
    /// -EveryAddress: the item's request once per address of its host, numbered from <paramref name="index"/> on; a name that
    /// cannot be looked up goes out once, unpinned, and fails as usual (DnsResolutionFailed).
    /// </summary>
    private IEnumerable<(RequestSpec? Spec, WebBatchResult? Immediate)> PrepareEveryAddress(long index, object? item)
    {
        var (spec, invalid) = Build(index, item);
        if (spec is null)
        {
            yield return (null, invalid);
            yield break;
        }

        if (spec.Route?.Proxy is not null)
        {
            yield return (null, InvalidItem(index, item, new InvalidInputException(ErrorIds.ConflictingParameters,
                "the item's Proxy and -EveryAddress both say where to connect; choose one")));
            yield break;
        }

        var addresses = AddressFanOut.AddressesOf(spec, Session?.ConnectTimeout ?? TimeSpan.FromSeconds(ConnectTimeoutSec), CancellationToken.None);
        if (addresses is null || addresses.Count == 0)
        {
            yield return Admissible(index, item, spec);
            yield break;
        }

        for (var i = 0; i < addresses.Count; i++)
        {
            var at = i == 0 ? index : _nextIndex++;
            yield return Admissible(at, item, AddressFanOut.PinTo(spec, addresses[i], at));
        }
    }
}

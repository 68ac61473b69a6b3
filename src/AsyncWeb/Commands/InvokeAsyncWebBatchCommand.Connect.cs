using System;
using System.Management.Automation;
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
}

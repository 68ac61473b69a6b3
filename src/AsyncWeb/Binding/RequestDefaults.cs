using System;
using System.Collections;
using AsyncWeb.Connections;
using AsyncWeb.Security;
using AsyncWeb.Streaming;

namespace AsyncWeb.Binding;

/// <summary>Defaults for every item of a batch; a pipeline object's own properties override them.</summary>
internal sealed class RequestDefaults
{
    public string Method { get; init; } = "GET";
    public IDictionary? Headers { get; init; }
    public object? Body { get; init; }
    public string? ContentType { get; init; }
    public string? UserAgent { get; init; }
    public string? OutFile { get; init; }
    public string? OutDirectory { get; init; }
    public string? Sha256 { get; init; }
    public AsyncWebSession? Session { get; init; }

    // Uploads and authentication
    public string? InFile { get; init; }
    public IDictionary? Form { get; init; }

    /// <summary>The cmdlet's own credentials (not a session's): they go to each item's origin.</summary>
    public ClientAuthentication? Authentication { get; init; }
    public bool AllowUnencryptedAuthentication { get; init; }
    public Uri? BaseUri { get; init; }

    /// <summary>The batch's -Resolve and -ConnectTo entries; an item's own come first.</summary>
    public ConnectRules Connect { get; init; } = ConnectRules.None;

    /// <summary>Why an item's own Resolve or ConnectTo cannot be followed in this batch (-UnixSocket, -Proxy); null when it can.</summary>
    public string? ConnectConflict { get; init; }

    /// <summary>Every connection goes to a Unix socket (-UnixSocket, or the session's): no item can name a proxy.</summary>
    public bool UnixSocket { get; init; }

    /// <summary>-Stream / -StreamFormat: the format every item streams in unless it says otherwise; null when items are read whole.</summary>
    public WebStreamFormat? Stream { get; init; }

    /// <summary>-StreamFormat: the format of an item that asks to stream (its Stream key) without naming one.</summary>
    public WebStreamFormat StreamFormat { get; init; }
}

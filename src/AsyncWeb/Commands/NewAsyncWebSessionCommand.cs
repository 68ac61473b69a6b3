using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using AsyncWeb.Binding;
using AsyncWeb.Connections;
using AsyncWeb.Security;

namespace AsyncWeb.Commands;

/// <summary>Creates a reusable session: its own warm connection pool, base URI, default headers, cookies and credentials.</summary>
[Cmdlet(VerbsCommon.New, "AsyncWebSession")]
[OutputType(typeof(AsyncWebSession))]
public sealed class NewAsyncWebSessionCommand : PSCmdlet, IConnectionParameters
{
    /// <summary>Relative -Uri values of Invoke-AsyncWebBatch resolve against this.</summary>
    [Parameter(Position = 0)]
    [UriTransformation]
    public Uri? BaseUri { get; set; }

    /// <summary>Headers sent with every request of the session.</summary>
    [Parameter]
    public IDictionary? Headers { get; set; }

    /// <summary>Bearer token sent as Authorization: Bearer to the session's origin only (never shown).</summary>
    [Parameter]
    public SecureString? Token { get; set; }

    /// <summary>Basic-auth credential sent to the session's origin only (the password is never shown).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Allow -Token or -Credential with an http:// base URI, where they travel in clear text.</summary>
    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    /// <summary>Accept any TLS certificate (test servers only).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Proxy for the session's requests.</summary>
    [Parameter]
    [UriTransformation]
    public Uri? Proxy { get; set; }

    /// <summary>Credential for the proxy.</summary>
    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>Ignore proxy settings from the environment.</summary>
    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    /// <summary>Longest time to open a connection, DNS included. Default 10.</summary>
    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double ConnectTimeoutSec { get; set; } = 10;

    /// <summary>Most connections to one server at a time (0: no limit).</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int MaximumConnectionsPerHost { get; set; }

    /// <summary>Seconds a pooled connection is reused before it is replaced. Default 300.</summary>
    [Parameter]
    [ValidateRange(1.0, 86400.0)]
    public double ConnectionLifetimeSec { get; set; } = 300;

    // Authentication, TLS and Unix sockets, as on Invoke-AsyncWebBatch.

    /// <summary>Basic and Bearer (OAuth) send -Credential or -Token with every request; Negotiate and NTLM answer the server's challenge.</summary>
    [Parameter]
    public WebAuthentication Authentication { get; set; }

    /// <summary>Answer Negotiate or NTLM challenges with the identity of the current user.</summary>
    [Parameter]
    public SwitchParameter UseDefaultCredentials { get; set; }

    /// <summary>Client certificate (with its private key) for mutual TLS.</summary>
    [Parameter]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Thumbprint of a client certificate in CurrentUser\My (or LocalMachine\My).</summary>
    [Parameter]
    public string? CertificateThumbprint { get; set; }

    /// <summary>TLS versions allowed: Default (the system's), Tls12, Tls13.</summary>
    [Parameter]
    public WebSslProtocol SslProtocol { get; set; }

    /// <summary>Connect to this Unix domain socket instead of TCP (PowerShell 7 only).</summary>
    [Parameter]
    public string? UnixSocket { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (Token is not null && Credential is not null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Token and -Credential both set Authorization; choose one"), ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        ConnectionBinding.CheckBaseUri(this, BaseUri);

        RefuseUnsafeCredentials();

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Headers is not null)
        {
            foreach (DictionaryEntry entry in Headers)
            {
                headers[RequestSpecBuilder.ToText(entry.Key)] = RequestSpecBuilder.ToText(entry.Value);
            }
        }

        var settings = new HandlerSettings(
            SkipCertificateCheck,
            Proxy,
            CredentialKey.From(ProxyCredential?.GetNetworkCredential()),
            NoProxy,
            TimeSpan.FromSeconds(ConnectTimeoutSec),
            MaximumConnectionsPerHost,
            TimeSpan.FromSeconds(ConnectionLifetimeSec));
        ClientAuthentication? authentication;
        (settings, authentication) = ConnectionBinding.Apply(this, settings);
        WriteObject(new AsyncWebSession(BaseUri, headers, Token, Credential, AllowUnencryptedAuthentication, settings) { Authentication = authentication?.Scheme ?? WebAuthentication.None });
    }

    /// <summary>A session's credentials belong to its base URI's origin: without one they would go everywhere, over http in clear text.</summary>
    private void RefuseUnsafeCredentials()
    {
        if (Token is null && Credential is null && !UseDefaultCredentials)
        {
            return;
        }

        var which = Token is not null ? "-Token" : Credential is not null ? "-Credential" : "-UseDefaultCredentials";
        if (BaseUri is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"{which} needs -BaseUri: a session's credentials are sent only to the origin (scheme, host and port) of its base URI"),
                ErrorIds.CredentialWithoutBaseUri, ErrorCategory.InvalidArgument, which));
        }

        if (CredentialPolicy.Check(BaseUri!, BaseUri!, AllowUnencryptedAuthentication) == CredentialVerdict.Unencrypted)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"{which} would be sent in clear text to the http:// base URI {UriRedaction.Redact(BaseUri!)}; use an https:// base URI, or -AllowUnencryptedAuthentication to send it unencrypted anyway"),
                ErrorIds.UnencryptedAuthentication, ErrorCategory.InvalidArgument, which));
        }
    }
}

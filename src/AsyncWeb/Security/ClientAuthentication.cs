using System;
using System.Net;
using System.Text;
using AsyncWeb.Requests;

namespace AsyncWeb.Security;

/// <summary>
/// How a batch or a session authenticates, decided once from -Authentication, -Credential, -Token and
/// -UseDefaultCredentials by Invoke-WebRequest's rules: Basic and Bearer become an Authorization header,
/// Negotiate, NTLM and the process's own identity are answered by the handler when the server challenges.
/// Either way the credentials go only to their origin (<see cref="CredentialPolicy"/>).
/// </summary>
internal sealed class ClientAuthentication
{
    private const string ConflictingParameters = ErrorIds.ConflictingParameters;

    private ClientAuthentication(WebAuthentication scheme, string? authorization, HandlerCredentials? handler)
    {
        Scheme = scheme;
        Authorization = authorization;
        Handler = handler;
    }

    /// <summary>The scheme in effect (None never: there is no object then).</summary>
    public WebAuthentication Scheme { get; }

    /// <summary>The Authorization header value of Basic and Bearer; null for the schemes the handler answers.</summary>
    public string? Authorization { get; }

    /// <summary>Negotiate, NTLM or default credentials, for the handler (part of the pool key); null for Basic and Bearer.</summary>
    public HandlerCredentials? Handler { get; }

    /// <summary>
    /// The authentication the parameters ask for, or null for none. Throws <see cref="InvalidInputException"/>
    /// (ConflictingParameters, CredentialRequired, TokenRequired) when they do not fit together.
    /// </summary>
    public static ClientAuthentication? Create(WebAuthentication requested, NetworkCredential? credential, string? token, bool useDefaultCredentials)
    {
        if (useDefaultCredentials && credential is not null)
        {
            throw Refuse(ConflictingParameters, "-UseDefaultCredentials and -Credential both name the identity to send; choose one");
        }

        if (token is not null && credential is not null)
        {
            throw Refuse(ConflictingParameters, "-Token and -Credential both set the credentials; choose one");
        }

        if (useDefaultCredentials && requested is WebAuthentication.Basic or WebAuthentication.Bearer or WebAuthentication.OAuth)
        {
            throw Refuse(ConflictingParameters, $"-UseDefaultCredentials answers Negotiate or NTLM challenges; it cannot be sent as {requested}");
        }

        if (token is not null && requested is not (WebAuthentication.None or WebAuthentication.Bearer or WebAuthentication.OAuth))
        {
            throw Refuse(ConflictingParameters, $"-Token is a bearer token; use it with -Authentication Bearer (or OAuth), not {requested}");
        }

        switch (requested)
        {
            case WebAuthentication.None when token is not null:
            case WebAuthentication.Bearer or WebAuthentication.OAuth when token is not null:
                return new ClientAuthentication(WebAuthentication.Bearer, BearerValue(token), null);
            case WebAuthentication.Bearer or WebAuthentication.OAuth:
                throw Refuse(ErrorIds.TokenRequired, $"-Authentication {requested} needs -Token");
            case WebAuthentication.None when credential is not null:
            case WebAuthentication.Basic when credential is not null:
                return new ClientAuthentication(WebAuthentication.Basic, BasicValue(credential), null);
            case WebAuthentication.Basic:
                throw Refuse(ErrorIds.CredentialRequired, "-Authentication Basic needs -Credential");
            case WebAuthentication.None when useDefaultCredentials:
                return new ClientAuthentication(WebAuthentication.Negotiate, null, new HandlerCredentials(null, "Negotiate", "NTLM"));
            case WebAuthentication.Negotiate or WebAuthentication.NTLM when credential is not null || useDefaultCredentials:
                return new ClientAuthentication(requested, null, new HandlerCredentials(credential, requested.ToString()));
            case WebAuthentication.Negotiate or WebAuthentication.NTLM:
                throw Refuse(ErrorIds.CredentialRequired, $"-Authentication {requested} needs -Credential or -UseDefaultCredentials");
            default:
                return null;
        }
    }

    /// <summary>The Authorization value of a bearer token: the cmdlet's -Token and a session's.</summary>
    public static string BearerValue(string token) => "Bearer " + token;

    /// <summary>The Authorization value of Basic authentication (RFC 7617, user-id and password in UTF-8): the cmdlet's -Credential and a session's.</summary>
    public static string BasicValue(NetworkCredential credential) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password));

    /// <summary>Refuses credentials for an item over plain http unless -AllowUnencryptedAuthentication, as Invoke-WebRequest does.</summary>
    public static void CheckEncrypted(Uri uri, bool allowUnencryptedAuthentication)
    {
        if (CredentialPolicy.Check(uri, uri, allowUnencryptedAuthentication) == CredentialVerdict.Unencrypted)
        {
            throw new InvalidInputException(ErrorIds.UnencryptedAuthentication,
                "the credentials would travel in clear text over http; use an https:// URI, or -AllowUnencryptedAuthentication to send them anyway");
        }
    }

    private static InvalidInputException Refuse(string errorId, string message) => new(errorId, message);
}

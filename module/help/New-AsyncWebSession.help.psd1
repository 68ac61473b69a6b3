# Help source for New-AsyncWebSession. Build-Help.ps1 turns it into AsyncWeb.dll-Help.xml; syntax, types,
# positions, pipeline input, aliases, defaults and allowed ranges come from the compiled cmdlet.
@{
    Synopsis    = 'Creates a reusable AsyncWeb session: a base URI, default headers, cookies, credentials and its own warm connection pool.'

    Description = @'
New-AsyncWebSession returns an AsyncWeb.AsyncWebSession to pass to Invoke-AsyncWebBatch -Session. Every request of the session gets its settings:
- relative URIs such as '/users/42' resolve against -BaseUri;
- -Headers are sent with every request (a batch's -Headers and an item's own Headers win on the same name);
- cookies set by responses are kept in the session's cookie container and sent back on later requests;
- a bearer token (-Token) or basic credential (-Credential) is sent as the Authorization header to the origin (scheme, host and port) of -BaseUri only; it is not carried over a redirect to another origin and is never shown in output, errors or verbose messages. A session with -Token or -Credential therefore needs -BaseUri (ErrorId CredentialWithoutBaseUri), and an http:// base URI needs -AllowUnencryptedAuthentication, because the credentials would cross the network in clear text (ErrorId UnencryptedAuthentication);
- connection settings (certificate check, proxy, connect timeout, connection limits and lifetime) apply to the session's own connection pool.

A session reused across many Invoke-AsyncWebBatch calls keeps its connections open and warm, so later batches skip the TCP and TLS handshakes. Call $session.Dispose() when done to close its connections.

The examples use $base for the server address and run as written against AsyncWeb's bundled test server, which this one line starts from a clone of the repository (after ./build.ps1 Build; README, Recipes, uses the same line): `Import-Module ./tests/TestHelpers.psm1; $base = (Get-TestServer).Http`. Or set $base to a server of your own, such as 'http://127.0.0.1:5000'.
'@

    Parameters  = @{
        BaseUri                   = 'Absolute http:// or https:// URI that relative -Uri values of Invoke-AsyncWebBatch resolve against, as a browser resolves links: ''/json'' replaces the path, ''items/1'' is relative to the last segment.'
        Headers                   = 'Headers sent with every request of the session, as a hashtable. The -Headers of Invoke-AsyncWebBatch and an item''s own Headers override them by name.'
        Token                     = 'Bearer token, as a SecureString, sent as "Authorization: Bearer <token>" with the session''s requests to the origin (scheme, host and port) of -BaseUri and nowhere else, as Invoke-RestMethod -Authentication Bearer -Token does. Needs -BaseUri; with an http:// base URI also -AllowUnencryptedAuthentication. A redirect to another origin does not carry it, and the token is never shown. Cannot be combined with -Credential.'
        Credential                = 'User name and password sent as HTTP basic authentication ("Authorization: Basic ...") with the session''s requests to the origin (scheme, host and port) of -BaseUri and nowhere else, or with -Authentication Negotiate or NTLM used to answer that origin''s challenge. Needs -BaseUri; with an http:// base URI also -AllowUnencryptedAuthentication. A redirect to another origin does not carry them. The password is never shown; the session shows only the UserName. Cannot be combined with -Token.'
        AllowUnencryptedAuthentication = 'Allows -Token, -Credential or -UseDefaultCredentials with an http:// base URI, where they cross the network in clear text (Invoke-WebRequest''s switch of the same name). Without it such a session is refused with ErrorId UnencryptedAuthentication. Use it only for a local or otherwise trusted network, such as a test server.'
        SkipCertificateCheck      = 'Accepts any TLS certificate for the session''s connections, expired, self-signed or for another name. Only for test servers.'
        Proxy                     = 'Proxy server for the session''s requests, instead of the proxy settings of the environment.'
        ProxyCredential           = 'Credential for the proxy given by -Proxy.'
        NoProxy                   = 'Connects directly, ignoring proxy settings from the environment (HTTP_PROXY, HTTPS_PROXY).'
        ConnectTimeoutSec         = 'Longest time, in seconds, to open a connection, DNS lookup included; a slower connection fails the item with ErrorId ConnectTimeout. 0 means no limit. Not enforced on its own on Windows PowerShell 5.1 (see Invoke-AsyncWebBatch -ConnectTimeoutSec).'
        MaximumConnectionsPerHost = 'Most connections the session opens to one server at a time; requests beyond it wait for a free connection. 0 means no limit (then -ThrottleLimit of each batch is what bounds them).'
        Authentication            = 'How -Credential, -Token or -UseDefaultCredentials are used, as on Invoke-AsyncWebBatch: Basic and Bearer (OAuth) as the Authorization header of every request to the origin of -BaseUri, Negotiate and NTLM as answers to the server''s challenge from that origin only. Without it, -Credential is Basic and -Token is Bearer.'
        UseDefaultCredentials     = 'Answers Negotiate or NTLM challenges from the origin of -BaseUri with the identity of the current user (single sign-on). Needs -BaseUri; with an http:// base URI also -AllowUnencryptedAuthentication. Cannot be combined with -Credential, Basic or Bearer.'
        Certificate               = 'Client certificate, with its private key, for mutual TLS on the session''s connections. Without its private key: ErrorId CertificateWithoutPrivateKey. The session shows only its CertificateThumbprint.'
        CertificateThumbprint     = 'Thumbprint of a client certificate in the CurrentUser\My store, else LocalMachine\My (ErrorId CertificateNotFound when in neither).'
        SslProtocol               = 'TLS versions the session''s connections allow: Default (the system''s; on Windows PowerShell 5.1 at least TLS 1.2), Tls12, Tls13, or both. Tls13 on .NET Framework 4.7.2 stops with ErrorId TlsVersionNotSupported.'
        UnixSocket                = 'Path of a Unix domain socket the session''s connections go to instead of TCP (Docker''s /var/run/docker.sock, for example); use -BaseUri http://localhost. PowerShell 7 only (ErrorId UnixSocketNotSupported on Windows PowerShell).'
        ConnectionLifetimeSec     = 'How long, in seconds, a pooled connection is reused before it is replaced with a new one, so that DNS changes and load balancer moves are noticed by long-lived sessions. No effect on Windows PowerShell 5.1, where .NET Framework''s ServicePointManager recycles connections.'
    }

    Inputs      = @(
        @{ Type = 'None'; Description = 'This cmdlet takes no pipeline input.' }
    )

    Outputs     = @(
        @{ Type = 'AsyncWeb.AsyncWebSession'; Description = 'The session: BaseUri, Headers, Cookies (a System.Net.CookieContainer), UserName, HasToken, SkipCertificateCheck, Proxy, MaximumConnectionsPerHost, ConnectionLifetime, ConnectTimeout and IsDisposed, and a Dispose() method that closes its connections.' }
    )

    Notes       = @'
ErrorIds of refused sessions: CredentialWithoutBaseUri (-Token or -Credential without -BaseUri), UnencryptedAuthentication (-Token or -Credential with an http:// base URI and no -AllowUnencryptedAuthentication), InvalidBaseUri, ConflictingParameters (-Token and -Credential together).

The settings that belong to the connection pool (-SkipCertificateCheck, -Proxy, -ProxyCredential, -NoProxy, -ConnectTimeoutSec) are set on the session; Invoke-AsyncWebBatch refuses them together with -Session (ErrorId ParameterConflictsWithSession). A disposed session is refused too (ErrorId SessionDisposed).
'@

    Examples    = @(
        @{
            Title   = 'A base URI for relative paths'
            Code    = @'
$site = New-AsyncWebSession -BaseUri $base
'/json', '/status/204', '/bytes/100' | Invoke-AsyncWebBatch -Session $site -Ordered |
    Format-Table Index, StatusCode, ContentLength, Uri
$site.Dispose()
'@
            Remarks = 'Relative URIs resolve against the session''s base URI, so a list of paths is enough. Without a session a relative URI fails with ErrorId RelativeUriWithoutBase.'
        }
        @{
            Title   = 'A bearer token and default headers for an API'
            Code    = @'
$token = ConvertTo-SecureString 'demo-token' -AsPlainText -Force
$api = New-AsyncWebSession -BaseUri $base -Token $token -Headers @{ Accept = 'application/json'; 'X-Client' = 'nightly-report' } -AllowUnencryptedAuthentication
$api
$result = Invoke-AsyncWebBatch '/bearer' -Session $api
$result.ContentObject.authenticated

@{ Uri = '/echo'; Body = @{ name = 'widget'; price = 9.5 } } |
    Invoke-AsyncWebBatch -Session $api -Method POST |
    ForEach-Object { $_.ContentObject.contentType }
$api.Dispose()
'@
            Remarks = 'The session sends "Authorization: Bearer demo-token" and the two headers with every request to the origin of $base; showing $api reveals only HasToken = True. The POST sends the hashtable as JSON. The local test server speaks plain http, hence -AllowUnencryptedAuthentication; a real API has an https:// base URI and needs no switch. In real scripts read the token with Read-Host -AsSecureString or from a secret store rather than writing it down.'
        }
        @{
            Title   = 'Cookies carried across requests and batches'
            Code    = @'
$browser = New-AsyncWebSession -BaseUri $base
Invoke-AsyncWebBatch '/cookies/set?cart=42&theme=dark' -Session $browser | Out-Null
$browser.Cookies.GetCookies([uri]$base) | Format-Table Name, Value
(Invoke-AsyncWebBatch '/cookies' -Session $browser).ContentObject.cookies
$browser.Dispose()
'@
            Remarks = 'Cookies set by a response go into the session''s cookie container and are sent back with every later request of the session, in this batch and the next.'
        }
        @{
            Title   = 'Basic authentication with -Credential'
            Code    = @'
$password = ConvertTo-SecureString 'p@ss' -AsPlainText -Force
$login = [pscredential]::new('alice', $password)
$secure = New-AsyncWebSession -BaseUri $base -Credential $login -AllowUnencryptedAuthentication
Invoke-AsyncWebBatch '/basic-auth/alice/p@ss' -Session $secure | Select-Object StatusCode, Success
$secure.UserName
$secure.Dispose()
'@
            Remarks = 'The credential is sent as HTTP basic authentication with the session''s requests to the origin of $base only; the session shows only the user name. -AllowUnencryptedAuthentication is for the plain-http test server: with an https:// base URI it is not needed. Use Get-Credential interactively.'
        }
        @{
            Title   = 'A warm pool reused across batches, with limits and a lifetime'
            Code    = @'
$pool = New-AsyncWebSession -BaseUri $base -MaximumConnectionsPerHost 8 -ConnectionLifetimeSec 120 -ConnectTimeoutSec 3
foreach ($round in 1..3) {
    1..50 | ForEach-Object { "/json?round=$round&n=$_" } |
        Invoke-AsyncWebBatch -Session $pool -ThrottleLimit 16 |
        Measure-AsyncWebBatch |
        Select-Object @{ Name = 'Round'; Expression = { $round } }, Count, Succeeded, P50Ms, WallTime
}
$pool.Dispose()
$pool.IsDisposed
'@
            Remarks = 'The session opens at most 8 connections to the server and keeps them open between the three batches, so later rounds skip the connection set-up; each connection is replaced after two minutes. Dispose() closes them; a disposed session can no longer be used.'
        }
        @{
            Title   = 'A session for a local API on a Unix socket'
            Code    = @'
$socket = (Invoke-RestMethod "$base/listeners").unix
$local = New-AsyncWebSession -BaseUri http://localhost -UnixSocket $socket
'/json', '/cookies/set?seen=1', '/cookies' | Invoke-AsyncWebBatch -Session $local -Ordered |
    Format-Table Index, StatusCode, Uri
$local.Dispose()
'@
            Remarks = 'The session''s connections go to the Unix domain socket (Docker''s is /var/run/docker.sock); its base URI gives the host name and the paths resolve against it. Cookies and default headers work as over TCP. PowerShell 7 only.'
        }
        @{
            Title   = 'A session with a client certificate and TLS 1.3'
            Code    = @'
$mtls = (Invoke-RestMethod "$base/listeners").mtls
$key = [System.Security.Cryptography.RSA]::Create(2048)
$request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=reporting', $key, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
$made = $request.CreateSelfSigned((Get-Date).AddDays(-1), (Get-Date).AddDays(1))
$certificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($made.Export('Pfx'), $null)

$secure = New-AsyncWebSession -BaseUri $mtls -Certificate $certificate -SslProtocol Tls13 -SkipCertificateCheck
$secure | Format-List BaseUri, CertificateThumbprint, SslProtocol
('/echo' | Invoke-AsyncWebBatch -Session $secure).ContentObject.clientCertificate.subject
$secure.Dispose()
'@
            Remarks = 'Every connection of the session offers the client certificate and allows TLS 1.3 only. The session shows the certificate''s thumbprint, never its key. -CertificateThumbprint finds a certificate in the CurrentUser\My or LocalMachine\My store instead.'
        }
    )

    Links       = @(
        @{ Text = 'Invoke-AsyncWebBatch' }
        @{ Text = 'Measure-AsyncWebBatch' }
    )
}

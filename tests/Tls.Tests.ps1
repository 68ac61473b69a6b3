BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:https = $server.Https
    $script:mtls = (Invoke-RestMethod "$base/listeners").mtls

    # A throwaway CA and a client certificate it signs, made here, kept in memory; the PFX round trip gives
    # the key a form TLS can use on every platform.
    function New-TestCertificate([string]$Subject, [Security.Cryptography.X509Certificates.X509Certificate2]$Issuer, [switch]$Authority) {
        $key = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $key, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($Authority, $false, 0, $true))
        if ($Authority) {
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
        }
        else {
            $usage = [Security.Cryptography.OidCollection]::new()
            $null = $usage.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2', 'Client Authentication'))
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usage, $false))
        }

        $now = [DateTimeOffset]::UtcNow
        $made = if ($Issuer) {
            $serial = [byte[]]::new(8); [Security.Cryptography.RandomNumberGenerator]::Fill($serial)
            [Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($request.Create($Issuer, $now.AddDays(-1), $now.AddDays(7), $serial), $key)
        }
        else { $request.CreateSelfSigned($now.AddDays(-1), $now.AddDays(30)) }
        [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($made.Export('Pfx', 'x'), 'x', 'Exportable')
    }

    # Unique names: the server keeps every CA a test run registers, and chains are built by issuer name.
    $script:ca = New-TestCertificate "CN=AsyncWeb Test CA $(New-Guid)" -Authority
    $script:client = New-TestCertificate 'CN=asyncweb-client' -Issuer $ca
    $script:rogueCa = New-TestCertificate "CN=Rogue CA $(New-Guid)" -Authority
    $script:rogue = New-TestCertificate 'CN=rogue-client' -Issuer $rogueCa
    # The server trusts the CA from now on (only its public certificate goes there).
    $null = Invoke-RestMethod "$base/client-cert/trust" -Method Post -Body $ca.RawData -ContentType 'application/pkix-cert'
}

Describe 'TLS' {
    Context '-SslProtocol' {
        It 'negotiates TLS <Expected> with -SslProtocol <Protocol> (the server reports the version)' -ForEach @(
            @{ Protocol = 'Tls12'; Expected = 'Tls12' }
            @{ Protocol = 'Tls13'; Expected = 'Tls13' }
        ) {
            $result = "$https/echo" | Invoke-AsyncWebBatch -SslProtocol $Protocol -SkipCertificateCheck
            $result.ContentObject.tlsProtocol | Should -Be $Expected
        }

        It 'leaves the version to the system by default, and allows a list' {
            ("$https/echo" | Invoke-AsyncWebBatch -SkipCertificateCheck).ContentObject.tlsProtocol | Should -BeIn 'Tls12', 'Tls13'
            ("$https/echo" | Invoke-AsyncWebBatch -SslProtocol Tls12, Tls13 -SkipCertificateCheck).ContentObject.tlsProtocol | Should -BeIn 'Tls12', 'Tls13'
        }

        It 'does not offer TLS 1.0 or 1.1' {
            { "$https/echo" | Invoke-AsyncWebBatch -SslProtocol Tls11 } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }
    }

    Context 'client certificates (mutual TLS)' {
        It 'is let in with -Certificate signed by the CA the server trusts' {
            $result = "$mtls/client-cert" | Invoke-AsyncWebBatch -Certificate $client -SkipCertificateCheck
            $result.StatusCode | Should -Be 200
            $result.ContentObject.clientCertificate.thumbprint | Should -Be $client.Thumbprint
            $result.ContentObject.clientCertificate.issuer | Should -Be $ca.Subject
        }

        It 'is refused with 403 (HttpStatus, PermissionDenied) without a certificate' {
            $null = "$mtls/client-cert" | Invoke-AsyncWebBatch -SkipCertificateCheck -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HttpStatus,*'
            $failed[0].TargetObject.StatusCode | Should -Be 403
            $failed[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $failed[0].TargetObject.ContentObject.clientCertificate | Should -BeNullOrEmpty
        }

        It 'is refused with 403 with a certificate from another CA' {
            $result = "$mtls/client-cert" | Invoke-AsyncWebBatch -Certificate $rogue -SkipCertificateCheck -FailuresAsResults
            $result.StatusCode | Should -Be 403
            $result.ContentObject.clientCertificate.thumbprint | Should -Be $rogue.Thumbprint
        }

        It 'keeps a pool per certificate: the right certificate goes with each call' {
            $first = "$mtls/echo" | Invoke-AsyncWebBatch -Certificate $client -SkipCertificateCheck
            $second = "$mtls/echo" | Invoke-AsyncWebBatch -Certificate $rogue -SkipCertificateCheck
            $again = "$mtls/echo" | Invoke-AsyncWebBatch -Certificate ([Security.Cryptography.X509Certificates.X509Certificate2]::new($client)) -SkipCertificateCheck
            $first.ContentObject.clientCertificate.thumbprint | Should -Be $client.Thumbprint
            $second.ContentObject.clientCertificate.thumbprint | Should -Be $rogue.Thumbprint
            $again.ContentObject.clientCertificate.thumbprint | Should -Be $client.Thumbprint
        }

        It 'stops with CertificateWithoutPrivateKey for a certificate without its key' {
            $public = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($client.RawData)
            { "$mtls/client-cert" | Invoke-AsyncWebBatch -Certificate $public -SkipCertificateCheck } |
                Should -Throw -ErrorId 'CertificateWithoutPrivateKey,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage "*$($client.Thumbprint)*private key*"
        }

        It 'finds -CertificateThumbprint in the CurrentUser\My store' {
            $store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
            $store.Open('ReadWrite')
            try {
                $store.Add($client)
                $result = "$mtls/client-cert" | Invoke-AsyncWebBatch -CertificateThumbprint $client.Thumbprint.ToLowerInvariant() -SkipCertificateCheck
                $result.StatusCode | Should -Be 200
                $result.ContentObject.clientCertificate.thumbprint | Should -Be $client.Thumbprint
            }
            finally {
                $store.Remove($client)
                $store.Dispose()
            }
        }

        It 'stops with CertificateNotFound for a thumbprint in no store' {
            { "$mtls/client-cert" | Invoke-AsyncWebBatch -CertificateThumbprint ('AB' * 20) -SkipCertificateCheck } |
                Should -Throw -ErrorId 'CertificateNotFound,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage '*CurrentUser\My*'
        }

        It 'refuses -Certificate with -CertificateThumbprint' {
            { "$mtls/client-cert" | Invoke-AsyncWebBatch -Certificate $client -CertificateThumbprint $client.Thumbprint } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }

        It 'works for a session: its connections offer the certificate and allow only its TLS versions; it shows only the thumbprint' {
            $session = New-AsyncWebSession -BaseUri $mtls -Certificate $client -SslProtocol Tls12 -SkipCertificateCheck
            try {
                $results = '/client-cert', '/echo' | Invoke-AsyncWebBatch -Session $session -Ordered
                $results[0].StatusCode | Should -Be 200
                $results[0].ContentObject.clientCertificate.thumbprint | Should -Be $client.Thumbprint
                $results[1].ContentObject.tlsProtocol | Should -Be 'Tls12'
                $session.CertificateThumbprint | Should -Be $client.Thumbprint
                $session.SslProtocol | Should -Be 'Tls12'
                $shown = $session | Format-List * | Out-String
                $shown | Should -Match $client.Thumbprint
                $shown | Should -Not -Match 'PRIVATE KEY'
                { '/echo' | Invoke-AsyncWebBatch -Session $session -Certificate $rogue } |
                    Should -Throw -ErrorId 'ParameterConflictsWithSession,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            }
            finally { $session.Dispose() }
        }

        It 'never shows the private key in any stream' {
            $pem = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($client).ExportRSAPrivateKeyPem()
            $keyLine = ($pem -split "`n")[1].Trim()
            $output = & { "$mtls/client-cert", "$mtls/status/500" | Invoke-AsyncWebBatch -Certificate $client -SkipCertificateCheck -Verbose -Debug -ErrorAction Continue } *>&1 | Out-String
            $output | Should -Match 'client-cert'
            $output | Should -Not -Match ([regex]::Escape($keyLine))
            $output | Should -Not -Match 'PRIVATE KEY'
        }
    }
}

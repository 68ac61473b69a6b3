BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:port = ([uri]$base).Port
    $script:httpsPort = ([uri]$server.Https).Port
    $script:listeners = Invoke-RestMethod "$base/listeners"
    # Two forward proxies of the test server: they take names under .invalid to 127.0.0.1 and log what they carried.
    $script:proxyA, $script:proxyB = (Invoke-RestMethod "$base/proxies").uri

    function Get-ProxyLog([int] $Index) { @((Invoke-RestMethod "$base/proxies")[$Index].log) }
}

Describe 'A proxy per item' {
    BeforeEach {
        $null = Invoke-RestMethod "$base/proxies/reset" -Method Post -NoProxy
    }

    It 'sends an item through its own Proxy, one with NoProxy straight to the server, and the rest through -Proxy' {
        $items = @(
            @{ Uri = "http://item-b.invalid:$port/echo?i=b"; Proxy = $proxyB }
            @{ Uri = "$base/echo?i=direct"; NoProxy = $true }
            "http://item-a.invalid:$port/echo?i=a"
        )
        $results = $items | Invoke-AsyncWebBatch -Proxy $proxyA -Ordered
        $results.StatusCode | Should -Be @(200, 200, 200)
        $results.ContentObject.query | Should -Be @('?i=b', '?i=direct', '?i=a')

        Get-ProxyLog 0 | Should -Be @("GET http://item-a.invalid:$port/echo?i=a")
        Get-ProxyLog 1 | Should -Be @("GET http://item-b.invalid:$port/echo?i=b")
    }

    It 'reads Proxy and NoProxy columns of CSV rows (an empty cell is the batch''s choice)' {
        $rows = @"
Uri,Proxy,NoProxy
http://row-a.invalid:$port/echo,$proxyA,
$base/echo?row=direct,,true
http://row-b.invalid:$port/echo,$proxyB,false
"@ | ConvertFrom-Csv
        $results = $rows | Invoke-AsyncWebBatch -Ordered
        $results.StatusCode | Should -Be @(200, 200, 200)
        Get-ProxyLog 0 | Should -Be @("GET http://row-a.invalid:$port/echo")
        Get-ProxyLog 1 | Should -Be @("GET http://row-b.invalid:$port/echo")
    }

    It 'tunnels an https item through its proxy with CONNECT, the name kept for TLS' {
        $result = @{ Uri = "https://tunnel.invalid:$httpsPort/echo"; Proxy = $proxyB } | Invoke-AsyncWebBatch -SkipCertificateCheck
        $result.StatusCode | Should -Be 200
        $result.ContentObject.headers.Host | Should -Be "tunnel.invalid:$httpsPort"
        Get-ProxyLog 1 | Should -Be @("CONNECT tunnel.invalid:$httpsPort")
        Get-ProxyLog 0 | Should -BeNullOrEmpty
    }

    It 'offers -Certificate through an item''s proxy tunnel' {
        $key = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=per-item-proxy-client', $key, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $now = [DateTimeOffset]::UtcNow
        $made = $request.CreateSelfSigned($now.AddDays(-1), $now.AddDays(1))
        $certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($made.Export('Pfx', 'x'), 'x')
        $mtlsPort = ([uri]$listeners.mtls).Port

        $result = @{ Uri = "https://mtls.invalid:$mtlsPort/echo"; Proxy = $proxyA } | Invoke-AsyncWebBatch -Certificate $certificate -SkipCertificateCheck
        $result.StatusCode | Should -Be 200
        $result.ContentObject.clientCertificate.subject | Should -Be 'CN=per-item-proxy-client'
        Get-ProxyLog 0 | Should -Be @("CONNECT mtls.invalid:$mtlsPort")
    }

    It 'keeps a session''s cookies on an item''s own proxy route' {
        $session = New-AsyncWebSession -BaseUri $base -NoProxy
        try {
            $null = '/cookies/set?via=direct' | Invoke-AsyncWebBatch -Session $session
            $results = @(@{ Uri = '/cookies'; Proxy = $proxyA }, @{ Uri = '/cookies'; Proxy = $proxyA }) | Invoke-AsyncWebBatch -Session $session
            $results.ContentObject.cookies.via | Should -Be @('direct', 'direct')
            Get-ProxyLog 0 | Should -Be @("GET $base/cookies", "GET $base/cookies")
        }
        finally { $session.Dispose() }
    }

    It 'follows a redirect to another name through the item''s proxy' {
        $target = [uri]::EscapeDataString("http://after-redirect.invalid:$port/echo")
        $result = @{ Uri = "http://before-redirect.invalid:$port/redirect-to?url=$target"; Proxy = $proxyB } | Invoke-AsyncWebBatch
        $result.StatusCode | Should -Be 200
        $result.ContentObject.headers.Host | Should -Be "after-redirect.invalid:$port"
        Get-ProxyLog 1 | Should -Be @("GET http://before-redirect.invalid:$port/redirect-to?url=$target", "GET http://after-redirect.invalid:$port/echo")
    }

    It 'refuses, as the item''s error, <Case>' -ForEach @(
        @{ Case = 'a proxy URI with a password, without quoting it'; Item = @{ Uri = '/echo'; Proxy = 'http://user:s3cret-pa55@127.0.0.1:1' }; ErrorId = 'InvalidProxy' }
        @{ Case = 'a relative proxy URI'; Item = @{ Uri = '/echo'; Proxy = 'proxy:8080' }; ErrorId = 'InvalidProxy' }
        @{ Case = 'a proxy of another scheme'; Item = @{ Uri = '/echo'; Proxy = 'ftp://127.0.0.1:21' }; ErrorId = 'InvalidProxy' }
        @{ Case = 'a NoProxy that is not a boolean'; Item = @{ Uri = '/echo'; NoProxy = 'maybe' }; ErrorId = 'InvalidProxy' }
        @{ Case = 'both Proxy and NoProxy'; Item = @{ Uri = '/echo'; Proxy = 'http://127.0.0.1:1'; NoProxy = $true }; ErrorId = 'ConflictingParameters' }
    ) {
        $results = @($Item, '/json') | Invoke-AsyncWebBatch -BaseUri $base -FailuresAsResults -Ordered
        $results[0].ErrorId | Should -Be $ErrorId
        $results[0].Error.Message | Should -Not -BeLike '*s3cret*'
        $results[1].StatusCode | Should -Be 200
        (Get-ProxyLog 0) + (Get-ProxyLog 1) | Should -BeNullOrEmpty
    }

    It 'refuses an item''s Proxy where -Resolve pins where it connects (the proxy would connect, not AsyncWeb)' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build refuses -Resolve itself'; return }
        $results = @(@{ Uri = "$base/json"; Proxy = $proxyA }, @{ Uri = "$base/json"; NoProxy = $true }) |
            Invoke-AsyncWebBatch -Resolve "127.0.0.1:$($port):127.0.0.1" -FailuresAsResults -Ordered
        $results[0].ErrorId | Should -Be 'ConflictingParameters'
        $results[1].StatusCode | Should -Be 200
        Get-ProxyLog 0 | Should -BeNullOrEmpty
    }

    It 'sends an item''s Proxy in a batch whose -Resolve pins another name, and keeps it on a redirect to the pinned name' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build refuses -Resolve itself'; return }
        $target = [uri]::EscapeDataString("http://pinned.test:$port/echo")
        $items = @(
            @{ Uri = "http://proxied.invalid:$port/echo"; Proxy = $proxyA }
            @{ Uri = "http://to-pinned.invalid:$port/redirect-to?url=$target"; Proxy = $proxyB }
            @{ Uri = "http://pinned.test:$port/echo" }
        )
        $results = $items | Invoke-AsyncWebBatch -Resolve "pinned.test:$($port):127.0.0.1" -FailuresAsResults -Ordered
        $results.StatusCode | Should -Be 200, 200, 200
        $results.ContentObject.headers.Host | Should -Be "proxied.invalid:$port", "pinned.test:$port", "pinned.test:$port"
        Get-ProxyLog 0 | Should -Be @("GET http://proxied.invalid:$port/echo")
        Get-ProxyLog 1 | Should -Be @("GET http://to-pinned.invalid:$port/redirect-to?url=$target", "GET http://pinned.test:$port/echo")
    }

    It 'refuses an item''s Proxy when every connection goes to a Unix socket' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build refuses -UnixSocket itself'; return }
        $results = @(@{ Uri = '/json'; Proxy = $proxyA }, @{ Uri = '/json'; NoProxy = $true }) |
            Invoke-AsyncWebBatch -UnixSocket $listeners.unix -BaseUri http://localhost -FailuresAsResults -Ordered
        $results[0].ErrorId | Should -Be 'ConflictingParameters'
        $results[1].StatusCode | Should -Be 200
    }
}

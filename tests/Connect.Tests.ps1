BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:httpPort = ([uri]$server.Http).Port
    $script:httpsPort = ([uri]$server.Https).Port
    # 127.0.0.2's listener, where the OS has loopback aliases (Linux, Windows): another address, another port.
    $script:alias = if ($server.Loopback.Count -gt 0) { [uri]$server.Loopback[0] } else { $null }

    function Skip-OnNetstandard {
        if (Test-NetstandardBuild) {
            Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack has no connect callback: the netstandard2.0 build refuses -Resolve and -ConnectTo (tested below)'
            return $true
        }
        $false
    }
}

Describe 'Where a request connects: -Resolve and -ConnectTo' {
    Context '-Resolve pins a name to addresses; the name stays in the request' {
        It 'connects a made-up name to 127.0.0.1 over http, with the Host header on the name and the URI as given' {
            if (Skip-OnNetstandard) { return }
            $uri = "http://api.example.test:$httpPort/arrived"
            $result = $uri | Invoke-AsyncWebBatch -Resolve "api.example.test:${httpPort}:127.0.0.1"
            $result.Success | Should -BeTrue
            $result.ContentObject.host | Should -Be "api.example.test:$httpPort"
            $result.Uri | Should -Be $uri
            $result.RemoteAddress | Should -Be ([ipaddress]'127.0.0.1') -Because 'phase timings report the address actually used'
            $result.RemotePort | Should -Be $httpPort
            $result.DnsLookupMs | Should -Be 0 -Because 'a pinned name is not looked up'
        }

        It 'takes IPv6 addresses in brackets and several addresses, and * for any host' {
            if (Skip-OnNetstandard) { return }
            $result = "http://api.example.test:$httpPort/arrived" | Invoke-AsyncWebBatch -Resolve "*:${httpPort}:[::1],127.0.0.1" -ConnectTimeoutSec 10
            $result.Success | Should -BeTrue
            $result.ContentObject.host | Should -Be "api.example.test:$httpPort"
            $result.RemoteAddress | Should -Be ([ipaddress]'127.0.0.1') -Because 'nothing listens on [::1] at that port: the next address is tried'
        }

        It 'keeps SNI on the name over https' {
            if (Skip-OnNetstandard) { return }
            $result = "https://api.example.test:$httpsPort/arrived" | Invoke-AsyncWebBatch -Resolve "api.example.test:${httpsPort}:127.0.0.1" -SkipCertificateCheck
            $result.Success | Should -BeTrue
            $result.ContentObject.sni | Should -Be 'api.example.test'
            $result.ContentObject.host | Should -Be "api.example.test:$httpsPort"
            $result.TlsProtocol | Should -Not -BeNullOrEmpty
        }

        It 'checks the certificate against the name, not the address it connected to' {
            if (Skip-OnNetstandard) { return }
            # The server's certificate names localhost and 127.0.0.1 (self-signed, so untrusted either way): only a
            # name it does not have adds the name mismatch.
            $other = "https://api.example.test:$httpsPort/arrived" | Invoke-AsyncWebBatch -Resolve "api.example.test:${httpsPort}:127.0.0.1" -FailuresAsResults
            $other.Error.ErrorId | Should -Be 'TlsHandshakeFailed'
            $other.Error.Message | Should -Match 'RemoteCertificateNameMismatch'
            $own = "https://localhost:$httpsPort/arrived" | Invoke-AsyncWebBatch -Resolve "localhost:${httpsPort}:127.0.0.1" -FailuresAsResults
            $own.Error.ErrorId | Should -Be 'TlsHandshakeFailed'
            $own.Error.Message | Should -Not -Match 'RemoteCertificateNameMismatch'
        }

        It 'applies to its host and port only: a redirect to another name is looked up as usual' {
            if (Skip-OnNetstandard) { return }
            $pin = "api.example.test:${httpPort}:127.0.0.1"
            $same = "http://api.example.test:$httpPort/redirect-to?url=/arrived" | Invoke-AsyncWebBatch -Resolve $pin
            $same.ContentObject.host | Should -Be "api.example.test:$httpPort" -Because 'a redirect on the pinned host:port stays pinned'
            $away = "http://api.example.test:$httpPort/redirect-to?url=http://elsewhere.example.test:$httpPort/arrived" | Invoke-AsyncWebBatch -Resolve $pin -FailuresAsResults
            $away.Error.ErrorId | Should -Be 'DnsResolutionFailed' -Because '.test names never resolve (RFC 2606): the redirect was not pinned'
        }

        It 'keeps a session''s cookies on the name' {
            if (Skip-OnNetstandard) { return }
            $session = New-AsyncWebSession -BaseUri "http://api.example.test:$httpPort"
            try {
                $pin = "api.example.test:${httpPort}:127.0.0.1"
                ('/cookies/set?via=pin' | Invoke-AsyncWebBatch -Session $session -Resolve $pin).Success | Should -BeTrue
                ('/cookies' | Invoke-AsyncWebBatch -Session $session -Resolve $pin).ContentObject.cookies.via | Should -Be 'pin'
                $session.Cookies.GetCookies([uri]"http://api.example.test:$httpPort/")['via'].Value | Should -Be 'pin'
            }
            finally { $session.Dispose() }
        }
    }

    Context '-ConnectTo moves a host:port to another' {
        It 'connects to tohost:toport with the Host header on the name' {
            if (Skip-OnNetstandard) { return }
            $result = 'http://api.example.test/arrived' | Invoke-AsyncWebBatch -ConnectTo "api.example.test:80:127.0.0.1:$httpPort"
            $result.Success | Should -BeTrue
            $result.ContentObject.host | Should -Be 'api.example.test'
            $result.RemotePort | Should -Be $httpPort
        }

        It 'reads empty parts as any host and the same host, and looks tohost up as usual' {
            if (Skip-OnNetstandard) { return }
            $result = "http://localhost:1/arrived" | Invoke-AsyncWebBatch -ConnectTo ":::${httpPort}"
            $result.Success | Should -BeTrue
            $result.ContentObject.host | Should -Be 'localhost:1'
            $result.ContentObject.localPort | Should -Be $httpPort
        }
    }

    Context 'Per item' {
        It 'never lets two pins of one host:port share a connection' {
            if (Skip-OnNetstandard) { return }
            if (-not $alias) { Set-ItResult -Skipped -Because 'this OS has no loopback alias (127.0.0.2)'; return }
            # One URI, two places: 127.0.0.2 (its own listener) and 127.0.0.1 (the main one). One at a time, so a
            # shared pool would reuse the first connection for the second item.
            $uri = "http://api.example.test:$($alias.Port)/arrived"
            $toAlias = @{ Uri = $uri; Resolve = "api.example.test:$($alias.Port):127.0.0.2" }
            $toMain = @{ Uri = $uri; ConnectTo = "api.example.test:$($alias.Port):127.0.0.1:$httpPort" }
            $results = $toAlias, $toMain, $toAlias, $toMain | Invoke-AsyncWebBatch -ThrottleLimit 1 -Ordered
            $results.Success | Should -Be @($true, $true, $true, $true)
            $results.ContentObject.localAddress | Should -Be @('127.0.0.2', '127.0.0.1', '127.0.0.2', '127.0.0.1')
            $results.RemoteAddress.IPAddressToString | Should -Be @('127.0.0.2', '127.0.0.1', '127.0.0.2', '127.0.0.1')
            $results[2].ContentObject.connection | Should -Be $results[0].ContentObject.connection -Because 'requests pinned to one place share its connections'
            $results[3].ContentObject.connection | Should -Be $results[1].ContentObject.connection
            $results.ContentObject.host | Should -Be (@("api.example.test:$($alias.Port)") * 4)
        }

        It 'lets an item''s entry win over the batch''s for the same host and port' {
            if (Skip-OnNetstandard) { return }
            if (-not $alias) { Set-ItResult -Skipped -Because 'this OS has no loopback alias (127.0.0.2)'; return }
            $uri = "http://api.example.test:$($alias.Port)/arrived"
            $results = $uri, @{ Uri = $uri; ConnectTo = "api.example.test:$($alias.Port):127.0.0.2:$($alias.Port)" } |
                Invoke-AsyncWebBatch -ConnectTo "api.example.test:$($alias.Port):127.0.0.1:$httpPort" -Ordered
            $results.ContentObject.localAddress | Should -Be @('127.0.0.1', '127.0.0.2')
        }

        It 'fails only the item whose entry is bad, naming the entry and the item' {
            if (Skip-OnNetstandard) { return }
            $results = "$($server.Http)/arrived", @{ Uri = "$($server.Http)/arrived"; Resolve = 'api.example.test:80' }, @{ Uri = "$($server.Http)/arrived"; ConnectTo = 'a:b:c:d' } |
                Invoke-AsyncWebBatch -FailuresAsResults -Ordered
            $results[0].Success | Should -BeTrue
            $results[1].Error.ErrorId | Should -Be 'InvalidResolve'
            $results[1].Error.Message | Should -Match "'api\.example\.test:80'"
            $results[1].Index | Should -Be 1
            $results[2].Error.ErrorId | Should -Be 'InvalidConnectTo'
            $results[2].Error.Message | Should -Match "'a:b:c:d'"
        }
    }

    Context '-EveryAddress: one request per address of a name' {
        It 'sends to each address, tags each result with it, and keeps the Host header on the name' {
            if (Skip-OnNetstandard) { return }
            # Nothing listens on 127.0.0.3 at the http port: one backend up, one refused, each said.
            $results = @("http://api.example.test:$httpPort/arrived" |
                Invoke-AsyncWebBatch -EveryAddress -Resolve "api.example.test:${httpPort}:127.0.0.1,127.0.0.3" -FailuresAsResults -Ordered)
            $results.Count | Should -Be 2
            $results.Index | Should -Be @(0, 1) -Because 'each address is a request of its own, numbered in turn'
            $results.TargetAddress.IPAddressToString | Should -Be @('127.0.0.1', '127.0.0.3')
            $results[0].ContentObject.host | Should -Be "api.example.test:$httpPort"
            $results[0].RemoteAddress | Should -Be ([ipaddress]'127.0.0.1')
            $results[1].Error.ErrorId | Should -Be 'ConnectionRefused'
            $results[1].Input | Should -Be "http://api.example.test:$httpPort/arrived"
        }

        It 'looks the name up (A and AAAA) when nothing pins it, and numbers the next item after its addresses' {
            if (Skip-OnNetstandard) { return }
            $expected = @([System.Net.Dns]::GetHostAddresses('localhost') | ForEach-Object IPAddressToString | Select-Object -Unique)
            $results = @("http://localhost:$httpPort/arrived", "$($server.Http)/arrived" | Invoke-AsyncWebBatch -EveryAddress -FailuresAsResults -ConnectTimeoutSec 5 -Ordered)
            $results.Count | Should -Be ($expected.Count + 1)
            @($results | Select-Object -SkipLast 1 | ForEach-Object { $_.TargetAddress.IPAddressToString }) | Sort-Object | Should -Be ($expected | Sort-Object)
            ($results | Where-Object { $_.TargetAddress -eq [ipaddress]'127.0.0.1' -and $_.Input -like '*localhost*' }).ContentObject.host | Should -Be "localhost:$httpPort"
            $results[-1].Index | Should -Be $expected.Count
            $results[-1].TargetAddress.IPAddressToString | Should -Be '127.0.0.1' -Because 'an IP literal is its one address'
        }

        It 'retries on the same address' {
            if (Skip-OnNetstandard) { return }
            $results = @("http://api.example.test:$httpPort/arrived" |
                Invoke-AsyncWebBatch -EveryAddress -Resolve "api.example.test:${httpPort}:127.0.0.3" -MaximumRetryCount 1 -RetryIntervalSec 0.05 -FailuresAsResults)
            $results.Attempts | Should -Be 2
            $results.Error.ErrorId | Should -Be 'ConnectionRefused' -Because 'the retry went to 127.0.0.3 again, not to the name'
        }

        It 'refuses what cannot work per address' {
            if (Skip-OnNetstandard) { return }
            { 'http://api.example.test/' | Invoke-AsyncWebBatch -EveryAddress -OutFile (Join-Path $TestDrive 'x') } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            { 'http://api.example.test/' | Invoke-AsyncWebBatch -EveryAddress -JournalPath (Join-Path $TestDrive 'j.jsonl') } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }
    }

    Context 'Refusals' {
        It 'refuses a bad -Resolve entry before anything is sent, naming it' {
            if (Skip-OnNetstandard) { return }
            { 'http://api.example.test/' | Invoke-AsyncWebBatch -Resolve 'api.example.test:80:not-an-address' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidResolve,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage "*'api.example.test:80:not-an-address'*"
            { 'http://api.example.test/' | Invoke-AsyncWebBatch -ConnectTo 'api.example.test:80' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidConnectTo,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }

        It 'refuses -Resolve with -UnixSocket, and with -Proxy' {
            if (Skip-OnNetstandard) { return }
            { 'http://api.example.test/' | Invoke-AsyncWebBatch -Resolve 'api.example.test:80:127.0.0.1' -UnixSocket '/tmp/x.sock' } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            { 'http://api.example.test/' | Invoke-AsyncWebBatch -ConnectTo '::127.0.0.1:1' -Proxy 'http://127.0.0.1:1' } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }

        It 'refuses -Resolve on Windows PowerShell''s HTTP stack, which cannot connect elsewhere' {
            if (-not (Test-NetstandardBuild)) { Set-ItResult -Skipped -Because 'the netstandard2.0 build only'; return }
            { 'http://api.example.test/' | Invoke-AsyncWebBatch -Resolve 'api.example.test:80:127.0.0.1' } |
                Should -Throw -ErrorId 'ConnectPinNotSupported,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }
    }
}

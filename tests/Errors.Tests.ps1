BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http

    # A port that is listening but never accepts: once its backlog is full, new connects hang.
    function New-BlackHolePort {
        $listener = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
        $listener.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
        $listener.Listen(0)
        $port = $listener.LocalEndPoint.Port
        $fillers = foreach ($i in 1..4) {
            $client = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
            $client.Blocking = $false
            try { $client.Connect('127.0.0.1', $port) } catch [Net.Sockets.SocketException] { }
            $client
        }
        [pscustomobject]@{ Port = $port; Sockets = @($listener) + $fillers }
    }
}

Describe 'Invoke-AsyncWebBatch failure reporting' {
    Context 'each failure kind has its own ErrorId' {
        It 'reports <ErrorId> for <Case>' -TestCases @(
            @{ Case = 'an unresolvable host'; ErrorId = 'DnsResolutionFailed'; Uri = { 'http://no-such-host.invalid/' } }
            @{ Case = 'a refused connection'; ErrorId = 'ConnectionRefused'; Uri = { "http://127.0.0.1:$(Get-ClosedPort)/" } }
            @{ Case = 'a reset mid-body'; ErrorId = 'ConnectionReset'; Uri = { "$base/reset" } }
            @{ Case = 'a reset before the headers'; ErrorId = 'ConnectionReset'; Uri = { "$base/reset?when=headers" } }
            @{ Case = 'a raw reset mid-body'; ErrorId = 'ConnectionReset'; Uri = { "$($server.Raw)/reset-body" } }
            @{ Case = 'a response that is not HTTP'; ErrorId = 'ProtocolError'; Uri = { "$($server.Raw)/garbage" } }
            @{ Case = 'an HTTP error status'; ErrorId = 'HttpStatus'; Uri = { "$base/status/500" } }
            @{ Case = 'a self-signed certificate'; ErrorId = 'TlsHandshakeFailed'; Uri = { "$($server.Https)/json" } }
            @{ Case = 'an unsupported scheme'; ErrorId = 'UnsupportedScheme'; Uri = { 'ftp://127.0.0.1/file' } }
            @{ Case = 'a relative URI without a session'; ErrorId = 'RelativeUriWithoutBase'; Uri = { 'api/items' } }
            @{ Case = 'an invalid URI'; ErrorId = 'InvalidUri'; Uri = { 'http://exa mple.com:99999/' } }
            @{ Case = 'an empty URI'; ErrorId = 'EmptyUri'; Uri = { '' } }
        ) {
            if ($ErrorId -eq 'ProtocolError' -and (Test-NetstandardBuild)) {
                Set-ItResult -Skipped -Because 'the netstandard2.0 build knows an invalid response from .NET Framework''s WebException (ServerProtocolViolation); on PowerShell 7 it arrives as HttpRequestError, which netstandard2.0 cannot read'
            }
            $uri = & $Uri
            $null = $uri | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev | Should -HaveCount 1
            $ev[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            $ev[0].TargetObject | Should -BeOfType ([AsyncWeb.WebBatchResult])
            $ev[0].TargetObject.Error.ErrorId | Should -Be $ErrorId
            $ev[0].Exception.Message | Should -BeLike '`[#0`]*'
        }

        It 'reports ConnectTimeout when a connection cannot be opened within ConnectTimeoutSec' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s handler has no connect callback: there ConnectTimeoutSec only lengthens the first silence allowance (OperationTimeoutSec + ConnectTimeoutSec)' }
            $hole = New-BlackHolePort
            try {
                $result = "http://127.0.0.1:$($hole.Port)/" | Invoke-AsyncWebBatch -ConnectTimeoutSec 0.5 -FailuresAsResults
                $result.Error.ErrorId | Should -Be 'ConnectTimeout'
                $result.Elapsed.TotalSeconds | Should -BeLessThan 10
            }
            finally {
                $hole.Sockets | ForEach-Object Dispose
            }
        }

        It 'bounds a connection that cannot be opened by the first wait on the Windows PowerShell build, as OperationTimeout' {
            if (-not (Test-NetstandardBuild)) { Set-ItResult -Skipped -Because 'only the netstandard2.0 build (Windows PowerShell 5.1) has no connect callback' }
            $hole = New-BlackHolePort
            try {
                $result = "http://127.0.0.1:$($hole.Port)/" | Invoke-AsyncWebBatch -ConnectTimeoutSec 0.5 -OperationTimeoutSec 0.5 -FailuresAsResults
                $result.Error.ErrorId | Should -Be 'OperationTimeout'
                $result.Elapsed.TotalSeconds | Should -BeLessThan 10
            }
            finally {
                $hole.Sockets | ForEach-Object Dispose
            }
        }

        It 'reports OperationTimeout when the server goes silent mid-body' {
            $result = "$base/drip?bytes=20&intervalMs=3000" | Invoke-AsyncWebBatch -OperationTimeoutSec 0.5 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'OperationTimeout'
            $result.Error.Message | Should -Match 'OperationTimeoutSec'
        }

        It 'reports OperationTimeout when the server accepts and never answers' {
            $result = "$($server.Raw)/never" | Invoke-AsyncWebBatch -OperationTimeoutSec 0.5 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'OperationTimeout'
        }

        It 'reports RequestTimeout when the whole request outlasts TimeoutSec although data keeps coming' {
            $result = "$base/drip?bytes=40&intervalMs=100" | Invoke-AsyncWebBatch -TimeoutSec 1 -OperationTimeoutSec 30 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'RequestTimeout'
            $result.Error.Message | Should -Match 'TimeoutSec'
        }

        It 'succeeds against the self-signed endpoint with -SkipCertificateCheck' {
            $result = "$($server.Https)/json" | Invoke-AsyncWebBatch -SkipCertificateCheck
            $result.StatusCode | Should -Be 200
        }
    }

    Context 'each timeout at its boundary' {
        It 'bounds the wait for the headers on a reused connection by -OperationTimeoutSec alone' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s handler does not tell when a request is on a connection: there the wait for the headers may last ConnectTimeoutSec + OperationTimeoutSec' }
            $results = "$base/json", "$base/delay/3000" | Invoke-AsyncWebBatch -ThrottleLimit 1 -Ordered -ConnectTimeoutSec 10 -OperationTimeoutSec 1 -FailuresAsResults
            $results[0].StatusCode | Should -Be 200
            $results[1].Error.ErrorId | Should -Be 'OperationTimeout'
            $results[1].Error.Message | Should -Match 'no response headers for 1 s after the request \(OperationTimeoutSec\)'
        }

        It 'bounds the wait for the headers on a new connection by -OperationTimeoutSec, not ConnectTimeoutSec + OperationTimeoutSec' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s handler does not tell when a request is on a connection' }
            # A -ConnectTimeoutSec of its own: a connection pool (and a connection) of its own.
            $result = "$base/delay/3000" | Invoke-AsyncWebBatch -ConnectTimeoutSec 9.25 -OperationTimeoutSec 1 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'OperationTimeout'
            $result.Error.Message | Should -Match 'no response headers for 1 s'
        }

        It 'allows ConnectTimeoutSec + OperationTimeoutSec for the headers on the Windows PowerShell build, and says so when it ends' {
            if (-not (Test-NetstandardBuild)) { Set-ItResult -Skipped -Because 'only the netstandard2.0 build cannot tell when a request is on a connection' }
            $answered = "$base/delay/1500" | Invoke-AsyncWebBatch -ConnectTimeoutSec 9.25 -OperationTimeoutSec 1 -FailuresAsResults
            $answered.StatusCode | Should -Be 200
            $silent = "$($server.Raw)/never" | Invoke-AsyncWebBatch -ConnectTimeoutSec 0.5 -OperationTimeoutSec 0.5 -FailuresAsResults
            $silent.Error.ErrorId | Should -Be 'OperationTimeout'
            $silent.Error.Message | Should -Match 'ConnectTimeoutSec 0.5 \+ OperationTimeoutSec 0.5'
        }

        It 'succeeds when the headers come within -OperationTimeoutSec and the body never pauses that long' {
            $results = "$base/delay/200", "$base/drip?bytes=6&intervalMs=300" | Invoke-AsyncWebBatch -ConnectTimeoutSec 9.25 -OperationTimeoutSec 2 -Ordered -FailuresAsResults
            $results | ForEach-Object Success | Should -Be $true, $true
        }

        It 'gives a connect slower than -OperationTimeoutSec its -ConnectTimeoutSec, and reports ConnectTimeout' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s handler has no connect callback' }
            $hole = New-BlackHolePort
            try {
                $result = "http://127.0.0.1:$($hole.Port)/" | Invoke-AsyncWebBatch -ConnectTimeoutSec 1 -OperationTimeoutSec 0.5 -FailuresAsResults
                $result.Error.ErrorId | Should -Be 'ConnectTimeout'
            }
            finally {
                $hole.Sockets | ForEach-Object Dispose
            }
        }

        It 'ends the wait for slow headers at -TimeoutSec when it is the shorter bound, as RequestTimeout' {
            $result = "$base/delay/3000" | Invoke-AsyncWebBatch -TimeoutSec 1 -OperationTimeoutSec 30 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'RequestTimeout'
        }

        It 'ends slow headers on a reused connection at -OperationTimeoutSec when -TimeoutSec is longer' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s handler does not tell when a request is on a connection' }
            $results = "$base/json", "$base/delay/3000" | Invoke-AsyncWebBatch -ThrottleLimit 1 -Ordered -TimeoutSec 10 -OperationTimeoutSec 1 -FailuresAsResults
            $results[1].Error.ErrorId | Should -Be 'OperationTimeout'
        }
    }

    Context 'certificate checks never wait on the network' {
        # What they catch is a wait for a download that never comes, which took 15 s per handshake before: the
        # issuer's address (AIA) is the server's /hang, so a fetch shows in its request count, whatever the machine's
        # load; the time bounds are only below those 15 s.
        BeforeAll {
            # Requests the server saw at /hang (none yet: no such entry).
            function script:Get-HangCount { [long]((Get-TestServerStats -Server $server).requestsByPath.PSObject.Properties['/hang']?.Value) }
        }

        It 'fails a self-signed certificate without waiting on the network' {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $result = "$($server.Https)/json" | Invoke-AsyncWebBatch -FailuresAsResults
            $watch.Stop()
            $result.ErrorId | Should -Be 'TlsHandshakeFailed'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        }

        It 'fails a certificate whose issuer the server did not send without fetching that issuer (AIA)' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'HttpClientHandler has no certificate chain policy: on Windows PowerShell 5.1 Windows'' own chain engine decides about issuer downloads (README, Windows PowerShell 5.1)' }
            $fetches = Get-HangCount
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $result = "$($server.HttpsAia)/json" | Invoke-AsyncWebBatch -FailuresAsResults
            $watch.Stop()
            $result.ErrorId | Should -Be 'TlsHandshakeFailed'
            $result.Error.Message | Should -Match 'PartialChain'
            Get-HangCount | Should -Be $fetches -Because 'the issuer is not fetched'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        }

        It 'accepts that certificate with -SkipCertificateCheck without fetching its issuer first' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'HttpClientHandler has no certificate chain policy (README, Windows PowerShell 5.1)' }
            $fetches = Get-HangCount
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $result = "$($server.HttpsAia)/json" | Invoke-AsyncWebBatch -SkipCertificateCheck -FailuresAsResults
            $watch.Stop()
            $result.StatusCode | Should -Be 200
            Get-HangCount | Should -Be $fetches -Because 'the issuer is not fetched'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        }
    }

    Context 'HTTP statuses' {

        It 'maps HTTP statuses to fitting error categories' {
            $null = "$base/status/404", "$base/status/503" | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            ($ev | Where-Object { $_.TargetObject.StatusCode -eq 404 }).CategoryInfo.Category | Should -Be 'ObjectNotFound'
            ($ev | Where-Object { $_.TargetObject.StatusCode -eq 503 }).CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }
    }

    Context 'the server''s error body in ErrorDetails' {
        It 'carries an API''s JSON error in ErrorDetails.Message, as Invoke-RestMethod does, and keeps the body in the result' {
            $null = "$base/problem/422" | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev | Should -HaveCount 1
            $problem = $ev[0].ErrorDetails.Message | ConvertFrom-Json
            $problem.error | Should -Be 'name is required'
            $problem.détail | Should -Be 'café'
            $ev[0].TargetObject.Content | Should -Be $ev[0].ErrorDetails.Message
            $ev[0].Exception.Message | Should -BeLike '`[#0`] GET *: the server answered 422*'
        }

        It 'decodes the body by the charset the response names' {
            $null = "$base/problem/400?charset=iso-8859-1" | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            ($ev[0].ErrorDetails.Message | ConvertFrom-Json).détail | Should -Be 'café'
        }

        It 'hides a token the request sent when the body echoes it' {
            $secret = 'Bearer s3cr3t-T0KEN-4711'
            $null = "$base/problem/401?echoAuth=1" | Invoke-AsyncWebBatch -Headers @{ Authorization = $secret } -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].ErrorDetails.Message | Should -Not -Match 's3cr3t-T0KEN-4711'
            ($ev[0].ErrorDetails.Message | ConvertFrom-Json).seen | Should -Be '***'
            ($ev[0] | Out-String) | Should -Not -Match 's3cr3t'
        }

        It 'shows at most 4096 characters of a long body and says how many more there are' {
            $null = "$base/problem/400?pad=10000" | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].ErrorDetails.Message | Should -BeLike '{"error":"name is required"*… (* more characters: the whole body is in the result''s Content)'
            $ev[0].ErrorDetails.Message.Length | Should -BeLessThan 4200
            $ev[0].TargetObject.Content.Length | Should -BeGreaterThan 10000
        }

        It 'carries the body under -Ordered, on a page, and within a small -MaximumBufferSize' {
            $null = "$base/json", "$base/problem/422", "$base/problem/409" | Invoke-AsyncWebBatch -Ordered -MaximumBufferSize 4KB -ErrorVariable ordered -ErrorAction SilentlyContinue
            $ordered | Should -HaveCount 2
            $ordered | ForEach-Object { ($_.ErrorDetails.Message | ConvertFrom-Json).error | Should -Be 'name is required' }
            $pages = "$base/problem/422/paged" | Invoke-AsyncWebBatch -FollowRelLink -ErrorVariable paged -ErrorAction SilentlyContinue
            @($pages).Count | Should -Be 1
            $paged | Should -HaveCount 1
            $paged[0].TargetObject.PageIndex | Should -Be 1
            ($paged[0].ErrorDetails.Message | ConvertFrom-Json).error | Should -Be 'name is required'
        }

        It 'gives no ErrorDetails to a failure without a body, nor records to -SkipHttpErrorCheck, which keeps the body' {
            $null = "$base/status/204", "http://127.0.0.1:$(Get-ClosedPort)/" | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev | Should -HaveCount 1
            $ev[0].ErrorDetails | Should -BeNullOrEmpty
            $kept = "$base/problem/422" | Invoke-AsyncWebBatch -SkipHttpErrorCheck
            ($kept.Content | ConvertFrom-Json).error | Should -Be 'name is required'
        }
    }

    Context 'an untrusted certificate says what to do' {
        It 'tells to trust the issuing CA first, and -SkipCertificateCheck for a test server only' {
            $result = "$($server.Https)/json" | Invoke-AsyncWebBatch -FailuresAsResults
            $result.ErrorId | Should -Be 'TlsHandshakeFailed'
            $message = $result.Error.Message
            $message | Should -BeLike '*trust the CA that issued it*'
            $message | Should -BeLike '*-SkipCertificateCheck*'
            $message.IndexOf('trust the CA') | Should -BeLessThan $message.IndexOf('-SkipCertificateCheck')
        }
    }

    Context 'a host written without its scheme' {
        It 'refuses <Text> with MissingScheme, naming the http:// and https:// URIs meant, and sends nothing' -ForEach @(
            @{ Text = 'localhost:8080/x'; Meant = 'http://localhost:8080/x'; BaseUri = $null }
            @{ Text = 'example.com/api?q=1'; Meant = 'http://example.com/api?q=1'; BaseUri = $null }
            @{ Text = '127.0.0.1:9/json'; Meant = 'http://127.0.0.1:9/json'; BaseUri = $null }
            @{ Text = 'localhost:8080/x'; Meant = 'http://localhost:8080/x'; BaseUri = 'http://127.0.0.1:9/' }
        ) {
            $null = $Text | Invoke-AsyncWebBatch -BaseUri $BaseUri -Token (ConvertTo-SecureString 'secret-token' -AsPlainText -Force) -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev | Should -HaveCount 1
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'MissingScheme,*'
            $ev[0].Exception.Message | Should -BeLike "*did you mean $Meant or https://*"
            $ev[0].Exception.Message | Should -Not -BeLike '*secret-token*'
        }

        It 'keeps a relative path relative to -BaseUri, and a real scheme or a bare word what they were' {
            $results = 'json', 'mailto:someone@example.com', 'nope' | Invoke-AsyncWebBatch -FailuresAsResults -Ordered
            $results.ErrorId | Should -Be 'RelativeUriWithoutBase', 'UnsupportedScheme', 'RelativeUriWithoutBase'
            (Invoke-AsyncWebBatch 'json' -BaseUri "$base/").StatusCode | Should -Be 200
        }
    }

    Context 'one bad item never loses the others' {
        It 'runs every good item and reports each bad one with its index' {
            $inputs = "$base/json", $null, 'mailto:someone@example.com', "$base/json", @{ Uri = "$base/echo"; Headers = @{ 'X-Bad' = "a`r`nInjected: 1" } }, "$base/status/404", "$base/json"
            $results = $inputs | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            $results | Should -HaveCount 3
            ($results.Index | Sort-Object) | Should -Be @(0, 3, 6)
            $ev | Should -HaveCount 4
            $byIndex = @{}
            $ev | ForEach-Object { $byIndex[[int]$_.TargetObject.Index] = $_ }
            $byIndex[1].FullyQualifiedErrorId | Should -BeLike 'EmptyUri,*'
            $byIndex[2].FullyQualifiedErrorId | Should -BeLike 'UnsupportedScheme,*'
            $byIndex[4].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader,*'
            $byIndex[4].Exception.Message | Should -Match 'X-Bad'
            $byIndex[5].FullyQualifiedErrorId | Should -BeLike 'HttpStatus,*'
        }

        It 'writes failures as results with Success false under -FailuresAsResults' {
            $results = "$base/json", "$base/status/500", 'nope' | Invoke-AsyncWebBatch -FailuresAsResults -ErrorVariable ev -Ordered
            $ev | Should -BeNullOrEmpty
            $results | Should -HaveCount 3
            $results.Success | Should -Be @($true, $false, $false)
            $results[1].StatusCode | Should -Be 500
            $results[1].ErrorId | Should -Be 'HttpStatus'
            $results[2].ErrorId | Should -Be 'RelativeUriWithoutBase'
        }

        It 'refuses an item object without a Uri, Url or Href property, naming what is missing' {
            $null = [pscustomobject]@{ Link = "$base/json" } | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'InvalidUri,*'
            $ev[0].Exception.Message | Should -Match 'no Uri, Url or Href property'
        }
    }
}

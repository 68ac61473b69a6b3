BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:socket = (Invoke-RestMethod "$base/listeners").unix

    function Skip-OnNetstandard {
        if (Test-NetstandardBuild) {
            Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack cannot reach a Unix socket: the netstandard2.0 build refuses -UnixSocket (tested below)'
            return $true
        }
        $false
    }
}

Describe 'Unix domain sockets' {
    It 'sends relative URIs over the socket with -BaseUri, as the Docker API recipe does' {
        if (Skip-OnNetstandard) { return }
        $results = '/json', '/echo?x=1' | Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost -Ordered
        $results.StatusCode | Should -Be @(200, 200)
        $results[0].ContentObject.name | Should -Be 'asyncweb'
        $results[1].ContentObject.headers.Host | Should -Be 'localhost'
        $results[1].ContentObject.query | Should -Be '?x=1'
        $results[1].Uri | Should -Be 'http://localhost/echo?x=1'
    }

    It 'takes absolute URIs too, and a session with its own socket' {
        if (Skip-OnNetstandard) { return }
        ('http://localhost/json' | Invoke-AsyncWebBatch -UnixSocket $socket).StatusCode | Should -Be 200
        $session = New-AsyncWebSession -BaseUri http://localhost -UnixSocket $socket
        try {
            $results = '/json', '/cookies/set?via=socket' | Invoke-AsyncWebBatch -Session $session
            $results.StatusCode | Should -Be @(200, 200)
            $session.UnixSocket | Should -Be $socket
            ('/cookies' | Invoke-AsyncWebBatch -Session $session).ContentObject.cookies.via | Should -Be 'socket'
        }
        finally { $session.Dispose() }
    }

    It 'keeps at most ThrottleLimit requests in flight over the socket' {
        if (Skip-OnNetstandard) { return }
        Reset-TestServerStats
        $results = 1..12 | ForEach-Object { "/delay/300?n=$_" } | Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost -ThrottleLimit 3
        @($results | Where-Object StatusCode -EQ 200).Count | Should -Be 12
        (Get-TestServerStats).peakInFlight | Should -BeLessOrEqual 3
        (Get-TestServerStats).peakInFlight | Should -Be 3
    }

    It 'times its connections as over TCP: ConnectMs on the request that opened one, ConnectionReused on the next' {
        if (Skip-OnNetstandard) { return }
        # A session's own pool: the first request opens a connection, whatever earlier tests left in the module's pool.
        $session = New-AsyncWebSession -BaseUri http://localhost -UnixSocket $socket
        try { $first, $second = '/connection', '/connection' | Invoke-AsyncWebBatch -Session $session -ThrottleLimit 1 | Sort-Object Index }
        finally { $session.Dispose() }
        $second.ContentObject.id | Should -Be $first.ContentObject.id -Because 'the server saw both on one connection'
        $first.ConnectionReused | Should -BeFalse
        $first.ConnectMs | Should -BeGreaterThan 0
        $first.DnsLookupMs | Should -BeNullOrEmpty -Because 'nothing is looked up for a Unix socket'
        $first.RemoteAddress | Should -BeNullOrEmpty -Because 'a Unix socket has no IP endpoint (README, "Where the time went")'
        $first.RemotePort | Should -BeNullOrEmpty
        $first.TlsHandshakeMs | Should -BeNullOrEmpty -Because 'plain http has no TLS handshake'
        $second.ConnectionReused | Should -BeTrue
        $second.ConnectMs | Should -Be 0
        $second.DnsLookupMs | Should -BeNullOrEmpty
        $second.TimeToFirstByteMs | Should -Not -BeNullOrEmpty
    }

    It 'ends a silent server with OperationTimeout, as over TCP' {
        if (Skip-OnNetstandard) { return }
        $result = '/drip?bytes=5&intervalMs=3000' | Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost -OperationTimeoutSec 1 -FailuresAsResults
        $result.ErrorId | Should -Be 'OperationTimeout'
    }

    It 'fails each item with ConnectionRefused naming the path when no socket is there' {
        if (Skip-OnNetstandard) { return }
        $missing = Join-Path ([IO.Path]::GetTempPath()) "asyncweb-missing-$PID.sock"
        $results = '/json', '/echo' | Invoke-AsyncWebBatch -UnixSocket $missing -BaseUri http://localhost -FailuresAsResults
        $results.ErrorId | Should -Be @('ConnectionRefused', 'ConnectionRefused')
        $results[0].Error.Message | Should -Match ([regex]::Escape("there is no socket at '$missing'"))
    }

    It 'ends with ConnectTimeout when the socket never accepts (its backlog is full)' {
        if (Skip-OnNetstandard) { return }
        $path = Join-Path ([IO.Path]::GetTempPath()) "asyncweb-full-$PID.sock"
        $listener = [Net.Sockets.Socket]::new('Unix', 'Stream', 'Unspecified')
        $waiting = [Collections.Generic.List[Net.Sockets.Socket]]::new()
        try {
            $listener.Bind([Net.Sockets.UnixDomainSocketEndPoint]::new($path))
            $listener.Listen(1)
            # Fill the backlog: connects are queued (never accepted) until the kernel says EAGAIN.
            for ($i = 0; $i -lt 64; $i++) {
                $filler = [Net.Sockets.Socket]::new('Unix', 'Stream', 'Unspecified')
                $waiting.Add($filler)
                $filler.Blocking = $false
                try { $filler.Connect([Net.Sockets.UnixDomainSocketEndPoint]::new($path)) }
                catch { break }
            }

            $result = '/json' | Invoke-AsyncWebBatch -UnixSocket $path -BaseUri http://localhost -ConnectTimeoutSec 1 -FailuresAsResults
            $result.ErrorId | Should -Be 'ConnectTimeout'
            $result.Error.Message | Should -Match 'ConnectTimeoutSec'
            $result.ElapsedMs | Should -BeGreaterOrEqual 900
        }
        finally {
            $waiting | ForEach-Object Dispose
            $listener.Dispose()
            Remove-Item -LiteralPath $path -ErrorAction Ignore
        }
    }

    It 'refuses -UnixSocket with -Proxy' {
        if (Skip-OnNetstandard) { return }
        { '/json' | Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost -Proxy http://127.0.0.1:1 } |
            Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
    }

    It 'stops with UnixSocketNotSupported on the netstandard2.0 build (Windows PowerShell), which cannot use one' {
        if (-not (Test-NetstandardBuild)) { Set-ItResult -Skipped -Because 'only the netstandard2.0 build (Windows PowerShell 5.1) lacks Unix sockets'; return }
        { '/json' | Invoke-AsyncWebBatch -UnixSocket $socket -BaseUri http://localhost } |
            Should -Throw -ErrorId 'UnixSocketNotSupported,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage '*PowerShell 7*'
        { New-AsyncWebSession -BaseUri http://localhost -UnixSocket $socket } |
            Should -Throw -ErrorId 'UnixSocketNotSupported,AsyncWeb.Commands.NewAsyncWebSessionCommand'
    }
}

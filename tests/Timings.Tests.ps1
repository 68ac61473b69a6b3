BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:netstandard = Test-NetstandardBuild
    $script:noConnectionPhases = 'Windows PowerShell''s handler (netstandard2.0) has no connect callback: DNS, connect, TLS, reuse and the remote endpoint are null there (README)'

    # Requests over a session's own pool: the first one opens a connection, whatever earlier tests left in the module's pool.
    function Invoke-OnNewPool([string] $BaseUri, [string[]] $Paths, [switch] $SkipCertificateCheck) {
        $session = New-AsyncWebSession -BaseUri $BaseUri -SkipCertificateCheck:$SkipCertificateCheck
        try { $Paths | Invoke-AsyncWebBatch -Session $session -ThrottleLimit 1 | Sort-Object Index }
        finally { $session.Dispose() }
    }
}

Describe 'Phase timings of a request' {
    Context 'time to first byte and transfer' {
        It 'puts a delayed response in time to first byte, not in the connection phases or the transfer' {
            $r = "$base/delay/300" | Invoke-AsyncWebBatch
            # The server's timers may fire a few ms early (see Measure-AsyncWebBatch.Tests.ps1).
            $r.TimeToFirstByteMs | Should -BeGreaterOrEqual 280
            $r.TimeToFirstByteMs | Should -BeLessOrEqual $r.ElapsedMs
            # The phases do not overlap and all lie within Elapsed: 300 ms counted also in the transfer or the
            # connection phases would take the sum over Elapsed. A sum, not a bound in ms: true on a loaded machine too.
            $phases = $r.TimeToFirstByteMs + $r.TransferMs
            if (-not $netstandard) { $phases += $r.DnsLookupMs + $r.ConnectMs }
            $phases | Should -BeLessOrEqual ($r.ElapsedMs + 0.1)
        }

        It 'puts a slow body in transfer, not in time to first byte' {
            # Headers at once, then one byte every 100 ms.
            $r = "$base/drip?bytes=4&intervalMs=100" | Invoke-AsyncWebBatch
            $r.ContentLength | Should -Be 4
            $r.TransferMs | Should -BeGreaterOrEqual 350
            # Disjoint phases within Elapsed: the 350 ms and more of the body counted also in time to first byte would
            # take the sum over Elapsed.
            $r.TimeToFirstByteMs + $r.TransferMs | Should -BeLessOrEqual ($r.ElapsedMs + 0.1)
        }

        It 'reports a download''s transfer until the file is in place' {
            $file = Join-Path $TestDrive 'drip.bin'
            $r = @{ Uri = "$base/drip?bytes=3&intervalMs=100"; OutFile = $file } | Invoke-AsyncWebBatch
            (Get-Item $file).Length | Should -Be 3
            $r.TransferMs | Should -BeGreaterOrEqual 250
        }

        It 'has no time to first byte when no response arrived, and says so with null, not 0' {
            $r = 'http://127.0.0.1:1/' | Invoke-AsyncWebBatch -FailuresAsResults
            $r.ErrorId | Should -Be 'ConnectionRefused'
            $r.TimeToFirstByteMs | Should -BeNullOrEmpty
            $r.TransferMs | Should -BeNullOrEmpty
            $r.ConnectionReused | Should -BeNullOrEmpty
        }
    }

    Context 'connections' {
        It 'reports a second request on the same connection as reused, with no DNS, connect or TLS time' {
            if ($netstandard) { Set-ItResult -Skipped -Because $noConnectionPhases }
            $first, $second = Invoke-OnNewPool $base '/connection', '/connection'
            # The server saw both on one connection.
            $second.ContentObject.id | Should -Be $first.ContentObject.id
            $first.ConnectionReused | Should -BeFalse
            $first.DnsLookupMs | Should -BeGreaterOrEqual 0
            $first.ConnectMs | Should -BeGreaterThan 0
            $first.TlsHandshakeMs | Should -BeNullOrEmpty -Because 'plain http has no TLS handshake'
            $second.ConnectionReused | Should -BeTrue
            $second.DnsLookupMs | Should -Be 0
            $second.ConnectMs | Should -Be 0
            $second.TlsHandshakeMs | Should -BeNullOrEmpty
            $second.TimeToFirstByteMs | Should -Not -BeNullOrEmpty
        }

        It 'shows the TLS handshake, version and cipher suite of a new https connection, as the server negotiated them' {
            if ($netstandard) { Set-ItResult -Skipped -Because $noConnectionPhases }
            $first, $second = Invoke-OnNewPool $server.Https '/connection', '/connection' -SkipCertificateCheck
            $first.ContentObject.tlsProtocol | Should -Not -BeNullOrEmpty
            "$($first.TlsProtocol)" | Should -Be $first.ContentObject.tlsProtocol
            $first.TlsCipherSuite | Should -Be $first.ContentObject.tlsCipherSuite
            $first.TlsHandshakeMs | Should -BeGreaterThan 0
            $first.ConnectionReused | Should -BeFalse
            $second.ContentObject.id | Should -Be $first.ContentObject.id
            $second.ConnectionReused | Should -BeTrue
            $second.TlsHandshakeMs | Should -Be 0
            $second.TlsProtocol | Should -Be $first.TlsProtocol
        }

        It 'names the address and port the request reached, as the server saw them' {
            if ($netstandard) { Set-ItResult -Skipped -Because $noConnectionPhases }
            $r = "$base/connection" | Invoke-AsyncWebBatch
            "$($r.RemoteAddress)" | Should -Be $r.ContentObject.localAddress
            $r.RemotePort | Should -Be $r.ContentObject.localPort
            $r.RemotePort | Should -Be ([uri]$base).Port
        }

        It 'names the address actually connected to when the host is a name (the server listens on IPv4 only)' {
            if ($netstandard) { Set-ItResult -Skipped -Because $noConnectionPhases }
            $r = Invoke-OnNewPool "http://localhost:$(([uri]$base).Port)" '/connection'
            "$($r.RemoteAddress)" | Should -Be '127.0.0.1'
            $r.ConnectionReused | Should -BeFalse
            $r.DnsLookupMs | Should -BeGreaterOrEqual 0
        }

        It 'over HTTP/2 gives the connection''s phases to the request that opened it, and reuse and the address to the others' {
            if ($netstandard) { Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack speaks HTTP/1.x only' }
            $session = New-AsyncWebSession -BaseUri $server.Https -SkipCertificateCheck
            try {
                $results = 1..4 | ForEach-Object { "/connection?n=$_" } | Invoke-AsyncWebBatch -Session $session -HttpVersion 2.0 -ThrottleLimit 4
            }
            finally { $session.Dispose() }
            $results.ProtocolVersion | Sort-Object -Unique | Should -Be ([version] '2.0')
            @($results.ContentObject.id | Sort-Object -Unique) | Should -HaveCount 1
            $opened = @($results | Where-Object ConnectionReused -EQ $false)
            $opened | Should -HaveCount 1
            $opened[0].TlsHandshakeMs | Should -BeGreaterThan 0
            $results | Where-Object ConnectionReused -EQ $true | Should -HaveCount 3
            foreach ($r in $results) {
                "$($r.RemoteAddress)" | Should -Be '127.0.0.1'
                $r.RemotePort | Should -Be ([uri]$server.Https).Port
                "$($r.TlsProtocol)" | Should -Be $r.ContentObject.tlsProtocol
            }
        }
    }

    Context 'results that travel' {
        It 'keep their phases through Export-Clixml, and summarise the same' {
            $session = New-AsyncWebSession -BaseUri $base
            try { $results = '/delay/200', '/json', '/json' | Invoke-AsyncWebBatch -Session $session -ThrottleLimit 1 }
            finally { $session.Dispose() }
            $file = Join-Path $TestDrive 'results.xml'
            $results | Export-Clixml -LiteralPath $file
            $back = Import-Clixml -LiteralPath $file | Sort-Object Index
            $back[0].PSTypeNames[0] | Should -Be 'Deserialized.AsyncWeb.WebBatchResult'
            $live = $results | Sort-Object Index
            foreach ($name in 'QueueWaitMs', 'DnsLookupMs', 'ConnectMs', 'TlsHandshakeMs', 'TimeToFirstByteMs', 'TransferMs', 'ConnectionReused', 'RemotePort') {
                ($back.$name -join ',') | Should -Be ($live.$name -join ',') -Because "$name travels"
            }
            ($back.RemoteAddress -join ',') | Should -Be ($live.RemoteAddress -join ',')
            $fromLive = $live | Measure-AsyncWebBatch -SlowThresholdSec 0.15
            $fromFile = $back | Measure-AsyncWebBatch -SlowThresholdSec 0.15
            "$($fromFile.TimeToFirstByte)" | Should -Be "$($fromLive.TimeToFirstByte)"
            "$($fromFile.SlowHosts)" | Should -Be "$($fromLive.SlowHosts)"
            $fromFile.SlowHosts | Should -HaveCount 1
            $fromFile.ConnectionsReused | Should -Be $fromLive.ConnectionsReused
        }

        It 'summarise the same from CSV rows with the phase columns' {
            $results = "$base/delay/200", "$base/json" | Invoke-AsyncWebBatch -ThrottleLimit 1
            $file = Join-Path $TestDrive 'results.csv'
            $results | Select-Object Index, Uri, FinalUri, StatusCode, Success, ErrorId, ElapsedMs, Attempts, QueueWaitMs, DnsLookupMs, ConnectMs,
                TlsHandshakeMs, TimeToFirstByteMs, TransferMs, ConnectionReused | Export-Csv -LiteralPath $file
            $fromLive = $results | Measure-AsyncWebBatch -SlowThresholdSec 0.15
            $fromCsv = Import-Csv -LiteralPath $file | Measure-AsyncWebBatch -SlowThresholdSec 0.15
            "$($fromCsv.TimeToFirstByte)" | Should -Be "$($fromLive.TimeToFirstByte)"
            "$($fromCsv.QueueWait)" | Should -Be "$($fromLive.QueueWait)"
            "$($fromCsv.SlowHosts)" | Should -Be "$($fromLive.SlowHosts)"
            $fromCsv.ConnectionsOpened + $fromCsv.ConnectionsReused | Should -Be ($fromLive.ConnectionsOpened + $fromLive.ConnectionsReused)
        }
    }

    Context 'waiting before the start' {
        It 'keeps the wait of an item held back by -ThrottleLimit 1 behind a slow one apart from its own time' {
            $slow, $held = "$base/delay/500", "$base/json" | Invoke-AsyncWebBatch -ThrottleLimit 1 | Sort-Object Index
            # It waited about as long as the slow one took, and that much longer than the slow one waited ...
            $held.QueueWaitMs | Should -BeGreaterOrEqual 450
            $held.QueueWaitMs | Should -BeGreaterOrEqual (0.9 * $slow.ElapsedMs)
            $held.QueueWaitMs - $slow.QueueWaitMs | Should -BeGreaterOrEqual 450
            # ... and none of that is in its own phases or Elapsed (compared with the slow one's 500 ms of server time,
            # not with a bound in ms, which a loaded machine can pass).
            $held.TimeToFirstByteMs | Should -BeLessThan $slow.TimeToFirstByteMs
            $held.ElapsedMs | Should -BeLessThan $held.QueueWaitMs
        }

        It 'counts the wait for a -RequestsPerSecond permit as queue wait, not as time to first byte' {
            # One start per 200 ms: the third item waits about 400 ms for its permit.
            $results = 1..3 | ForEach-Object { "$base/json?n=$_" } | Invoke-AsyncWebBatch -RequestsPerSecond 5 -ThrottleLimit 8
            $last = $results | Sort-Object QueueWaitMs | Select-Object -Last 1
            $last.QueueWaitMs | Should -BeGreaterOrEqual 300
            $last.TimeToFirstByteMs | Should -BeLessThan $last.QueueWaitMs -Because 'the wait for the permit is not time to first byte'
        }

        It 'reports the phases of the last attempt of a retried item' {
            # The first attempt's 503 comes after 400 ms; the second attempt's 200 at once.
            $key = [guid]::NewGuid().ToString('N')
            $r = "$base/retry/$($key)?failures=1&status=503&failDelayMs=400" | Invoke-AsyncWebBatch -MaximumRetryCount 2 -RetryIntervalSec 0.05
            $r.Attempts | Should -Be 2
            $r.StatusCode | Should -Be 200
            $r.ElapsedMs | Should -BeGreaterOrEqual 380
            # The first attempt's 400 ms are in Elapsed, not in the last attempt's time to first byte.
            $r.TimeToFirstByteMs + 380 | Should -BeLessOrEqual $r.ElapsedMs
        }
    }
}

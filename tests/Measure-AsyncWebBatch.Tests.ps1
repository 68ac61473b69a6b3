BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
}

Describe 'Measure-AsyncWebBatch' {
    It 'counts successes, failures by ErrorId, statuses and bytes of a known batch' {
        $uris = @(1..10 | ForEach-Object { "$base/bytes/100" }) + @("$base/status/404", "$base/status/404", "$base/status/503", 'not a uri')
        $summary = $uris | Invoke-AsyncWebBatch -FailuresAsResults | Measure-AsyncWebBatch
        $summary.Count | Should -Be 14
        $summary.Succeeded | Should -Be 10
        $summary.Failed | Should -Be 4
        $summary.FailuresByErrorId['HttpStatus'] | Should -Be 3
        $summary.FailuresByErrorId['RelativeUriWithoutBase'] | Should -Be 1
        $summary.StatusCodes[200] | Should -Be 10
        $summary.StatusCodes[404] | Should -Be 2
        $summary.StatusHistogram | Should -Match '200×10'
        $summary.Bytes | Should -BeGreaterOrEqual 1000
    }

    It 'counts the failures carried by error records too' {
        $summary = "$base/json", "$base/status/500" | Invoke-AsyncWebBatch -ErrorAction Continue 2>&1 | Measure-AsyncWebBatch
        $summary.Count | Should -Be 2
        $summary.Failed | Should -Be 1
    }

    It 'computes latency percentiles by nearest rank, and a rate over the wall time' {
        $uris = 0, 100, 200, 300 | ForEach-Object { "$base/delay/$_" }
        $summary = $uris | Invoke-AsyncWebBatch -ThrottleLimit 4 | Measure-AsyncWebBatch
        $summary.MinMs | Should -BeLessThan 100
        # The server's timers may fire a few milliseconds early (.NET on Linux ticks its timer queue by a
        # coarse clock; seen: 96.9 ms for /delay/100, 297.4 ms for /delay/300), so the bounds leave room.
        $summary.P50Ms | Should -BeGreaterOrEqual 80
        $summary.MaxMs | Should -BeGreaterOrEqual 250
        $summary.P99Ms | Should -Be ([math]::Round($summary.MaxMs, 1))
        $summary.WallTime.TotalMilliseconds | Should -BeGreaterOrEqual 250
        $summary.RequestsPerSecond | Should -BeGreaterThan 0
    }

    Context 'where the time went' {
        It 'reports phase percentiles, the share of reused connections and the hosts slower than the threshold' {
            # Two hosts on one server (localhost and 127.0.0.1 are different hosts to the pool): one slow, one fast;
            # a session's own pool and one request at a time, so each host opens exactly one connection.
            $port = ([uri]$base).Port
            $uris = @(1..3 | ForEach-Object { "http://localhost:$port/delay/300?n=$_" }) + @(1..3 | ForEach-Object { "$base/json?n=$_" })
            $session = New-AsyncWebSession -BaseUri $base
            try { $summary = $uris | Invoke-AsyncWebBatch -Session $session -ThrottleLimit 1 | Measure-AsyncWebBatch -SlowThresholdSec 0.2 }
            finally { $session.Dispose() }

            $summary.TimeToFirstByte.Count | Should -Be 6
            $summary.TimeToFirstByte.P99Ms | Should -BeGreaterOrEqual 280
            $summary.TimeToFirstByte.MinMs | Should -BeLessThan 200
            $summary.Transfer.Count | Should -Be 6
            $summary.QueueWait.Count | Should -Be 6
            $summary.SlowThresholdMs | Should -Be 200
            $summary.SlowHosts | Should -HaveCount 1
            $summary.SlowHosts[0].Host | Should -Be "localhost:$port"
            $summary.SlowHosts[0].Count | Should -Be 3
            $summary.SlowHosts[0].P99Ms | Should -BeGreaterOrEqual 280
            ($summary | Out-String) | Should -Match '1 above 200 ms'

            if (Test-NetstandardBuild) {
                # No connection phases there (README, "Windows PowerShell 5.1").
                $summary.ConnectionsOpened + $summary.ConnectionsReused | Should -Be 0
                $summary.Connect.Count | Should -Be 0
            }
            else {
                $summary.ConnectionsOpened | Should -Be 2
                $summary.ConnectionsReused | Should -Be 4
                $summary.ConnectionReuseRatio | Should -Be 0.6667
                $summary.Connect.Count | Should -Be 2
                $summary.DnsLookup.Count | Should -Be 2
                $summary.TlsHandshake.Count | Should -Be 0 -Because 'plain http has no TLS handshake'
            }
        }

        It 'counts the TLS handshakes of new https connections' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s handler has no connect callback (README)' }
            $session = New-AsyncWebSession -BaseUri $server.Https -SkipCertificateCheck
            try { $summary = '/json', '/json' | Invoke-AsyncWebBatch -Session $session -ThrottleLimit 1 | Measure-AsyncWebBatch }
            finally { $session.Dispose() }
            $summary.TlsHandshake.Count | Should -Be 1
            $summary.TlsHandshake.MaxMs | Should -BeGreaterThan 0
            $summary.ConnectionReuseRatio | Should -Be 0.5
            $summary.SlowHosts | Should -HaveCount 0
        }
    }

    It 'names the offending object when given something that is not a result' {
        $null = 'just text' | Measure-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'NotAWebBatchResult,*'
        $ev[0].Exception.Message | Should -Match 'System.String'
    }
}

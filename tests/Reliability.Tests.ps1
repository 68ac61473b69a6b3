BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
}

Describe 'A large batch with random faults' -Tag 'Fault', 'Slow' {
    It 'yields exactly one result or one error per request, with counts that add up' {
        # Fixed seed: 10% of 10,000 requests hit a failing endpoint of one of several kinds.
        $random = [Random]::new(20261126)
        $closed = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $closed.Start(); $closedPort = $closed.LocalEndpoint.Port; $closed.Stop()
        $faults = @(
            @{ Uri = "$base/status/500"; ErrorId = 'HttpStatus' }
            @{ Uri = "$base/status/404"; ErrorId = 'HttpStatus' }
            @{ Uri = "$base/reset"; ErrorId = 'ConnectionReset' }
            @{ Uri = "http://127.0.0.1:$closedPort/"; ErrorId = 'ConnectionRefused' }
            @{ Uri = "$base/drip?bytes=10&intervalMs=2000"; ErrorId = 'OperationTimeout' }
            @{ Uri = 'http://fault.invalid/'; ErrorId = 'DnsResolutionFailed' }
        )
        $expected = @{}
        $inputs = foreach ($i in 0..9999) {
            if ($random.NextDouble() -lt 0.1) {
                $fault = $faults[$random.Next($faults.Count)]
                $expected[$i] = $fault.ErrorId
                $fault.Uri
            }
            else {
                "$base/json"
            }
        }

        $results = $inputs | Invoke-AsyncWebBatch -ThrottleLimit 64 -OperationTimeoutSec 0.5 -ErrorVariable ev -ErrorAction SilentlyContinue
        $indexes = @($results.Index) + @($ev | ForEach-Object { $_.TargetObject.Index })
        $indexes | Should -HaveCount 10000
        ($indexes | Sort-Object -Unique) | Should -HaveCount 10000
        $ev | Should -HaveCount $expected.Count
        foreach ($record in $ev) {
            $record.TargetObject.Error.ErrorId | Should -Be $expected[[int]$record.TargetObject.Index] -Because $record.Exception.Message
        }
        $results | Where-Object StatusCode -NE 200 | Should -BeNullOrEmpty
    }
}

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

    It 'names the offending object when given something that is not a result' {
        $null = 'just text' | Measure-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'NotAWebBatchResult,*'
        $ev[0].Exception.Message | Should -Match 'System.String'
    }
}

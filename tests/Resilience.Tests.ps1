BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    # The same server under another host name: the per-host breaker and rate limit see two hosts.
    $script:port = ([uri]$base).Port
    $script:otherBase = "http://localhost:$port"

    function script:New-Key { [guid]::NewGuid().ToString('N') }

    # How many calls the server saw for one /retry key.
    function script:Get-RetryCount([string]$Key) {
        (Invoke-RestMethod -Uri "$base/retry/$Key/count" -NoProxy -TimeoutSec 10).attempts
    }

    function script:Get-ErrorId($ErrorRecord) {
        ($ErrorRecord.FullyQualifiedErrorId -split ',')[0]
    }
}

Describe 'Retries' -Tag 'Fault' {
    Context 'transient failures' {
        It 'succeeds after N failures, with Attempts = N + 1 and the server called N + 1 times' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=2&status=503" -MaximumRetryCount 3 -RetryIntervalSec 0.01
            $result.StatusCode | Should -Be 200
            $result.Success | Should -BeTrue
            $result.Attempts | Should -Be 3
            Get-RetryCount $key | Should -Be 3
        }

        It 'retries each default status: <_>' -ForEach 408, 429, 500, 502, 503, 504 {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=$_" -MaximumRetryCount 1 -RetryIntervalSec 0.01
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 2
        }

        It 'does not retry when MaximumRetryCount is 0 (the default)' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503" -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'HttpStatus'
            $result.Attempts | Should -Be 1
            Get-RetryCount $key | Should -Be 1
        }

        It 'gives up after MaximumRetryCount retries and reports the last failure' {
            $key = New-Key
            $null = Invoke-AsyncWebBatch "$base/retry/$key`?failures=10&status=503" -MaximumRetryCount 2 -RetryIntervalSec 0.01 -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev | Should -HaveCount 1
            Get-ErrorId $ev[0] | Should -Be 'HttpStatus'
            $ev[0].TargetObject.StatusCode | Should -Be 503
            $ev[0].TargetObject.Attempts | Should -Be 3
            Get-RetryCount $key | Should -Be 3
        }

        It 'retries refused connections, and reports ConnectionRefused after the last attempt' {
            $result = Invoke-AsyncWebBatch 'http://127.0.0.1:1/' -MaximumRetryCount 2 -RetryIntervalSec 0.01 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'ConnectionRefused'
            $result.Attempts | Should -Be 3
        }

        It 'retries timeouts' {
            $result = Invoke-AsyncWebBatch "$base/delay/3000" -TimeoutSec 0.2 -MaximumRetryCount 1 -RetryIntervalSec 0.01 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'RequestTimeout'
            $result.Attempts | Should -Be 2
        }

        It 'does not retry a host name that does not resolve' {
            $result = Invoke-AsyncWebBatch 'http://asyncweb-test.invalid/' -MaximumRetryCount 2 -RetryIntervalSec 0.01 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'DnsResolutionFailed'
            $result.Attempts | Should -Be 1
        }

        It 'does not retry a certificate that failed validation, and says why it failed' {
            # The test server's self-signed certificate, without -SkipCertificateCheck: the next attempt would meet the same certificate.
            $result = Invoke-AsyncWebBatch "$($server.Https)/json" -MaximumRetryCount 3 -RetryIntervalSec 0.01 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'TlsHandshakeFailed'
            $result.Error.Message | Should -Match 'RemoteCertificateChainErrors'
            $result.Attempts | Should -Be 1
        }

    }

    Context 'methods' {
        It 'does not retry POST by default' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503" -Method POST -Body 'x' -MaximumRetryCount 2 -RetryIntervalSec 0.01 -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'HttpStatus'
            $result.Attempts | Should -Be 1
            Get-RetryCount $key | Should -Be 1
        }

        It 'retries POST with -RetryAllMethods' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503" -Method POST -Body 'x' -MaximumRetryCount 2 -RetryIntervalSec 0.01 -RetryAllMethods
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 2
            Get-RetryCount $key | Should -Be 2
        }

        It 'retries the idempotent method <_> by default' -ForEach 'GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503" -Method $_ -MaximumRetryCount 1 -RetryIntervalSec 0.01
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 2
        }
    }

    Context 'the retried status set' {
        It 'does not retry 404 by default' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=404" -MaximumRetryCount 2 -RetryIntervalSec 0.01 -FailuresAsResults
            $result.StatusCode | Should -Be 404
            $result.Attempts | Should -Be 1
        }

        It 'retries 404 when -RetryStatusCode lists it' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=404" -MaximumRetryCount 2 -RetryIntervalSec 0.01 -RetryStatusCode 404
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 2
        }

        It 'replaces the default set: 503 is not retried when only 404 is listed' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503" -MaximumRetryCount 2 -RetryIntervalSec 0.01 -RetryStatusCode 404 -FailuresAsResults
            $result.StatusCode | Should -Be 503
            $result.Attempts | Should -Be 1
        }
    }

    Context 'Retry-After' {
        It 'waits at least the server''s Retry-After seconds' {
            $key = New-Key
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503&retryAfter=1" -MaximumRetryCount 1 -RetryIntervalSec 0.01
            $watch.Stop()
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 2
            $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.95
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            # Elapsed spans every attempt and the wait between them.
            $result.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.95
        }

        It 'honours Retry-After on 429 as an HTTP date' {
            $key = New-Key
            $when = [uri]::EscapeDataString([DateTimeOffset]::UtcNow.AddSeconds(2).ToString('R'))
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=429&retryAfter=$when" -MaximumRetryCount 1 -RetryIntervalSec 0.01
            $watch.Stop()
            $result.StatusCode | Should -Be 200
            # The date has whole seconds, so the wait is between 1 and 2 s.
            $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        }

        It 'ends the retries with the 429 when Retry-After is longer than -MaximumRetryAfterSec, and says why' {
            $key = New-Key
            $all = Invoke-AsyncWebBatch "$base/retry/$key`?failures=5&status=429&retryAfter=120" -MaximumRetryCount 3 -RetryIntervalSec 0.01 -MaximumRetryAfterSec 1 -FailuresAsResults -Verbose 4>&1
            $result = $all | Where-Object { $_ -is [AsyncWeb.WebBatchResult] }
            $result.StatusCode | Should -Be 429
            $result.ErrorId | Should -Be 'HttpStatus'
            $result.Attempts | Should -Be 1
            Get-RetryCount $key | Should -Be 1
            $verbose = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
            $verbose | Should -Match '#0 not retried: the server answered 429 with Retry-After 120 s, longer than -MaximumRetryAfterSec 1 s'
        }

        It 'ends the retries with the 503 when a Retry-After date is further away than -MaximumRetryAfterSec' {
            $key = New-Key
            $when = [uri]::EscapeDataString([DateTimeOffset]::UtcNow.AddHours(1).ToString('R'))
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=5&status=503&retryAfter=$when" -MaximumRetryCount 3 -RetryIntervalSec 0.01 -FailuresAsResults
            $result.StatusCode | Should -Be 503
            $result.Attempts | Should -Be 1
            Get-RetryCount $key | Should -Be 1
        }

        It 'still retries statuses whose Retry-After fits, and ignores an unreadable one' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503&retryAfter=soon" -MaximumRetryCount 1 -RetryIntervalSec 0.01 -MaximumRetryAfterSec 1
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 2
        }

        It 'is not cut short by -MaximumRetryDelaySec, which caps only the backoff' {
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503&retryAfter=1" -MaximumRetryCount 1 -RetryIntervalSec 0.01 -MaximumRetryDelaySec 0.05
            $result.StatusCode | Should -Be 200
            $result.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.95
        }
    }

    Context 'exponential backoff' {
        It 'grows the delays: three retries from a 0.1 s base take at least the jitter''s lower bound' {
            # Polly's decorrelated jitter (V2) makes the delays telescope: their sum is
            # base * 2^t * tanh(sqrt(4t)) / 1.4 with t in [2, 3) after three retries, so 2.84 * base at
            # least (the median is near 0.1 + 0.2 + 0.4 = 0.7 s) and 5.7 * base at most.
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=3&status=503" -MaximumRetryCount 3 -RetryIntervalSec 0.1 -Verbose 4>&1 |
                Tee-Object -Variable output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] }
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 4
            $result.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.25
            # The delays as chosen (-Verbose says each), not the wall clock, which a loaded machine stretches.
            $delays = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
                ForEach-Object { if ($_.Message -match 'retry \d+ of .*waiting ([\d.]+) s') { [double]$Matches[1] } }
            $delays | Should -HaveCount 3
            ($delays | Measure-Object -Sum).Sum | Should -BeGreaterOrEqual 0.28
            ($delays | Measure-Object -Sum).Sum | Should -BeLessOrEqual 0.58
        }

        It 'caps each delay at -MaximumRetryDelaySec' {
            # Uncapped, a 2 s base would wait about 14 s over three retries (at least 5.7 s).
            $key = New-Key
            $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=3&status=503" -MaximumRetryCount 3 -RetryIntervalSec 2 -MaximumRetryDelaySec 0.05 -Verbose 4>&1 |
                Tee-Object -Variable output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] }
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 4
            $result.Elapsed.TotalSeconds | Should -BeLessThan 5.7 -Because 'uncapped, the delays alone would take at least 5.7 s'
            $delays = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
                ForEach-Object { if ($_.Message -match 'retry \d+ of .*waiting ([\d.]+) s') { [double]$Matches[1] } }
            $delays | Should -HaveCount 3
            $delays | ForEach-Object { $_ | Should -BeLessOrEqual 0.05 }
        }
    }

    Context 'verbose output' {
        It 'tells each retry with its attempt number, reason and delay, and never an Authorization value' {
            $key = New-Key
            $secret = 'Bearer s3cret-' + (New-Key)
            $output = Invoke-AsyncWebBatch "$base/retry/$key`?failures=2&status=503" -Headers @{ Authorization = $secret } -MaximumRetryCount 2 -RetryIntervalSec 0.01 -Verbose 4>&1
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $retries = @($verbose | Where-Object { $_ -match 'retry \d+ of' })
            $retries | Should -HaveCount 2
            $retries[0] | Should -Match 'retry 1 of 2'
            $retries[1] | Should -Match 'retry 2 of 2'
            $retries[0] | Should -Match '503'
            $retries[0] | Should -Match 'waiting [\d.]+ s'
            ($verbose -join "`n") | Should -Not -Match ([regex]::Escape('s3cret-'))
        }
    }
}

Describe 'Circuit breaker' -Tag 'Fault' {
    Context 'opening' {
        It 'opens after -CircuitBreakerThreshold failures in a row: the host''s other items fail fast with CircuitOpen and are not sent' {
            $key = New-Key
            $other = New-Key
            # ThrottleLimit 1 sends the items one after another, in input order.
            $uris = foreach ($i in 1..6) { "$base/retry/$key`?failures=100&status=503"; "$otherBase/retry/$other`?failures=0" }
            $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 1 -CircuitBreakerThreshold 3 -FailuresAsResults
            $results | Should -HaveCount 12
            $failing = $results | Where-Object { $_.Uri.Host -eq '127.0.0.1' }
            @($failing | Where-Object { $_.Error.ErrorId -eq 'HttpStatus' }) | Should -HaveCount 3
            $open = @($failing | Where-Object { $_.Error.ErrorId -eq 'CircuitOpen' })
            $open | Should -HaveCount 3
            $open | ForEach-Object { $_.Attempts | Should -Be 0 }
            $open[0].Error.Message | Should -Match 'circuit'
            Get-RetryCount $key | Should -Be 3
            # The other host is unaffected.
            $results | Where-Object { $_.Uri.Host -eq 'localhost' } | ForEach-Object { $_.StatusCode | Should -Be 200 }
            Get-RetryCount $other | Should -Be 6
        }

        It 'shows on /stats that refused items were never sent' {
            Reset-TestServerStats -Server $server
            $key = New-Key
            $null = 1..8 | ForEach-Object { "$base/retry/$key`?failures=100&status=503" } |
                Invoke-AsyncWebBatch -ThrottleLimit 1 -CircuitBreakerThreshold 2 -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev | Should -HaveCount 8
            @($ev | Where-Object { (Get-ErrorId $_) -eq 'CircuitOpen' }) | Should -HaveCount 6
            (Get-TestServerStats -Server $server).requestsByPath."/retry/$key" | Should -Be 2
        }

        It 'opens when a host that was answering starts failing (successes before the failures do not keep it closed)' {
            $good = New-Key
            $bad = New-Key
            $ok = "$base/retry/$good`?failures=0"
            $fail = "$base/retry/$bad`?failures=100&status=503"
            $uris = @($ok, $ok, $fail, $fail, $ok, $fail, $fail, $fail, $fail, $fail)
            $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 1 -CircuitBreakerThreshold 3 -FailuresAsResults
            # Two failures, a success, then three failures in a row open the circuit; the last two are refused.
            ($results | ForEach-Object { if ($_.Error) { $_.Error.ErrorId } else { 'OK' } }) -join ',' |
                Should -Be 'OK,OK,HttpStatus,HttpStatus,OK,HttpStatus,HttpStatus,HttpStatus,CircuitOpen,CircuitOpen'
            Get-RetryCount $bad | Should -Be 5
        }

        It 'counts each attempt: retries of one item can open it' {
            $key = New-Key
            $results = "$base/retry/$key`?failures=100&status=503", "$base/json" |
                Invoke-AsyncWebBatch -ThrottleLimit 1 -MaximumRetryCount 5 -RetryIntervalSec 0.01 -CircuitBreakerThreshold 3 -FailuresAsResults
            $results[0].Error.ErrorId | Should -Be 'CircuitOpen'
            $results[0].Attempts | Should -Be 3
            $results[1].Error.ErrorId | Should -Be 'CircuitOpen'
            Get-RetryCount $key | Should -Be 3
        }

        It 'opens on a failure ratio with -CircuitBreakerFailureRatio' {
            $good = New-Key
            $bad = New-Key
            $ok = "$base/retry/$good`?failures=0"
            $fail = "$base/retry/$bad`?failures=100&status=503"
            # Ratio 0.5 over at least 4 requests: OK, fail, OK, fail reaches it; later items are refused.
            $uris = @($ok, $fail, $ok, $fail, $ok, $ok)
            $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 1 -CircuitBreakerThreshold 4 -CircuitBreakerFailureRatio 0.5 -FailuresAsResults
            ($results | ForEach-Object { if ($_.Error) { $_.Error.ErrorId } else { 'OK' } }) -join ',' |
                Should -Be 'OK,HttpStatus,OK,HttpStatus,CircuitOpen,CircuitOpen'
        }

        It 'counts 5xx answers under -SkipHttpErrorCheck too' {
            $key = New-Key
            $results = 1..5 | ForEach-Object { "$base/retry/$key`?failures=100&status=503" } |
                Invoke-AsyncWebBatch -ThrottleLimit 1 -CircuitBreakerThreshold 2 -SkipHttpErrorCheck -FailuresAsResults
            ($results | ForEach-Object { if ($_.Error) { $_.Error.ErrorId } else { $_.StatusCode } }) -join ',' |
                Should -Be '503,503,CircuitOpen,CircuitOpen,CircuitOpen'
            Get-RetryCount $key | Should -Be 2
        }

        It 'rejects -CircuitBreakerThreshold 1 with a clear message instead of failing every item' {
            { Invoke-AsyncWebBatch "$base/json" -CircuitBreakerThreshold 1 -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*CircuitBreakerThreshold*'
        }
    }

    Context 'after the break' {
        It 'lets one probe through after -CircuitBreakerBreakSec: a failed probe opens it again, a good one closes it' {
            $key = New-Key
            $other = New-Key
            $flaky = "$base/retry/$key`?failures=3&status=503"
            # Items to the other host take longer than the break, so the next item comes after it.
            $pause = "$otherBase/delay/900"
            $uris = @($flaky, $flaky, $flaky, $pause, $flaky, $flaky, $pause, $flaky, $flaky)
            $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 1 -CircuitBreakerThreshold 2 -CircuitBreakerBreakSec 0.5 -FailuresAsResults
            ($results | ForEach-Object { if ($_.Error) { $_.Error.ErrorId } else { $_.StatusCode } }) -join ',' |
                Should -Be 'HttpStatus,HttpStatus,CircuitOpen,200,HttpStatus,CircuitOpen,200,200,200'
            # Sent: two failures, the failed probe, the good probe and the item after it.
            Get-RetryCount $key | Should -Be 5
        }
    }
}

Describe 'Rate limit' {
    It 'holds -RequestsPerSecond: 40 requests at 20 per second take about 2 s and overlap little' {
        Reset-TestServerStats -Server $server
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = 1..40 | ForEach-Object { "$base/delay/250" } | Invoke-AsyncWebBatch -ThrottleLimit 40 -RequestsPerSecond 20
        $watch.Stop()
        $results | Where-Object StatusCode -EQ 200 | Should -HaveCount 40
        # 39 gaps of 50 ms = 1.95 s plus the last request's 250 ms.
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.5
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 20
        # Starts 50 ms apart and 250 ms each: about 6 in flight; unlimited, all 40 would be.
        $stats = Get-TestServerStats -Server $server
        $stats.peakInFlight | Should -BeLessOrEqual 15
        $stats.requests | Should -Be 40
    }

    It 'applies the rate to each host separately with -RateLimitPerHost' {
        Reset-TestServerStats -Server $server
        # 2 per second per host: starts 500 ms apart on each host, requests of 300 ms never overlap on one
        # host, while the two hosts run side by side (one shared limit would never overlap at all).
        $uris = foreach ($i in 1..3) { "$base/delay/300"; "$otherBase/delay/300" }
        $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 8 -RequestsPerSecond 2 -RateLimitPerHost
        $results | Where-Object StatusCode -EQ 200 | Should -HaveCount 6
        $stats = Get-TestServerStats -Server $server
        $stats.peakInFlightByHost."127.0.0.1:$port" | Should -Be 1
        $stats.peakInFlightByHost."localhost:$port" | Should -Be 1
        $stats.peakInFlight | Should -Be 2
    }

    It 'counts retries against the rate' {
        $key = New-Key
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=3&status=503" -MaximumRetryCount 3 -RetryIntervalSec 0 -RequestsPerSecond 4
        $watch.Stop()
        $result.Attempts | Should -Be 4
        # Four starts at 4 per second: three gaps of 250 ms.
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.6
    }
}

Describe 'Per-attempt and per-item time limits' -Tag 'Fault' {
    It 'limits each attempt with -TimeoutSec and the whole item with -TotalTimeoutSec' {
        # Each attempt times out after 0.3 s; retries would go on for long, but the item gets 1 s in all.
        $result = Invoke-AsyncWebBatch "$base/delay/5000" -TimeoutSec 0.3 -MaximumRetryCount 20 -RetryIntervalSec 0.05 -MaximumRetryDelaySec 0.1 -TotalTimeoutSec 1 -FailuresAsResults
        $result.Error.ErrorId | Should -Be 'TotalTimeout'
        $result.Error.Message | Should -Match 'TotalTimeoutSec'
        $result.Attempts | Should -BeGreaterThan 1
        $result.Attempts | Should -BeLessThan 20
        $result.Elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'reports RequestTimeout for the last attempt when the retries run out first' {
        $result = Invoke-AsyncWebBatch "$base/delay/5000" -TimeoutSec 0.2 -MaximumRetryCount 1 -RetryIntervalSec 0.01 -TotalTimeoutSec 30 -FailuresAsResults
        $result.Error.ErrorId | Should -Be 'RequestTimeout'
        $result.Attempts | Should -Be 2
    }
}

Describe 'Retries with -SkipHttpErrorCheck' -Tag 'Fault' {
    It 'still retries a retryable status, as Invoke-WebRequest does' {
        $key = New-Key
        $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=1&status=503" -MaximumRetryCount 2 -RetryIntervalSec 0.01 -SkipHttpErrorCheck
        $result.StatusCode | Should -Be 200
        $result.Attempts | Should -Be 2
    }

    It 'returns the last retryable status as an ordinary result when retries run out' {
        $key = New-Key
        $result = Invoke-AsyncWebBatch "$base/retry/$key`?failures=5&status=503" -MaximumRetryCount 1 -RetryIntervalSec 0.01 -SkipHttpErrorCheck
        $result.StatusCode | Should -Be 503
        $result.Success | Should -BeTrue
        $result.Attempts | Should -Be 2
    }
}

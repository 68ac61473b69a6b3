BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:port = ([uri]$base).Port
    $script:hostA = "127.0.0.1:$port"
    # A second host: the same endpoints on 127.0.0.2 where the OS has it (Linux, Windows), else localhost,
    # which is another host key for the per-host rules (tests/TestServer/README.md).
    $script:otherBase = if ($server.Loopback.Count -gt 0) { $server.Loopback[0] } else { "http://localhost:$port" }
    $script:hostB = ([uri]$otherBase).Authority

    function script:New-Key { [guid]::NewGuid().ToString('N') }

    # Every request a /pause, /ratelimit or /limited key saw, in arrival order: host, ms (server clock), status.
    function script:Get-Arrivals([string]$Endpoint, [string]$Key) {
        @((Invoke-RestMethod -Uri "$base/$Endpoint/$Key/log" -NoProxy -TimeoutSec 10).arrivals)
    }

    function script:Get-Verbose($Output) {
        ($Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
    }

    function script:Get-Results($Output) {
        @($Output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] })
    }
}

Describe 'One host, one backoff' -Tag 'Fault' {
    Context 'a 429 with Retry-After' {
        BeforeAll {
            # The first request to host A answers 429 with Retry-After: 2; host B answers every request after 100 ms.
            # One request at a time per host, so A's second request can only be sent after the client has read the 429.
            $script:key = New-Key
            $uris = @("$base/pause/$key`?retryAfter=2") + @(foreach ($i in 1..8) { "$base/pause/$key`?n=$i"; "$otherBase/pause/$key`?status=200&delayMs=100&n=$i" })
            $script:output = $uris | Invoke-AsyncWebBatch -ThrottleLimit 4 -ThrottleLimitPerHost 1 -MaximumRetryCount 2 -Verbose 4>&1
            $script:results = Get-Results $output
            $script:arrivals = Get-Arrivals 'pause' $key
            $script:refusedAt = @($arrivals | Where-Object { $_.host -eq $hostA -and $_.status -eq 429 })
        }

        It 'pauses the whole host: for those 2 s it receives no request at all' {
            $refusedAt | Should -HaveCount 1
            $later = @($arrivals | Where-Object { $_.host -eq $hostA -and $_.ms -gt $refusedAt[0].ms })
            $later | Should -HaveCount 9 -Because 'eight more items and the retry of the first'
            # The client counts the 2 s from when it read the answer, after the server sent it; 10 ms for timer ticks.
            ($later | Measure-Object ms -Minimum).Minimum - $refusedAt[0].ms | Should -BeGreaterOrEqual 1990
        }

        It 'keeps serving the other host meanwhile' {
            # Between A's 429 and A's next request, B is served: more B requests than the two that could get a slot
            # if A's waiting items held theirs (B items are every other input; four slots). Counted by arrival order
            # against A's own resume, not against a clock window, so a slow machine cannot make it fail.
            $resumedAt = ($arrivals | Where-Object { $_.host -eq $hostA -and $_.ms -gt $refusedAt[0].ms } | Measure-Object ms -Minimum).Minimum
            $during = @($arrivals | Where-Object { $_.host -eq $hostB -and $_.ms -gt $refusedAt[0].ms -and $_.ms -lt $resumedAt })
            $during.Count | Should -BeGreaterOrEqual 3
        }

        It 'completes every item, the refused one by its retry' {
            $results | Should -HaveCount 17
            $results | ForEach-Object { $_.StatusCode | Should -Be 200 }
            ($results | Where-Object Index -EQ 0).Attempts | Should -Be 2
        }

        It 'says in HostWaitMs how long each item waited for its host' {
            # The pause runs 2 s from when the 429 was read; the refused item starts waiting once its retry is decided,
            # which a loaded machine delays (by 165 ms in one CI run), so it waits most of the pause, not all of it.
            # That the host got nothing for 2 s is proved above, by the server's own arrival times.
            ($results | Where-Object Index -EQ 0).HostWaitMs | Should -BeGreaterThan 1000
            $waitedA = @($results | Where-Object { $_.Index -gt 0 -and $_.Uri.Authority -eq $hostA })
            $waitedA | Should -HaveCount 8
            $waitedA | ForEach-Object { $_.HostWaitMs | Should -BeGreaterThan 0 }
            $results | Where-Object { $_.Uri.Authority -eq $hostB } | ForEach-Object { $_.HostWaitMs | Should -Be 0 }
        }

        It 'says in -Verbose when the host pauses, why, and when it resumes' {
            $verbose = Get-Verbose $output
            $verbose | Should -Match ([regex]::Escape("host $hostA paused for 2 s: #0 answered 429 with Retry-After 2 s"))
            $verbose | Should -Match ([regex]::Escape("host $hostA resumes"))
            $verbose | Should -Match "#0 retry 1 of 2 after HttpStatus 429 Too Many Requests; waiting for host $([regex]::Escape($hostA)), paused for [\d.]+ s more"
        }
    }

    It 'shows the paused host in the progress status' {
        $key = New-Key
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Uris)
                    Import-Module $ModulePath
                    $Uris | Invoke-AsyncWebBatch -ThrottleLimitPerHost 1 -MaximumRetryCount 1
                }).AddArgument((Join-Path $PSScriptRoot '../out/AsyncWeb')).AddArgument(@("$base/pause/$key`?retryAfter=2", "$base/pause/$key`?n=1"))
            $results = $ps.Invoke()
            $results | Should -HaveCount 2
            $statuses = @($ps.Streams.Progress | ForEach-Object StatusDescription)
            $statuses -match "host $([regex]::Escape($hostA)) paused, [\d.]+ s left" | Should -Not -BeNullOrEmpty
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'pauses for at most -MaximumRetryAfterSec, and ends the retries of the item that asked for longer' {
        $key = New-Key
        $uris = @("$base/pause/$key`?retryAfter=120") + @(1..3 | ForEach-Object { "$base/pause/$key`?n=$_" })
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $output = $uris | Invoke-AsyncWebBatch -ThrottleLimitPerHost 1 -MaximumRetryCount 3 -MaximumRetryAfterSec 1 -FailuresAsResults -Verbose 4>&1
        $watch.Stop()
        $results = Get-Results $output
        ($results | Where-Object Index -EQ 0).StatusCode | Should -Be 429
        ($results | Where-Object Index -EQ 0).Attempts | Should -Be 1
        $results | Where-Object Index -GT 0 | ForEach-Object { $_.StatusCode | Should -Be 200; $_.HostWaitMs | Should -BeGreaterThan 500 }
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 60
        (Get-Verbose $output) | Should -Match 'paused for 1 s: #0 answered 429 with Retry-After 120 s, longer than -MaximumRetryAfterSec 1 s'
        $arrivals = Get-Arrivals 'pause' $key
        $arrivals[1].ms - $arrivals[0].ms | Should -BeGreaterOrEqual 990
    }

    It 'does not pause with -MaximumRetryAfterSec 0' {
        $key = New-Key
        $results = "$base/pause/$key`?retryAfter=30", "$base/pause/$key`?n=1" | Invoke-AsyncWebBatch -ThrottleLimitPerHost 1 -MaximumRetryAfterSec 0 -FailuresAsResults
        ($results | Where-Object Index -EQ 1).HostWaitMs | Should -Be 0
        ($results | Where-Object Index -EQ 1).StatusCode | Should -Be 200
    }

    Context 'rate-limit headers' {
        It 'pauses a host whose <_> headers say nothing remains until they say the window resets: no request is refused' -ForEach 'ietf', 'combined', 'structured', 'github', 'delta' {
            # Three requests per 1.5 s window; one at a time, so the client knows what remains before it sends.
            $key = New-Key
            $uris = foreach ($i in 1..6) { "$base/ratelimit/$key`?limit=3&windowMs=1500&style=$_&n=$i"; "$otherBase/delay/10?n=$i" }
            $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 4 -ThrottleLimitPerHost 1 -FailuresAsResults
            $results | ForEach-Object { $_.StatusCode | Should -Be 200 }
            $arrivals = @(Get-Arrivals 'ratelimit' $key)
            $arrivals | Should -HaveCount 6
            $arrivals | ForEach-Object { $_.status | Should -Be 200 }
            $arrivals[3].ms - $arrivals[0].ms | Should -BeGreaterOrEqual 1500 -Because 'the fourth request waits for the next window'
            @($results | Where-Object { $_.Uri.AbsolutePath -like '/ratelimit/*' -and $_.HostWaitMs -gt 0 }).Count | Should -BeGreaterOrEqual 1
            $results | Where-Object { $_.Uri.AbsolutePath -like '/delay/*' } | ForEach-Object { $_.HostWaitMs | Should -Be 0 }
        }

        It 'does not pause a host whose remaining count is beyond 2^63 (an unsigned "no limit"), on any runtime' {
            # .NET 8 (PowerShell 7.4) turned 18446744073709551615 into long.MinValue: nothing left, a pause after every answer.
            $key = New-Key
            $uris = foreach ($i in 1..4) { "$base/ratelimit/$key`?limit=1000&windowMs=5000&style=u64&n=$i" }
            $output = $uris | Invoke-AsyncWebBatch -ThrottleLimitPerHost 1 -Verbose 4>&1
            $results = Get-Results $output
            $results | Should -HaveCount 4
            $results | ForEach-Object { $_.StatusCode | Should -Be 200; $_.HostWaitMs | Should -Be 0 }
            (Get-Verbose $output) | Should -Not -Match 'paused'
        }
    }
}

Describe 'Adaptive per-host concurrency (-AdaptiveThrottle)' -Tag 'Fault' {
    Context 'a host that refuses more than 8 requests at once' {
        BeforeAll {
            $script:key = New-Key
            $uris = 1..600 | ForEach-Object { "$base/limited/$key`?max=8&delayMs=20&n=$_" }
            $script:output = $uris | Invoke-AsyncWebBatch -ThrottleLimit 32 -AdaptiveThrottle -MaximumRetryCount 20 -RetryIntervalSec 0.01 -MaximumRetryDelaySec 0.05 -FailuresAsResults -Verbose 4>&1
            $script:results = Get-Results $output
            $script:arrivals = Get-Arrivals 'limited' $key
            $script:last = $results | Sort-Object { $_.StartTimeUtc + $_.Elapsed } | Select-Object -Last 1
        }

        It 'completes every item' {
            $results | Should -HaveCount 600
            $results | ForEach-Object { $_.StatusCode | Should -Be 200 }
        }

        It 'converges: refusals bring the limit from 32 down into the sawtooth around 8 (halved from 9 to 4), never below it' {
            # Where in the sawtooth the last item ends depends on how many clean windows a loaded machine gives the
            # limit to climb in (a client too slow to fill 9 slots is never refused), so the claim is about the floor
            # the halvings reach, not about the limit at the end.
            $lowest = ($results | Measure-Object HostLimit -Minimum).Minimum
            $lowest | Should -BeGreaterOrEqual 4
            $lowest | Should -BeLessOrEqual 8
            $last.HostLimit | Should -BeGreaterOrEqual 4
        }

        It 'is refused rarely once it has converged' {
            $refused = @($arrivals | Select-Object -Skip ([int]($arrivals.Count / 2)) | Where-Object status -EQ 429).Count
            $refused / ($arrivals.Count / 2) | Should -BeLessThan 0.1
        }

        It 'reports each change and the final limit in -Verbose' {
            $verbose = Get-Verbose $output
            $verbose | Should -Match "host $([regex]::Escape($hostA)): limit 32 -> 16 after #\d+ HttpStatus 429"
            $verbose | Should -Match 'after a clean window'
            $verbose | Should -Match "host $([regex]::Escape($hostA)): final limit $($last.HostLimit) \(-AdaptiveThrottle between 1 and 32, from 32\)"
        }

        It 'reports the final limit of each host in Measure-AsyncWebBatch, also from deserialized results and summaries' {
            $summary = $results | Measure-AsyncWebBatch
            $summary.HostLimits | Should -HaveCount 1
            $summary.HostLimits[0].Host | Should -Be $hostA
            $summary.HostLimits[0].Limit | Should -Be $last.HostLimit
            ($summary | Out-String) | Should -Match "HostLimits\s*:\s*$([regex]::Escape($hostA))=$($last.HostLimit)"

            $path = Join-Path TestDrive: 'adaptive.xml'
            $results | Export-Clixml -LiteralPath $path
            (Import-Clixml -LiteralPath $path | Measure-AsyncWebBatch).HostLimits[0].Limit | Should -Be $last.HostLimit

            $summary | Export-Clixml -LiteralPath $path
            $merged = Import-Clixml -LiteralPath $path | Measure-AsyncWebBatch
            $merged.HostLimits[0].Host | Should -Be $hostA
            $merged.HostLimits[0].Limit | Should -Be $last.HostLimit
        }
    }

    It 'keeps each host''s limit apart, and stays within the bounds given' {
        Reset-TestServerStats -Server $server
        $key = New-Key
        $uris = foreach ($i in 1..120) { "$base/limited/$key`?max=2&delayMs=10&n=$i"; "$otherBase/limited/$key`?max=100&delayMs=10&n=$i" }
        $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 32 -AdaptiveThrottle -MinimumThrottleLimitPerHost 2 -MaximumThrottleLimitPerHost 6 -MaximumRetryCount 20 -RetryIntervalSec 0.01 -MaximumRetryDelaySec 0.05 -FailuresAsResults
        $results | ForEach-Object { $_.StatusCode | Should -Be 200 }
        $results | ForEach-Object { $_.HostLimit | Should -BeGreaterOrEqual 2; $_.HostLimit | Should -BeLessOrEqual 6 }
        $summary = $results | Measure-AsyncWebBatch
        ($summary.HostLimits | Where-Object Host -EQ $hostB).Limit | Should -Be 6 -Because 'a host that never refuses keeps the maximum'
        ($summary.HostLimits | Where-Object Host -EQ $hostA).Limit | Should -BeLessOrEqual 3
        (Get-TestServerStats).peakInFlightByHost.$hostB | Should -BeLessOrEqual 6
    }

    It 'starts at -ThrottleLimitPerHost and reports a fixed -ThrottleLimitPerHost as the HostLimit' {
        $key = New-Key
        $adaptive = 1..4 | ForEach-Object { "$base/limited/$key`?max=100&n=$_" } | Invoke-AsyncWebBatch -AdaptiveThrottle -ThrottleLimitPerHost 3
        $adaptive | ForEach-Object { $_.HostLimit | Should -BeIn 3, 4 }
        ("$base/json" | Invoke-AsyncWebBatch -ThrottleLimitPerHost 5).HostLimit | Should -Be 5
        ("$base/json" | Invoke-AsyncWebBatch).HostLimit | Should -BeNullOrEmpty
    }

    It 'refuses bounds without -AdaptiveThrottle, and a minimum above the maximum' {
        { Invoke-AsyncWebBatch "$base/json" -MaximumThrottleLimitPerHost 4 -ErrorAction Stop } | Should -Throw -ErrorId 'ConflictingParameters,*'
        { Invoke-AsyncWebBatch "$base/json" -AdaptiveThrottle -MinimumThrottleLimitPerHost 10 -MaximumThrottleLimitPerHost 4 -ErrorAction Stop } | Should -Throw -ErrorId 'ConflictingParameters,*'
    }
}

Describe 'Items waiting for their host do not hold up other hosts' -Tag 'Fault' {
    It 'keeps reading input for other hosts while a host at its limit has items waiting' {
        Reset-TestServerStats -Server $server
        # 40 slow items for A (one at a time), then 40 fast ones for B: B must not wait for A's 40 seconds' worth.
        $key = New-Key
        $uris = @(1..40 | ForEach-Object { "$base/delay/1000?n=$_&k=$key" }) + @(1..40 | ForEach-Object { "$otherBase/delay/10?n=$_&k=$key" })
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Uris)
                    Import-Module $ModulePath
                    $Uris | Invoke-AsyncWebBatch -ThrottleLimit 8 -ThrottleLimitPerHost 1
                }).AddArgument((Join-Path $PSScriptRoot '../out/AsyncWeb')).AddArgument($uris)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            # Indexing, not enumerating: an open PSDataCollection's enumerator waits for the invocation to end.
            $taken = { @(for ($i = 0; $i -lt $output.Count; $i++) { $output[$i] }) }
            Wait-Until { @(& $taken | Where-Object { $_.Uri.Authority -eq $hostB }).Count -eq 40 } -TimeoutSec 20 -Because 'B''s 40 items finish while A is still busy'
            @(& $taken | Where-Object { $_.Uri.Authority -eq $hostA }).Count | Should -BeLessThan 20
        }
        finally {
            $ps.Stop()
            $ps.Dispose()
        }
    }

    It 'ends with one result per item when -TotalTimeoutSec expires while a retry waits for its paused host<_>' -ForEach '', ' (-Ordered)', ' (-AdaptiveThrottle)' {
        # Item 0 is answered 429 with Retry-After 3: the host pauses, item 0's retry waits for it and the five items
        # behind it wait in the host's line. Item 0's total timeout (1 s) ends its wait; the others run after the pause.
        $key = New-Key
        $uris = @("$base/pause/$key`?retryAfter=3") + @(1..5 | ForEach-Object { "$base/pause/$key`?n=$_" })
        $extra = @{ ThrottleLimitPerHost = 1 }
        if ($_ -eq ' (-Ordered)') { $extra.Ordered = $true }
        if ($_ -eq ' (-AdaptiveThrottle)') { $extra.AdaptiveThrottle = $true; $extra.MaximumThrottleLimitPerHost = 2 }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Uris, $Extra)
                    Import-Module $ModulePath
                    $Uris | Invoke-AsyncWebBatch -ThrottleLimit 4 -MaximumRetryCount 3 -TotalTimeoutSec 1 -FailuresAsResults @Extra
                }).AddArgument((Join-Path $PSScriptRoot '../out/AsyncWeb')).AddArgument($uris).AddArgument($extra)
            $handle = $ps.BeginInvoke()
            Wait-Until { $handle.IsCompleted } -TimeoutSec 30 -Because 'the batch ends: no item is lost at the host gate'
            $results = @($ps.EndInvoke($handle))
            $results | Should -HaveCount 6
            ($results | ForEach-Object Index | Sort-Object) -join ',' | Should -Be '0,1,2,3,4,5'
            ($results | Where-Object Index -EQ 0).Error.ErrorId | Should -Be 'TotalTimeout'
            $results | Where-Object Index -GT 0 | ForEach-Object { $_.StatusCode | Should -Be 200 }
            if ($extra.ContainsKey('Ordered')) { ($results | ForEach-Object Index) -join ',' | Should -Be '0,1,2,3,4,5' }
        }
        finally {
            $ps.Stop()
            $ps.Dispose()
        }
    }

    It 'cancels promptly while a host is paused (Ctrl+C)' {
        $key = New-Key
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Uris)
                    Import-Module $ModulePath
                    $Uris | Invoke-AsyncWebBatch -ThrottleLimitPerHost 1 -MaximumRetryCount 3 -MaximumRetryAfterSec 60
                }).AddArgument((Join-Path $PSScriptRoot '../out/AsyncWeb')).AddArgument(@("$base/pause/$key`?retryAfter=60") + @(1..5 | ForEach-Object { "$base/pause/$key`?n=$_" }))
            $handle = $ps.BeginInvoke()
            Wait-Until { @(Get-Arrivals 'pause' $key).Count -ge 1 } -Because 'the first request is answered with the pause'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'the pause lasts 60 s; a stop that waited for it would take that long'
            @(Get-Arrivals 'pause' $key) | Should -HaveCount 1 -Because 'nothing more is sent to the paused host'
        }
        finally {
            $ps.Dispose()
        }
    }
}

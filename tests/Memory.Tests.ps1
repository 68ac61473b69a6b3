# Memory bounded by bytes, not by item counts: in-memory bodies start small and grow, stop at
# -MaximumResponseSize, and the batch holds at most -MaximumBufferSize of them before it admits more.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http

    # The most bytes of bodies the batch held at once, from its closing verbose line.
    function Get-PeakBuffered([object[]]$Output) {
        $line = $Output | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'memory: at most *' } | Select-Object -First 1
        if (-not $line) { throw 'no closing memory line among the verbose output' }
        [long](($line.Message -replace '^memory: at most ([\d,]+) bytes.*$', '$1') -replace ',', '')
    }
}

Describe 'In-memory bodies' {
    It 'does not reserve a declared Content-Length up front: four stalled 256 MiB bodies allocate little' {
        $uris = 1..4 | ForEach-Object { "$base/drip?bytes=268435456&intervalMs=100&i=$_" }
        $null = Invoke-AsyncWebBatch "$base/bytes/10"   # warm up: the first call compiles code
        $before = [GC]::GetTotalAllocatedBytes($true)

        $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 4 -TimeoutSec 1.5 -FailuresAsResults

        $allocatedMB = ([GC]::GetTotalAllocatedBytes($true) - $before) / 1MB
        $results.ErrorId | Should -Be 'RequestTimeout', 'RequestTimeout', 'RequestTimeout', 'RequestTimeout'
        $allocatedMB | Should -BeLessThan 64 -Because "a body is buffered as it arrives, not as declared ($([int]$allocatedMB) MB allocated)"
    }

    It 'lets go of bodies once their results are dropped: idle pooled connections pin nothing' {
        $null = Invoke-AsyncWebBatch "$base/bytes/10"   # warm up
        $baseline = [GC]::GetTotalMemory($true)

        1..16 | ForEach-Object { "$base/bytes/1048576?i=$_" } | Invoke-AsyncWebBatch -ThrottleLimit 16 | Out-Null

        $retainedMB = ([GC]::GetTotalMemory($true) - $baseline) / 1MB
        $retainedMB | Should -BeLessThan 4 -Because "16 MiB of bodies were read and dropped ($([math]::Round($retainedMB, 1)) MB still live)"
    }

    It 'fails a body over -MaximumResponseSize with ResponseTooLarge, whether its length is <Case>' -ForEach @(
        @{ Case = 'declared'; Path = '/bytes/5000' }
        @{ Case = 'unknown (chunked)'; Path = '/stream/5000' }
        @{ Case = 'only known once decoded (gzip)'; Path = '/gzip/5000' }
    ) {
        $result = Invoke-AsyncWebBatch "$base$Path" -MaximumResponseSize 4096 -FailuresAsResults

        $result.Error.ErrorId | Should -Be 'ResponseTooLarge'
        $result.Error.Message | Should -Match '4,096'
        $result.RawContent | Should -BeNullOrEmpty
    }

    It 'keeps a body of exactly -MaximumResponseSize' {
        $result = Invoke-AsyncWebBatch "$base/stream/4096" -MaximumResponseSize 4096

        $result.ContentLength | Should -Be 4096
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($result.RawContent)) | Should -Be (Get-PatternSha256 4096)
    }

    It 'refuses a -MaximumResponseSize below 1' {
        { Invoke-AsyncWebBatch "$base/json" -MaximumResponseSize 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'fails a gzip bomb (1 GiB of zeros) cleanly, with a bounded peak working set' -Tag 'Slow' -Skip:(-not $IsLinux) {
        $null = Invoke-AsyncWebBatch "$base/gzip/1000"
        $null = Invoke-RestMethod "$base/gzip/1073741824?zeros=1" -Method Head -NoProxy   # the server compresses it once, now
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $process.Refresh()
        $before = $process.WorkingSet64
        [IO.File]::WriteAllText('/proc/self/clear_refs', '5')   # resets the peak (VmHWM) to the current RSS

        $result = Invoke-AsyncWebBatch "$base/gzip/1073741824?zeros=1" -FailuresAsResults

        $process.Refresh()
        $growthMB = ($process.PeakWorkingSet64 - $before) / 1MB
        $result.Error.ErrorId | Should -Be 'ResponseTooLarge'
        $growthMB | Should -BeLessThan 600 -Because "decoding stops at the 256 MiB limit (peak grew by $([int]$growthMB) MB)"
    }
}

Describe 'The batch''s buffered bodies (-MaximumBufferSize)' {
    It 'holds about -MaximumBufferSize of bodies, not ThrottleLimit of them, for a slow consumer' {
        $null = Invoke-AsyncWebBatch "$base/bytes/10"   # warm up
        $script:peak = 0
        $baseline = [GC]::GetTotalMemory($true)

        1..24 | ForEach-Object { "$base/bytes/1048576?i=$_" } |
            Invoke-AsyncWebBatch -ThrottleLimit 16 -MaximumBufferSize 3MB |
            ForEach-Object {
                # A slow consumer: finished bodies pile up behind it unless admission waits for them to be taken.
                Start-Sleep -Milliseconds 50
                $held = [GC]::GetTotalMemory($true) - $baseline
                if ($held -gt $script:peak) { $script:peak = $held }
            }

        # 3 MiB waiting, one more body that may always proceed, the one being consumed; 16 MiB without the budget.
        [int]($script:peak / 1MB) | Should -BeLessOrEqual 8
    }

    It 'holds in-order results within it while an early item is slow (-Ordered), counting <What>' -ForEach @(
        @{ What = 'their bodies'; Path = '/bytes/1048576?i=' }
        # A 400 KB header is held as 800 KB (two bytes a character), from when it arrives.
        @{ What = 'their response headers'; Path = '/headers/large?size=400000&i=' }
    ) {
        $script:startedAtFirst = $null
        Reset-TestServerStats -Server $server
        $uris = @("$base/delay/1500") + (1..40 | ForEach-Object { "$base$Path$_" })

        $uris | Invoke-AsyncWebBatch -Ordered -ThrottleLimit 8 -MaximumBufferSize 4MB | ForEach-Object {
            if ($null -eq $script:startedAtFirst) { $script:startedAtFirst = (Get-TestServerStats -Server $server).requests }
        }

        # Before the first result leaves: the slow first item, the few results the 4 MiB allow, and readers waiting
        # for room (about a dozen starts in all). Taking the first result frees room at once, so a few more start before
        # the consumer's /stats call lands. Without the budget the item-count bound alone admits 32 behind the slow one.
        $script:startedAtFirst | Should -BeLessOrEqual 24
    }

    It 'never deadlocks: with a budget smaller than one body every item still completes<Mode>' -ForEach @(
        @{ Mode = ''; Ordered = $false }
        @{ Mode = ', in order'; Ordered = $true }
    ) {
        $results = Invoke-Bounded {
            param($Base, $Ordered)
            1..12 | ForEach-Object { "$Base/bytes/200000?i=$_" } |
                Invoke-AsyncWebBatch -ThrottleLimit 4 -MaximumBufferSize 1000 -Ordered:$Ordered -FailuresAsResults
        } -ArgumentList $base, $Ordered

        $results | Should -HaveCount 12
        $results | ForEach-Object { $_.Success | Should -BeTrue; $_.ContentLength | Should -Be 200000 }
        if ($Ordered) { $results.Index | Should -Be (0..11) }
    }

    It 'ends when pages of several items run at once under -Ordered, within the budget plus one response' {
        # Every page has its own place in the budget: one page of an item that ends must not take its siblings' with it.
        # The second page of each item is quick and the later ones slow, so they are still being read when it ends.
        $output = Invoke-Bounded {
            param($Base)
            0..1 | ForEach-Object { "$Base/pages/link?count=5&last=1&pad=600000&type=application/octet-stream&slowFrom=3&dripMs=40&i=$_" } |
                Invoke-AsyncWebBatch -Ordered -FollowRelLink -PageParameter page -MaximumBufferSize 1MB -MaximumResponseSize 1MB -ThrottleLimit 8 -FailuresAsResults -Verbose 4>&1
        } -ArgumentList $base -TimeoutSec 30

        $results = @($output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] })
        $results | Should -HaveCount 10
        $results | ForEach-Object { $_.Success | Should -BeTrue }
        ($results | ForEach-Object { "$($_.Index).$($_.PageIndex)" }) -join ' ' | Should -Be '0.0 0.1 0.2 0.3 0.4 1.0 1.1 1.2 1.3 1.4'
        Get-PeakBuffered $output | Should -BeLessOrEqual 2MB
    }

    It 'ends when the page that leaves next waits for a slot held by readers waiting for room (-Ordered)' {
        # Soak seed 441: item 0's second page is due behind items 2 and 3 of its host; they take the two slots and
        # wait for room that item 1's result holds until item 0 ends, so item 0's page must start past the limit.
        $output = Invoke-Bounded {
            param($Base)
            @("$Base/pages/link?count=2&last=1&size=2") + (1..5 | ForEach-Object { "$Base/bytes/700000?i=$_" }) |
                Invoke-AsyncWebBatch -Ordered -FollowRelLink -PageParameter page -ThrottleLimit 2 -MaximumBufferSize 1MB -MaximumResponseSize 2MB -FailuresAsResults -Verbose 4>&1
        } -ArgumentList $base -TimeoutSec 30

        $results = @($output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] })
        ($results | ForEach-Object { "$($_.Index).$($_.PageIndex)" }) -join ' ' | Should -Be '0.0 0.1 1.0 2.0 3.0 4.0 5.0'
        $results | ForEach-Object { $_.Success | Should -BeTrue }
        Get-PeakBuffered $output | Should -BeLessOrEqual 3MB
    }

    It 'holds at most -MaximumBufferSize plus one response of an item''s numbered pages fetched at once<Mode>' -ForEach @(
        @{ Mode = ''; Ordered = $false }
        @{ Mode = ', in order'; Ordered = $true }
    ) {
        # One item, 16 pages of 1 MiB (bytes, not text) announced by its first page: without a place per page, every
        # page of the item with the lowest index passes the budget at once.
        $output = Invoke-Bounded {
            param($Base, $Ordered)
            Invoke-AsyncWebBatch "$Base/pages/link?count=16&last=1&pad=1048576&type=application/octet-stream" -FollowRelLink -PageParameter page -Ordered:$Ordered -ThrottleLimit 16 -MaximumBufferSize 2MB -MaximumResponseSize 2MB -Verbose 4>&1
        } -ArgumentList $base, $Ordered

        @($output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] -and $_.Success }) | Should -HaveCount 16
        Get-PeakBuffered $output | Should -BeLessOrEqual 4MB
    }

    It 'keeps bad rows from piling up while an early item is slow (-Ordered)' {
        $script:produced = 0
        $script:producedAtFirst = $null
        & {
            "$base/delay/1500"
            foreach ($i in 1..3000) {
                $script:produced++
                'not a uri'
            }
        } | Invoke-AsyncWebBatch -Ordered -ThrottleLimit 2 -FailuresAsResults | ForEach-Object {
            if ($null -eq $script:producedAtFirst) { $script:producedAtFirst = $script:produced }
        }

        # The item-count bound (4 x ThrottleLimit results waiting) applies to bad rows as to requests.
        $script:producedAtFirst | Should -BeLessOrEqual 10
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath

    function script:New-Key { [guid]::NewGuid().ToString('N') }

    # A file-system path (child processes and .NET calls see no TestDrive:); -JournalPath itself takes PowerShell paths too.
    function script:New-JournalPath { Join-Path $TestDrive "$(New-Key).journal" }

    # How many requests the server saw for one /retry key.
    function script:Get-RetryCount([string]$Key) {
        (Invoke-RestMethod -Uri "$base/retry/$Key/count" -NoProxy -TimeoutSec 10).attempts
    }

    # The /idempotent/{key} counters: processed and arrivals per item, replayed, withoutKey.
    function script:Get-Idempotent([string]$Key) {
        Invoke-RestMethod -Uri "$base/idempotent/$Key/log" -NoProxy -TimeoutSec 10
    }

    function script:Get-JournalLines([string]$Path) {
        @(Get-Content -LiteralPath $Path | Select-Object -Skip 1 | ForEach-Object { $_ | ConvertFrom-Json })
    }

    function script:Get-ErrorId($ErrorRecord) { ($ErrorRecord.FullyQualifiedErrorId -split ',')[0] }
}

Describe 'The journal (-JournalPath)' {
    Context 'a batch run again' {
        BeforeAll {
            # Five items that succeed and two that fail the first time only.
            $script:key = New-Key
            $script:uris = @(0..4 | ForEach-Object { "$base/retry/$key-$_`?failures=0" }) + @(5, 6 | ForEach-Object { "$base/retry/$key-$_`?failures=1&status=503" })
            $script:journal = New-JournalPath
            $script:first = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -FailuresAsResults)
            $script:second = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -FailuresAsResults)
            $script:third = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -FailuresAsResults)
        }

        It 'records every finished item as one JSON line after a header naming the run' {
            $lines = Get-Content -LiteralPath $journal
            ($lines[0] | ConvertFrom-Json).asyncwebJournal | Should -Be 2
            ($lines[0] | ConvertFrom-Json).runId | Should -Match '^[0-9a-f]{32}$'
            $entries = Get-JournalLines $journal
            $entries | Should -HaveCount 9 -Because 'seven items, then the two that were sent again'
            $firstRun = $entries[0..6] | Sort-Object index
            $firstRun.index | Should -Be (0..6)
            $firstRun | ForEach-Object { $_.key | Should -Match '^[0-9a-f]{32}$'; $_.method | Should -Be 'GET' }
            ($firstRun | Where-Object success).Count | Should -Be 5
            ($firstRun | Where-Object index -EQ 5).status | Should -Be 503
            ($firstRun | Where-Object index -EQ 5).errorId | Should -Be 'HttpStatus'
        }

        It 'sends again only the items that did not succeed' {
            0..4 | ForEach-Object { Get-RetryCount "$key-$_" | Should -Be 1 }
            5, 6 | ForEach-Object { Get-RetryCount "$key-$_" | Should -Be 2 }
        }

        It 'gives the items that succeeded before a result from the journal' {
            $second | Should -HaveCount 7
            $replayed = @($second | Where-Object FromJournal)
            ($replayed.Index | Sort-Object) | Should -Be (0..4)
            $replayed | ForEach-Object { $_.Skipped | Should -BeTrue; $_.StatusCode | Should -Be 200; $_.Attempts | Should -Be 0; $_.Success | Should -BeTrue }
            $second | Where-Object Index -In 5, 6 | ForEach-Object { $_.FromJournal | Should -BeFalse; $_.StatusCode | Should -Be 200 }
        }

        It 'sends nothing once everything has succeeded, and does not grow the journal' {
            $third | ForEach-Object { $_.FromJournal | Should -BeTrue }
            0..6 | ForEach-Object { Get-RetryCount "$key-$_" | Should -BeLessOrEqual 2 }
            Get-JournalLines $journal | Should -HaveCount 9
            ($third | Measure-AsyncWebBatch).Skipped | Should -Be 7
        }
    }

    It 'says in -Verbose what the journal held (a PowerShell path is fine)' {
        $journal = Join-Path TestDrive: "$(New-Key).journal"
        $null = "$base/json" | Invoke-AsyncWebBatch -JournalPath $journal
        $verbose = "$base/json" | Invoke-AsyncWebBatch -JournalPath $journal -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        ($verbose -join "`n") | Should -Match '1 item\(s\) succeeded before and are not sent again'
        ($verbose -join "`n") | Should -Match '1 item\(s\) had succeeded in an earlier run and were not sent'
    }

    It 'keeps downloads: the journaled result carries OutFile and Sha256' {
        $journal = New-JournalPath
        $target = Join-Path TestDrive: "$(New-Key).bin"
        $first = Invoke-AsyncWebBatch "$base/bytes/1000" -OutFile $target -JournalPath $journal
        $again = Invoke-AsyncWebBatch "$base/bytes/1000" -OutFile $target -JournalPath $journal
        $again.FromJournal | Should -BeTrue
        $again.OutFile | Should -Be $first.OutFile
        $again.Sha256 | Should -Be (Get-PatternSha256 1000)
    }

    It 'matches nothing of a journal written by another command: other items at the same positions run' {
        $journal = New-JournalPath
        $key = New-Key
        $null = 0..2 | ForEach-Object { "$base/retry/$key-a$_`?failures=0" } | Invoke-AsyncWebBatch -JournalPath $journal
        $other = @(0..2 | ForEach-Object { "$base/retry/$key-b$_`?failures=0" } | Invoke-AsyncWebBatch -JournalPath $journal)
        $other | ForEach-Object { $_.FromJournal | Should -BeFalse }
        0..2 | ForEach-Object { Get-RetryCount "$key-b$_" | Should -Be 1 }
        # The method counts too.
        $posted = @(0..2 | ForEach-Object { "$base/retry/$key-a$_`?failures=0" } | Invoke-AsyncWebBatch -Method POST -Body 'x' -JournalPath $journal)
        $posted | ForEach-Object { $_.FromJournal | Should -BeFalse }
    }

    Context 'changed input' {
        It 'sends again an order whose body changed, with a new Idempotency-Key, and the others come from the journal (the README recipe)' {
            $key = New-Key
            $journal = New-JournalPath
            $orders = 0..3 | ForEach-Object { [pscustomobject]@{ Uri = "$base/idempotent/$key`?item=$_"; Method = 'POST'; Body = @{ order = $_; amount = 10; currency = 'eur' } } }
            $first = @($orders | Invoke-AsyncWebBatch -JournalPath $journal -IdempotencyKey -MaximumRetryCount 3)
            $first | ForEach-Object { $_.StatusCode | Should -Be 200 }

            $orders[2].Body.amount = 20
            $second = @($orders | Invoke-AsyncWebBatch -JournalPath $journal -IdempotencyKey -MaximumRetryCount 3 | Sort-Object Index)
            $second.FromJournal | Should -Be $true, $true, $false, $true
            $second[2].StatusCode | Should -Be 200
            $second[2].Headers['Idempotent-Replayed'] | Should -BeNullOrEmpty -Because 'a new body goes with a new Idempotency-Key, which the server has not seen'
            $log = Get-Idempotent $key
            0..3 | ForEach-Object { $log.arrivals."$_" | Should -Be ($_ -eq 2 ? 2 : 1) }
            $log.processed.'2' | Should -Be 2
            $log.replayed | Should -Be 0
            $log.withoutKey | Should -Be 0
        }

        It 'derives another Idempotency-Key for another body, and the same for the same body' {
            $sent = { param($Body) (Invoke-AsyncWebBatch "$base/echo" -Method POST -Body $Body -IdempotencyKey -RunId 'run-a').ContentObject.headers.'Idempotency-Key' }
            & $sent '{"amount":10}' | Should -Be (& $sent '{"amount":10}')
            & $sent '{"amount":10}' | Should -Not -Be (& $sent '{"amount":20}')
        }

        It 'sends again an item whose headers changed, but not one whose credentials changed' {
            $key = New-Key
            $journal = New-JournalPath
            $uris = 0..1 | ForEach-Object { "$base/retry/$key-$_`?failures=0" }
            $null = $uris | Invoke-AsyncWebBatch -JournalPath $journal -Headers @{ 'X-Tenant' = 'a'; Authorization = 'Bearer one'; 'X-Api-Key' = 'one' }
            $again = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -Headers @{ 'X-Tenant' = 'a'; Authorization = 'Bearer two'; 'X-Api-Key' = 'two' })
            $again | ForEach-Object { $_.FromJournal | Should -BeTrue }
            $other = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -Headers @{ 'X-Tenant' = 'b' })
            $other | ForEach-Object { $_.FromJournal | Should -BeFalse }
            0..1 | ForEach-Object { Get-RetryCount "$key-$_" | Should -Be 2 }
            (Get-Content -LiteralPath $journal -Raw) | Should -Not -Match 'Bearer|one|two'
        }

        It 'matches hashtable bodies journaled by another process, whose keys come in another order' {
            $key = New-Key
            $journal = New-JournalPath
            $make = "0..5 | ForEach-Object { @{ Uri = '$base/idempotent/$key`?item=' + `$_; Method = 'POST'; Body = @{ order = `$_; amount = 10; currency = 'eur'; customer = 'c1'; note = 'n'; zeta = 1; alpha = 2; nested = @{ b = 1; a = 2; c = 3 } } } }"
            $null = Invoke-FreshPwsh "Import-Module '$modulePath'; $make | Invoke-AsyncWebBatch -JournalPath '$journal' -IdempotencyKey | Out-Null"
            $again = @(Invoke-Expression $make | Invoke-AsyncWebBatch -JournalPath $journal -IdempotencyKey)
            $again | ForEach-Object { $_.FromJournal | Should -BeTrue }
            (Get-Idempotent $key).arrivals.PSObject.Properties.Value | ForEach-Object { $_ | Should -Be 1 }
        }

        It 'refuses a journal of AsyncWeb 0.2.0, whose keys cannot tell a changed body, with UnsupportedJournalVersion' {
            $journal = New-JournalPath
            $old = '{"asyncwebJournal":1,"runId":"0123456789abcdef0123456789abcdef","created":"2026-11-29T12:00:00.0000000Z"}'
            Set-Content -LiteralPath $journal -Value $old
            { Invoke-AsyncWebBatch "$base/json" -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'UnsupportedJournalVersion,*'
            Get-Content -LiteralPath $journal | Should -Be $old
        }
    }

    Context 'what counts as done' {
        It 'sends again an item answered 503 or 404 under -SkipHttpErrorCheck: a Success, but not done' {
            $key = New-Key
            $uris = "$base/retry/$key-a`?failures=1&status=503", "$base/retry/$key-b`?failures=1&status=404", "$base/retry/$key-c`?failures=0"
            $journal = New-JournalPath
            $first = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -SkipHttpErrorCheck | Sort-Object Index)
            $first.StatusCode | Should -Be 503, 404, 200
            $first | ForEach-Object { $_.Success | Should -BeTrue }
            (Get-JournalLines $journal | Sort-Object index).success | Should -Be $false, $false, $true

            $second = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -SkipHttpErrorCheck | Sort-Object Index)
            $second.FromJournal | Should -Be $false, $false, $true
            $second[0..1].StatusCode | Should -Be 200, 200
            Get-RetryCount "$key-a" | Should -Be 2
            Get-RetryCount "$key-b" | Should -Be 2
            Get-RetryCount "$key-c" | Should -Be 1
        }

        It 'sends again every page of an item of which one page answered 500 under -SkipHttpErrorCheck' {
            $journal = New-JournalPath
            $uri = "$base/pages/link?count=3&failAt=2&k=$(New-Key)"
            $first = @(Invoke-AsyncWebBatch $uri -FollowRelLink -SkipHttpErrorCheck -JournalPath $journal -Ordered)
            $first.StatusCode | Should -Be 200, 500, 200
            $line = Get-JournalLines $journal
            $line | Should -HaveCount 1 -Because 'an item with pages is one line'
            $line.success | Should -BeFalse

            $second = @(Invoke-AsyncWebBatch $uri -FollowRelLink -SkipHttpErrorCheck -JournalPath $journal -Ordered)
            $second.FromJournal | Should -Be $false, $false, $false
            $second.PageIndex | Should -Be 0, 1, 2
        }
    }

    Context '-JournalKey' {
        It 'finds items by the property it names, whatever their order' {
            $journal = New-JournalPath
            $key = New-Key
            $rows = 0..3 | ForEach-Object { [pscustomobject]@{ Id = "order-$_"; Uri = "$base/retry/$key-$_`?failures=0" } }
            $null = $rows | Invoke-AsyncWebBatch -JournalPath $journal -JournalKey Id
            [array]::Reverse($rows)
            $again = @($rows | Invoke-AsyncWebBatch -JournalPath $journal -JournalKey Id)
            $again | ForEach-Object { $_.FromJournal | Should -BeTrue }
            0..3 | ForEach-Object { Get-RetryCount "$key-$_" | Should -Be 1 }
        }

        It 'fails an item without that property with MissingJournalKey, naming it, and runs the others' {
            $journal = New-JournalPath
            $results = @(
                @{ Id = 'a'; Uri = "$base/json" }
                @{ Uri = "$base/json" }
            ) | Invoke-AsyncWebBatch -JournalPath $journal -JournalKey Id -FailuresAsResults
            ($results | Where-Object Index -EQ 0).Success | Should -BeTrue
            $missing = $results | Where-Object Index -EQ 1
            $missing.Error.ErrorId | Should -Be 'MissingJournalKey'
            $missing.Error.Message | Should -Match "'Id'"
        }

        It 'needs -JournalPath or -IdempotencyKey' {
            { Invoke-AsyncWebBatch "$base/json" -JournalKey Id -ErrorAction Stop } | Should -Throw -ErrorId 'ConflictingParameters,*'
        }
    }

    Context 'a damaged or foreign journal' {
        It 'ignores a torn last line, runs that item again and appends cleanly after it' {
            $journal = New-JournalPath
            $key = New-Key
            $uris = 0..2 | ForEach-Object { "$base/retry/$key-$_`?failures=0" }
            $null = $uris | Invoke-AsyncWebBatch -JournalPath $journal -ThrottleLimit 1
            # A process killed while writing the last line: cut it in half.
            $text = [IO.File]::ReadAllText($journal)
            $cut = $text.Substring(0, $text.TrimEnd("`n").LastIndexOf("`n") + 1 + 40)
            [IO.File]::WriteAllText($journal, $cut)

            $again = @($uris | Invoke-AsyncWebBatch -JournalPath $journal -Verbose 4>&1 | Tee-Object -Variable output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] })
            @($again | Where-Object FromJournal) | Should -HaveCount 2
            ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n" | Should -Match 'torn last line'
            (0..2 | ForEach-Object { Get-RetryCount "$key-$_" } | Measure-Object -Sum).Sum | Should -Be 4 -Because 'only the item of the torn line is sent again'
            Get-Content -LiteralPath $journal | Select-Object -Skip 1 | ForEach-Object { { $_ | ConvertFrom-Json } | Should -Not -Throw }
            Get-JournalLines $journal | Should -HaveCount 3
        }

        It 'refuses a file that is not a journal, with InvalidJournal, and leaves it alone' {
            $path = Join-Path TestDrive: 'notes.txt'
            Set-Content -LiteralPath $path -Value 'my notes'
            { Invoke-AsyncWebBatch "$base/json" -JournalPath $path -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidJournal,*'
            Get-Content -LiteralPath $path | Should -Be 'my notes'
        }

        It 'refuses a journal it cannot write, with JournalUnusable' {
            $dir = (New-Item -ItemType Directory -Path (Join-Path TestDrive: (New-Key))).FullName
            { Invoke-AsyncWebBatch "$base/json" -JournalPath $dir -ErrorAction Stop } | Should -Throw -ErrorId 'JournalUnusable,*'
        }

        It 'refuses a journal another batch is writing, in this process or another' {
            $journal = New-JournalPath
            # /hang never answers: the batch holds the journal until Stop-Job, however slowly the fresh pwsh starts.
            $job = "$base/hang" | Invoke-AsyncWebBatch -JournalPath $journal -AsJob
            try {
                { Invoke-AsyncWebBatch "$base/json" -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'JournalUnusable,*'
                $output = Invoke-FreshPwsh "Import-Module '$modulePath'; try { Invoke-AsyncWebBatch '$base/json' -JournalPath '$journal' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }"
                $output | Should -Match '^JournalUnusable,'
            }
            finally {
                $job | Stop-Job
                $job | Remove-Job -Force
            }

            # Free again once that batch has ended.
            ("$base/json" | Invoke-AsyncWebBatch -JournalPath $journal).StatusCode | Should -Be 200
        }
        It 'keeps apart two batches that use one journal through a symbolic link and through its target' -Skip:$IsWindows {
            # (On Windows the share mode refuses the second writer whatever name it comes by; links need privileges there.)
            $journal = New-JournalPath
            $linkedDirectory = Join-Path $TestDrive "linked-$(New-Key)"
            $null = New-Item -ItemType SymbolicLink -Path $linkedDirectory -Target $TestDrive
            $link = Join-Path $linkedDirectory "link-$(New-Key).journal"
            $null = New-Item -ItemType SymbolicLink -Path $link -Target $journal
            $job = "$base/hang" | Invoke-AsyncWebBatch -JournalPath $link -AsJob
            try {
                { Invoke-AsyncWebBatch "$base/json" -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'JournalUnusable,*'
                { Invoke-AsyncWebBatch "$base/json" -JournalPath (Join-Path $linkedDirectory (Split-Path $journal -Leaf)) -ErrorAction Stop } | Should -Throw -ErrorId 'JournalUnusable,*'
            }
            finally {
                $job | Stop-Job
                $job | Remove-Job -Force
            }

            ("$base/json" | Invoke-AsyncWebBatch -JournalPath $journal).StatusCode | Should -Be 200
            ("$base/json" | Invoke-AsyncWebBatch -JournalPath $link).FromJournal | Should -BeTrue -Because 'the link and its target are one journal'
        }
    }

    It 'closes the journal when an -AsJob batch ends, so the next run can use it' {
        $journal = New-JournalPath
        $job = "$base/json", "$base/json?n=1" | Invoke-AsyncWebBatch -JournalPath $journal -AsJob
        $null = $job | Wait-Job -Timeout 30
        $null = $job | Receive-Job
        $again = @("$base/json", "$base/json?n=1" | Invoke-AsyncWebBatch -JournalPath $journal)
        $again | ForEach-Object { $_.FromJournal | Should -BeTrue }
        $job | Remove-Job
    }
}

Describe 'Idempotency keys (-IdempotencyKey)' {
    It 'sends the same Idempotency-Key on every attempt of a POST, and retries it without -RetryAllMethods' {
        $key = New-Key
        # The first attempt is processed, then times out on the client; the retry gets the stored answer.
        $result = Invoke-AsyncWebBatch "$base/idempotent/$key`?item=1&delayMs=3000" -Method POST -Body 'charge' -IdempotencyKey -TimeoutSec 0.5 -MaximumRetryCount 2 -RetryIntervalSec 0.01
        $result.StatusCode | Should -Be 200
        $result.Attempts | Should -Be 2
        $result.Headers['Idempotent-Replayed'] | Should -Be 'true'
        $counts = Get-Idempotent $key
        $counts.processed.'1' | Should -Be 1
        $counts.replayed | Should -Be 1
    }

    It 'is not retried without it (the POST could be charged twice)' {
        $key = New-Key
        $result = Invoke-AsyncWebBatch "$base/idempotent/$key`?item=1&delayMs=3000" -Method POST -Body 'charge' -TimeoutSec 0.5 -MaximumRetryCount 2 -RetryIntervalSec 0.01 -FailuresAsResults
        $result.ErrorId | Should -Be 'RequestTimeout'
        $result.Attempts | Should -Be 1
    }

    It 'goes only on methods that are not safe, and a header the user gives wins' {
        $echo = @(
            @{ Uri = "$base/echo"; Method = 'GET' }
            @{ Uri = "$base/echo"; Method = 'POST' }
            @{ Uri = "$base/echo"; Method = 'PATCH'; Headers = @{ 'Idempotency-Key' = 'mine' } }
        ) | Invoke-AsyncWebBatch -IdempotencyKey -Ordered
        $headers = $echo | ForEach-Object { $_.ContentObject.headers }
        $headers[0].PSObject.Properties.Name | Should -Not -Contain 'Idempotency-Key'
        $headers[1].'Idempotency-Key' | Should -Match '^[0-9a-f]{32}$'
        $headers[2].'Idempotency-Key' | Should -Be 'mine'
    }

    It 'derives the key from the run: the same with the same -RunId or journal, another for another run' {
        $post = { param($Extra) (Invoke-AsyncWebBatch "$base/echo" -Method POST -Body 'x' -IdempotencyKey @Extra).ContentObject.headers.'Idempotency-Key' }
        $a = & $post @{ RunId = 'nightly-1' }
        $b = & $post @{ RunId = 'nightly-1' }
        $c = & $post @{ RunId = 'nightly-2' }
        $d = & $post @{}
        $a | Should -Be $b
        $a | Should -Not -Be $c
        $a | Should -Not -Be $d

        $journal = New-JournalPath
        $first = & $post @{ JournalPath = $journal }
        # A POST whose answer was lost would be sent again with the same key; here the journal says it is done,
        # so a new item at the next position shows the journal's run id is used.
        $runId = (Get-Content -LiteralPath $journal -TotalCount 1 | ConvertFrom-Json).runId
        $first | Should -Be (& $post @{ RunId = $runId })
        { Invoke-AsyncWebBatch "$base/json" -JournalPath $journal -RunId 'other' -ErrorAction Stop } | Should -Throw -ErrorId 'ConflictingParameters,*'
    }
}

Describe 'A batch killed mid-way and run again' -Tag 'Slow' {
    It 'handles each of 2,000 items exactly once across both runs: nothing that succeeded is sent again, and what was in flight is deduplicated by its Idempotency-Key' {
        $key = New-Key
        $journal = New-JournalPath
        $script = @"
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$modulePath'
0..1999 | ForEach-Object { "$base/idempotent/$key``?item=`$_&delayMs=20" } |
    Invoke-AsyncWebBatch -Method POST -Body 'charge' -IdempotencyKey -JournalPath '$journal' -ThrottleLimit 16 | Measure-Object | ForEach-Object Count
"@
        # A script file: Start-Process joins its arguments into one command line, which would mangle the script's quotes.
        $scriptPath = Join-Path $TestDrive "victim-$key.ps1"
        Set-Content -LiteralPath $scriptPath -Value $script
        $exe = [Environment]::ProcessPath
        $arguments = @('-NoProfile', '-NonInteractive', '-File', $scriptPath)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments }
        $victim = Start-Process -FilePath $exe -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path $TestDrive "victim-$key.out")
        try {
            # The journal's first line is its header: more than 501 lines are more than 500 records, as asserted below.
            Wait-Until { (Test-Path -LiteralPath $journal) -and @(Get-Content -LiteralPath $journal).Count -gt 501 } -TimeoutSec 120 -Because 'the first run journals a quarter of the items'
            $victim.Kill()   # SIGKILL: no finally block runs, nothing is flushed
            $victim.WaitForExit(10000) | Should -BeTrue
        }
        finally {
            if (-not $victim.HasExited) { $victim.Kill(); $null = $victim.WaitForExit(10000) }
        }

        $before = Get-Idempotent $key
        $journaled = @(Get-JournalLines $journal | Where-Object success | ForEach-Object index)
        $journaled.Count | Should -BeGreaterThan 500
        $journaled.Count | Should -BeLessThan 2000

        $results = @(0..1999 | ForEach-Object { "$base/idempotent/$key`?item=$_&delayMs=20" } |
                Invoke-AsyncWebBatch -Method POST -Body 'charge' -IdempotencyKey -JournalPath $journal -ThrottleLimit 16)

        $results | Should -HaveCount 2000
        ($results.Index | Sort-Object -Unique) | Should -HaveCount 2000
        $results | ForEach-Object { $_.Success | Should -BeTrue }
        @($results | Where-Object FromJournal).Count | Should -Be $journaled.Count

        $after = Get-Idempotent $key
        # Every item was processed by the server exactly once, over both runs.
        foreach ($item in 0..1999) { $after.processed."$item" | Should -Be 1 -Because "item $item is processed once" }
        # Nothing the journal recorded as done was sent again.
        foreach ($item in $journaled) { $after.arrivals."$item" | Should -Be 1 -Because "item $item succeeded in the first run" }
        # What was in flight when the first run died was sent again, and the server answered it from its first processing.
        # (Usually a few of the 16 in flight; none when the kill fell between a journaled answer and the next send,
        # which a loaded machine makes possible: the exactly-once checks above hold either way.)
        $resent = @(0..1999 | Where-Object { $after.arrivals."$_" -gt 1 })
        $after.replayed | Should -Be $resent.Count
        $after.withoutKey | Should -Be 0
        # Those items were processed in the first run already: the second run only replayed them.
        $resent | ForEach-Object { $before.processed."$_" | Should -Be 1 }
    }
}

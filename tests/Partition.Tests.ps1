BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http

    # Runs every shard of N over the same input and returns each shard's results, as N workers would.
    function Invoke-Shards([object[]] $InputObject, [int] $Count, [hashtable] $Parameters = @{}) {
        foreach ($i in 0..($Count - 1)) {
            , @($InputObject | Invoke-AsyncWebBatch -Partition "$i/$Count" -FailuresAsResults @Parameters)
        }
    }
}

Describe 'Invoke-AsyncWebBatch -Partition' {
    Context 'shards by host' {
        It 'splits 20,000 inputs (2,000 in the netstandard2.0 pass) over 250 hosts into N = 1 to 4 shards that are disjoint, complete and host-affine' -Tag Slow {
            $Inputs = if (Test-NetstandardBuild) { 2000 } else { 20000 }
            # Refused connections on 127.0.0.1-250: 250 real hosts and an answer in microseconds each. Two
            # ports and both schemes per host: a host's shard does not depend on its port or scheme.
            $ports = (Get-ClosedPort -Hosts 250), (Get-ClosedPort -Hosts 250)
            $uris = foreach ($i in 0..($Inputs - 1)) {
                $scheme = if ($i % 3 -eq 0) { 'https' } else { 'http' }
                "${scheme}://127.0.0.$(1 + $i % 250):$($ports[$i % 2])/item/$i"
            }

            foreach ($n in 1..4) {
                $shards = @(Invoke-Shards $uris $n @{ ThrottleLimit = 64 })
                $all = @($shards | ForEach-Object { $_ })
                $all.Count | Should -Be $Inputs -Because "the $n shards together answer every input exactly once"
                @($all.Index | Sort-Object -Unique).Count | Should -Be $Inputs -Because 'no input is answered by two shards'
                # Index is the position in the whole input, whichever shard sent it.
                $misplaced = foreach ($result in $all) { if ($result.Input -cne $uris[$result.Index] -or $result.Error.ErrorId -ne 'ConnectionRefused') { $result } }
                $misplaced | Should -BeNullOrEmpty

                $owner = @{}
                $split = for ($i = 0; $i -lt $n; $i++) {
                    foreach ($result in $shards[$i]) {
                        $hostName = $result.Uri.Host
                        if (-not $owner.ContainsKey($hostName)) { $owner[$hostName] = $i }
                        elseif ($owner[$hostName] -ne $i) { $hostName }
                    }
                }
                $owner.Count | Should -Be 250
                $split | Should -BeNullOrEmpty -Because 'every host lives in exactly one shard'
                foreach ($shard in $shards) {
                    $shard.Count | Should -BeGreaterThan ($Inputs / $n * 0.7) -Because 'a fixed hash spreads 250 hosts evenly enough'
                }
            }
        }

        It 'sends nothing for the items of other shards: the server sees only its own' {
            Reset-TestServerStats
            $rows = 0..39 | ForEach-Object { [pscustomobject]@{ Uri = "$base/json?tenant=$_"; Tenant = "tenant-$_" } }
            $mine = $rows | Invoke-AsyncWebBatch -Partition 1/3 -PartitionKey Tenant
            $mine | Should -Not -BeNullOrEmpty
            (Get-TestServerStats).requestsByPath.'/json' | Should -Be @($mine).Count
        }

        It 'puts an item without a usable URI in shard 0, which reports it under its input position' {
            $port = Get-ClosedPort -Hosts 2
            $items = "http://127.0.0.1:$port/a", 'not a uri', '', "http://127.0.0.2:$port/b"
            $zero = $items | Invoke-AsyncWebBatch -Partition 0/2 -FailuresAsResults
            $one = $items | Invoke-AsyncWebBatch -Partition 1/2 -FailuresAsResults
            ($zero | Where-Object Index -EQ 1).ErrorId | Should -Be 'RelativeUriWithoutBase'
            ($zero | Where-Object Index -EQ 2).ErrorId | Should -Be 'EmptyUri'
            $one | Where-Object Index -In 1, 2 | Should -BeNullOrEmpty
            @($zero).Count + @($one).Count | Should -Be 4
        }

        It 'keeps -Ordered results in input order without waiting for the indexes of other shards' {
            $rows = 0..29 | ForEach-Object { @{ Uri = "$base/delay/$((30 - $_) * 3)?n=$_"; Key = "k$_" } }
            # In a runspace of its own, so that a shard waiting for an index it never sends fails the test instead of hanging it.
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                param($module, $rows)
                Import-Module $module
                $rows | Invoke-AsyncWebBatch -Partition 2/3 -PartitionKey Key -Ordered -ThrottleLimit 8 | ForEach-Object Index
            }).AddArgument((Join-Path $PSScriptRoot '../out/AsyncWeb')).AddArgument($rows)
            $async = $ps.BeginInvoke()
            try {
                $async.AsyncWaitHandle.WaitOne(30000) | Should -BeTrue -Because 'the shard ends once its own items are done'
                $indexes = @($ps.EndInvoke($async))
            }
            finally {
                $ps.Dispose()
            }
            $indexes | Should -Not -BeNullOrEmpty
            $indexes | Should -Be ($indexes | Sort-Object)
            $indexes.Count | Should -BeLessThan 30
        }

        It 'filters before the job starts with -AsJob' {
            $rows = 0..19 | ForEach-Object { @{ Uri = "$base/json?n=$_"; Key = "k$_" } }
            $direct = $rows | Invoke-AsyncWebBatch -Partition 0/2 -PartitionKey Key | ForEach-Object Index | Sort-Object
            $job = $rows | Invoke-AsyncWebBatch -Partition 0/2 -PartitionKey Key -AsJob
            $viaJob = $job | Receive-Job -Wait -AutoRemoveJob | ForEach-Object Index | Sort-Object
            $viaJob | Should -Be $direct
        }
    }

    Context '-PartitionKey' {
        It 'assigns items by the property, the same for objects, hashtables and CSV rows, whatever the case of the value' {
            $keys = 0..49 | ForEach-Object { "Tenant-$_" }
            $objects = $keys | ForEach-Object { [pscustomobject]@{ Uri = "$base/json"; TenantId = $_ } }
            $tables = $keys | ForEach-Object { @{ uri = "$base/json"; tenantid = $_.ToUpperInvariant() } }
            $csv = $objects | ConvertTo-Csv | ConvertFrom-Csv
            $fromObjects = $objects | Invoke-AsyncWebBatch -Partition 1/2 -PartitionKey TenantId | ForEach-Object Index | Sort-Object
            $fromTables = $tables | Invoke-AsyncWebBatch -Partition 1/2 -PartitionKey TenantId | ForEach-Object Index | Sort-Object
            $fromCsv = $csv | Invoke-AsyncWebBatch -Partition 1/2 -PartitionKey TenantId | ForEach-Object Index | Sort-Object
            $fromObjects.Count | Should -BeGreaterThan 10
            $fromObjects.Count | Should -BeLessThan 40
            $fromTables | Should -Be $fromObjects
            $fromCsv | Should -Be $fromObjects
        }

        It 'runs items without the property in shard 0 and warns once how many there were' {
            $rows = 0..5 | ForEach-Object { [pscustomobject]@{ Uri = "$base/json?n=$_"; Tenant = "t$_" } }
            $zero = $rows | Invoke-AsyncWebBatch -Partition 0/3 -PartitionKey Tennant -WarningVariable warned -WarningAction SilentlyContinue
            $other = $rows | Invoke-AsyncWebBatch -Partition 2/3 -PartitionKey Tennant -WarningAction SilentlyContinue
            @($zero).Count | Should -Be 6
            $other | Should -BeNullOrEmpty
            $warned | Should -HaveCount 1
            "$($warned[0])" | Should -BeLike "*'Tennant'*6 input item(s)*shard 0 of 3*"
        }
    }

    Context 'the shard from a Kubernetes Indexed Job' {
        AfterEach {
            Remove-Item Env:JOB_COMPLETION_INDEX -ErrorAction SilentlyContinue
        }

        It 'takes i from $env:JOB_COMPLETION_INDEX with ''*/N''' {
            $rows = 0..19 | ForEach-Object { @{ Uri = "$base/json?n=$_"; Key = "k$_" } }
            $expected = $rows | Invoke-AsyncWebBatch -Partition 2/4 -PartitionKey Key | ForEach-Object Index | Sort-Object
            $env:JOB_COMPLETION_INDEX = '2'
            $rows | Invoke-AsyncWebBatch -Partition '*/4' -PartitionKey Key | ForEach-Object Index | Sort-Object | Should -Be $expected
        }

        It 'stops with InvalidPartition before sending anything when <Case>' -ForEach @(
            @{ Case = 'JOB_COMPLETION_INDEX is not set'; Value = $null; Partition = '*/4'; Message = '*JOB_COMPLETION_INDEX*not set*' }
            @{ Case = 'JOB_COMPLETION_INDEX is past the last shard'; Value = '4'; Partition = '*/4'; Message = '*JOB_COMPLETION_INDEX*''4''*from 0 to 3*' }
            @{ Case = 'the shard is past the last one'; Value = $null; Partition = '4/4'; Message = '*''4''*from 0 to 3*' }
            @{ Case = 'the text is not i/N'; Value = $null; Partition = 'half'; Message = '*''i/N''*' }
        ) {
            if ($Value) { $env:JOB_COMPLETION_INDEX = $Value }
            Reset-TestServerStats
            { "$base/json" | Invoke-AsyncWebBatch -Partition $Partition } |
                Should -Throw -ErrorId 'InvalidPartition,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage $Message
            (Get-TestServerStats).requests | Should -Be 0
        }

        It 'stops with InvalidPartition when -PartitionKey comes without -Partition' {
            { "$base/json" | Invoke-AsyncWebBatch -PartitionKey Tenant } |
                Should -Throw -ErrorId 'InvalidPartition,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage '*-Partition*'
        }
    }

    Context 'the Kubernetes Indexed Job example (docs/kubernetes/sweep.ps1)' {
        AfterEach {
            Remove-Item Env:JOB_COMPLETION_INDEX -ErrorAction SilentlyContinue
        }

        It 'writes one CSV and one summary per index: together every URL once, and the summaries merge exactly' {
            $list = Join-Path $TestDrive 'urls.txt'
            $hosts = @($base) + @($server.Loopback)
            @('# one URL a line') + @(0..59 | ForEach-Object { "$($hosts[$_ % $hosts.Count])/json?n=$_" }) + "$base/status/500" | Set-Content -LiteralPath $list
            $results = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'results')
            $script = Join-Path $PSScriptRoot '../docs/kubernetes/sweep.ps1'
            $log = foreach ($i in 0..2) {
                $env:JOB_COMPLETION_INDEX = "$i"
                & $script -UrlList $list -ResultDirectory $results.FullName -Shards 3 -Module (Join-Path $PSScriptRoot '../out/AsyncWeb')
            }

            $log | Should -HaveCount 3 -Because 'each pod prints one JSON summary line'
            ($log | ConvertFrom-Json).Shard | Should -Be 'shard-0-of-3', 'shard-1-of-3', 'shard-2-of-3'
            $rows = @(Get-ChildItem -Path (Join-Path $results.FullName 'shard-*.csv') | Import-Csv)
            ($rows | ForEach-Object { [int]$_.Index } | Sort-Object) | Should -Be (0..60)
            Get-ChildItem -LiteralPath $results.FullName -Filter '*.partial' | Should -BeNullOrEmpty
            $merged = Get-ChildItem -Path (Join-Path $results.FullName '*.summary.xml') | Import-Clixml | Measure-AsyncWebBatch
            $fromRows = $rows | Measure-AsyncWebBatch
            foreach ($figure in 'Count', 'Failed', 'StatusHistogram', 'P50Ms', 'P99Ms', 'MaxMs', 'WallTime', 'StartTimeUtc', 'EndTimeUtc') {
                "$figure=$($merged.$figure)" | Should -Be "$figure=$($fromRows.$figure)"
            }
            $merged.Count | Should -Be 61
            $merged.FailuresByErrorId['HttpStatus'] | Should -Be 1
        }
    }
}

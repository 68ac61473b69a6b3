BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestSshd.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath

    # Only where sshd truly cannot run (not Linux/macOS, or OpenSSH missing and not installable):
    # build.ps1 Test installs OpenSSH when it runs as root, as in CI.
    $script:skipReason = Get-SshdUnavailableReason
    $script:sshd = $null
    $script:sessions = @()
    if (-not $skipReason) {
        $script:sshd = Start-TestSshd
        # Two "hosts" that are this machine under two names, each its own SSH connection and pwsh.
        $script:sessions = @(New-TestSshSession -Server $sshd -HostName 127.0.0.1, localhost)
    }

    # Nine hosts on one test server (127.0.0.1 and its loopback aliases), 30 items each, plus an HTTP
    # error and an input error.
    $hosts = @($server.Http) + @($server.Loopback)
    $script:uris = @(foreach ($i in 0..269) { "$($hosts[$i % $hosts.Count])/delay/$(($i * 7) % 40)?n=$i" }) + "$($server.Http)/status/404", 'not a uri'
}

AfterAll {
    if ($sessions) { $sessions | Remove-PSSession -ErrorAction SilentlyContinue }
    Stop-TestSshd $sshd
}

Describe 'Fan-out over PowerShell remoting (SSH to loopback)' -Tag Remoting {
    It 'runs one shard per host: every result comes back once, host-affine, and the shard summaries merge exactly' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }

        # The README's recipe: each session learns its shard once, then one Invoke-Command fans out.
        $n = $sessions.Count
        for ($i = 0; $i -lt $n; $i++) {
            Invoke-Command -Session $sessions[$i] { Import-Module $using:modulePath; $global:Shard = "$using:i/$using:n" }
        }
        $output = @(Invoke-Command -Session $sessions -ThrottleLimit $n {
                $using:uris | Invoke-AsyncWebBatch -Partition $Shard -FailuresAsResults -ThrottleLimit 16 | Tee-Object -Variable results
                $results | Measure-AsyncWebBatch
            })

        $results = @($output | Where-Object { $_.PSTypeNames[0] -eq 'Deserialized.AsyncWeb.WebBatchResult' })
        $summaries = @($output | Where-Object { $_.PSTypeNames[0] -eq 'Deserialized.AsyncWeb.Commands.WebBatchSummary' })
        $summaries | Should -HaveCount $n -Because 'each host summarised its own shard'

        # Complete and disjoint: every input position exactly once, over all hosts.
        $results | Should -HaveCount $uris.Count
        ($results.Index | Sort-Object) | Should -Be (0..($uris.Count - 1))
        $misplaced = $results | Where-Object { $_.Input -cne $uris[$_.Index] }
        $misplaced | Should -BeNullOrEmpty

        # Host-affine: each target host was served from exactly one worker, and both workers worked.
        $byHost = $results | Where-Object Uri | Group-Object { $_.Uri.Host }
        $byHost | Should -HaveCount (1 + $server.Loopback.Count)
        $split = $byHost | Where-Object { @($_.Group.PSComputerName | Sort-Object -Unique).Count -ne 1 } | ForEach-Object Name
        $split | Should -BeNullOrEmpty
        @($results.PSComputerName | Sort-Object -Unique) | Should -HaveCount $n

        # The fixed assignment holds on the remote side too: 127.0.0.1, .7 and .9 are shard 0 of 2.
        if ($n -eq 2 -and $server.Loopback.Count -eq 8) {
            $first = $sessions[0].ComputerName
            ($results | Where-Object { $_.Uri -and $_.PSComputerName -eq $first } | ForEach-Object { $_.Uri.Host } | Sort-Object -Unique) |
                Should -Be @('127.0.0.1', '127.0.0.7', '127.0.0.9')
        }
        # The item without a URI belongs to shard 0, which reports it.
        ($results | Where-Object Index -EQ ($uris.Count - 1)).PSComputerName | Should -Be $sessions[0].ComputerName

        # Summarised exactly: the merged shard summaries are the summary of every result that came back.
        $merged = $summaries | Measure-AsyncWebBatch
        $all = $results | Measure-AsyncWebBatch
        foreach ($figure in 'Count', 'Succeeded', 'Failed', 'Bytes', 'StatusHistogram', 'FailureSummary', 'MinMs', 'P50Ms', 'P90Ms', 'P99Ms', 'MaxMs', 'WallTime', 'RequestsPerSecond', 'StartTimeUtc', 'EndTimeUtc') {
            "$figure=$($merged.$figure)" | Should -Be "$figure=$($all.$figure)"
        }
        $merged.Count | Should -Be $uris.Count
        $merged.FailuresByErrorId['HttpStatus'] | Should -Be 1
        $merged.FailuresByErrorId['RelativeUriWithoutBase'] | Should -Be 1
        ($results | Out-String) | Should -Match 'Index\s+Status\s+Ms\s+Length\s+Error\s+Uri'
    }
}

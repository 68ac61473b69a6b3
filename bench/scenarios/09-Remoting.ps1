# 1 vs 2 workers over PowerShell remoting (SSH to loopback), one shard each, against nginx with a
# per-connection bandwidth limit
@{
    Title  = 'fan-out over remoting'
    Needs  = 'Nginx'
    Counts = @{
        Full  = @{ Remote = 128 }
        Quick = @{ Remote = 64 }
    }
    Notes = { "- Scenario 9: $(Format-Figure $counts.Remote) requests for a 256 KiB file that nginx sends at 128 KB/s per connection (limit_rate; the first 128 KB at once, so about 1 s each), split by -PartitionKey into one shard per worker; each worker is a pwsh behind a private sshd on 127.0.0.1 (PowerShell remoting over SSH), warmed up, with -ThrottleLimit 8. Wall time around Invoke-Command in this process; CPU time of the worker processes. Ratio: 1 worker's time over 2 workers'; the ideal counts waves: each connection serves one request a second, so ceil(all / 8) over ceil(largest shard / 8)." }
    Run    = {
        # Issue 15: "the wall time of 1 vs 2 remoting workers against a server whose per-connection bandwidth
        # is limited, so the speed-up comes from the fan-out and not from the CPU". Each worker is a pwsh
        # behind a private sshd on loopback (tests/TestSshd.psm1) with a fixed budget of 8 connections;
        # nginx sends /limited/ at 128 KB/s per connection (the first second's worth at once), so a 256 KiB
        # answer takes about a second and a worker is bound by its connections, not by the CPU (its CPU
        # time is recorded too).
        function Get-ProcessCpuSeconds([int[]] $Ids) {
            ($Ids | ForEach-Object { (Get-Process -Id $_ -ErrorAction SilentlyContinue).TotalProcessorTime.TotalSeconds } | Measure-Object -Sum).Sum
        }

        $s = $spec.Title
        $n = $counts.Remote
        # One host, so the split is by -PartitionKey: an even share for each worker whatever the host count.
        $items = @(0..($n - 1) | ForEach-Object { @{ Uri = "$($nginx.Base)/limited/limited.bin?n=$_"; Key = "item-$_" } })
        Import-Module (Join-Path $benchRoot '../tests/TestSshd.psm1') -Force
        Import-Module $moduleManifest   # here only to merge the workers' summaries
        if (-not $NoInstall) { Install-TestOpenSsh }
        $reason = Get-SshdUnavailableReason
        if ($reason) { throw "scenario 9 needs an sshd: $reason" }
        $sshd = Start-TestSshd
        $sessions = @()
        try {
            $sessions = @(New-TestSshSession -Server $sshd -HostName 127.0.0.1, localhost)
            $workerPids = @(foreach ($session in $sessions) {
                    Invoke-Command -Session $session {
                        $ProgressPreference = 'SilentlyContinue'
                        Import-Module $using:moduleManifest
                        # Warm: the first batch of a fresh pwsh pays for the JIT, not for the fan-out.
                        $null = "$($using:nginx.Base)/small.json" | Invoke-AsyncWebBatch
                        $PID
                    }
                })
            for ($r = 1; $r -le $Repeat; $r++) {
                Write-Host "== $s, repeat $r/$Repeat ($n x 256 KiB at 128 KB/s per connection, 8 connections per worker)" -ForegroundColor Cyan
                foreach ($workers in 1, 2) {
                    $used = $sessions[0..($workers - 1)]
                    for ($i = 0; $i -lt $workers; $i++) { Invoke-Command -Session $used[$i] { $global:Shard = "$using:i/$using:workers" } }
                    $cpuBefore = Get-ProcessCpuSeconds $workerPids
                    $watch = [System.Diagnostics.Stopwatch]::StartNew()
                    $summaries = @(Invoke-Command -Session $used -ThrottleLimit $workers {
                            $using:items | Invoke-AsyncWebBatch -Partition $Shard -PartitionKey Key -ThrottleLimit 8 -FailuresAsResults | Measure-AsyncWebBatch
                        })
                    $wall = $watch.Elapsed.TotalSeconds
                    $cpu = (Get-ProcessCpuSeconds $workerPids) - $cpuBefore
                    $merged = $summaries | Measure-AsyncWebBatch
                    if ($merged.Count -ne $n -or $merged.Failed -gt 0) { $notes.Add("scenario 9 with $workers worker(s), repeat $r`: $($merged.Count) results, $($merged.Failed) failed ($($merged.FailureSummary))") }
                    $label = if ($workers -eq 1) { '1 worker' } else { "$workers workers" }
                    Add-Figure $s "$label, wall time" $wall 's'
                    Add-Figure $s "$label, workers' CPU time (info)" $cpu 's'
                    Add-Figure $s "$label, largest shard (info)" ($summaries | Measure-Object -Property Count -Maximum).Maximum 'requests'
                }
            }
        }
        finally {
            if ($sessions) { $sessions | Remove-PSSession -ErrorAction SilentlyContinue }
            Stop-TestSshd $sshd
        }
    }
    Rows   = {
        $s = $spec.Title
        $one = Get-Figure $s '1 worker, wall time'
        $two = Get-Figure $s '2 workers, wall time'
        # The ideal speed-up of the split that was made: each of a worker's 8 connections serves one
        # request per ~1 s wave, so waves of all requests over waves of the largest shard.
        $ideal = [Math]::Ceiling($counts.Remote / 8) / [Math]::Ceiling((Get-Figure $s '2 workers, largest shard (info)') / 8)
        New-Row $s "1 worker (info: $(Format-Figure (Get-Figure $s '1 worker, workers'' CPU time (info)')) s of CPU)" $one 's'
        New-Row $s "2 workers (info: $(Format-Figure (Get-Figure $s '2 workers, workers'' CPU time (info)')) s of CPU; ideal speed-up of this split $(Format-Figure $ideal)×)" $two 's' ($one / $two) "≥ 0.9 × ideal ($(Format-Figure (0.9 * $ideal))×)" ($one / $two -ge 0.9 * $ideal)
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).Path

    # Runs $Script in another runspace (as a console user's pipeline) until the server has $InFlight requests
    # of it, stops it as Ctrl+C does, and checks that it returned promptly and left nothing running.
    function Stop-WhileRunning([scriptblock]$Script, [object[]]$ArgumentList, [int]$InFlight) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$modulePath'").AddStatement().AddScript($Script)
            foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
            $handle = $ps.BeginInvoke()
            Wait-Until { (Get-TestServerStats -Server $server).inFlight -ge $InFlight } -Because 'the batch is running'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            # Stop() can return a moment before the invocation's handle reads completed: wait for it, within the bound.
            # The bound is far below what the requests would take (a minute, or forever) and far above what a loaded
            # machine needs; how fast a stop is belongs in bench/.
            $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30)) | Should -BeTrue
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
            Wait-Until { (Get-TestServerStats -Server $server).inFlight -eq 0 } -TimeoutSec 30 -Because 'stopping cancels every request in flight'
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Stopping a batch' {
    BeforeEach {
        Wait-Until { (Get-TestServerStats -Server $server).inFlight -eq 0 } -Because 'earlier tests left nothing running'
    }

    It 'returns promptly when the runspace is stopped mid-batch, and cancels what is in flight' {
        Stop-WhileRunning -InFlight 16 -ArgumentList $base -Script {
            param($base)
            1..200 | ForEach-Object { "$base/delay/60000" } | Invoke-AsyncWebBatch -ThrottleLimit 16
        }
    }

    It 'returns promptly when stopped while a body read hangs mid-body, and when the silence limit passes' {
        # Windows PowerShell's streams ignore cancellation tokens: a hung read must still be interrupted.
        $uri = "$base/drip?bytes=1000&intervalMs=10&stallAfter=5"
        $timedOut = Invoke-AsyncWebBatch $uri -OperationTimeoutSec 0.5 -FailuresAsResults
        $timedOut.Error.ErrorId | Should -Be 'OperationTimeout'
        $timedOut.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'the stalled body never ends: only the silence limit ends it'

        Stop-WhileRunning -InFlight 1 -ArgumentList $uri -Script {
            param($uri)
            Invoke-AsyncWebBatch $uri -OperationTimeoutSec 0
        }
    }

    It 'cancels the rest when Select-Object -First has what it needs' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $inputs = @("$base/json") + (1..40 | ForEach-Object { "$base/delay/60000" })
        $first = $inputs | Invoke-AsyncWebBatch -ThrottleLimit 8 | Select-Object -First 1
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'the other requests would take a minute'
        $first.StatusCode | Should -Be 200
        Wait-Until { (Get-TestServerStats -Server $server).inFlight -eq 0 } -TimeoutSec 30 -Because 'the unneeded requests are cancelled'
    }

    It 'ends the batch at the first failure under -ErrorAction Stop and cancels the rest' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $inputs = @("$base/status/500") + (1..20 | ForEach-Object { "$base/delay/60000" })
        { $inputs | Invoke-AsyncWebBatch -ThrottleLimit 8 -ErrorAction Stop } | Should -Throw -ErrorId 'HttpStatus,*'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'the other requests would take a minute'
        Wait-Until { (Get-TestServerStats -Server $server).inFlight -eq 0 } -TimeoutSec 30 -Because 'the rest of the batch is cancelled'
    }

    It 'keeps memory bounded by reading upstream only as fast as results leave (at most 2 x ThrottleLimit items held)' {
        $script:produced = 0
        $script:maxAhead = 0
        $script:seen = 0
        & {
            foreach ($i in 1..300) {
                $script:produced++
                $ahead = $script:produced - $script:seen
                if ($ahead -gt $script:maxAhead) { $script:maxAhead = $ahead }
                "$base/delay/5"
            }
        } | Invoke-AsyncWebBatch -ThrottleLimit 4 | ForEach-Object { $script:seen++ }
        $script:seen | Should -Be 300
        # At most 2 x ThrottleLimit admitted and not yet taken (in flight, waiting to start, or finished and waiting for
        # the pipeline), plus the one being handed over.
        $script:maxAhead | Should -BeLessOrEqual 10
    }
}

Describe 'Running as a job' {
    It 'streams results to Receive-Job and completes' {
        $job = 1..5 | ForEach-Object { "$base/delay/100" } | Invoke-AsyncWebBatch -AsJob
        try {
            $job | Should -Not -BeNullOrEmpty
            $null = $job | Wait-Job -Timeout 30
            $job.State | Should -Be 'Completed'
            $results = $job | Receive-Job
            $results | Should -HaveCount 5
            $results[0].StatusCode | Should -Be 200
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    It 'ends as Failed, after delivering what it was sent, when the command feeding it throws' {
        $before = @(Get-Job | ForEach-Object Id)
        try {
            & { "$base/json?n=1"; "$base/json?n=2"; throw 'boom' } | Invoke-AsyncWebBatch -AsJob
        }
        catch {
            $_.Exception.Message | Should -Be 'boom'
        }

        $job = Get-Job | Where-Object { $_.Id -notin $before -and $_.PSJobTypeName -eq 'AsyncWebJob' }
        try {
            $job | Should -HaveCount 1
            $null = $job | Wait-Job -Timeout 30
            $job.State | Should -Be 'Failed'
            $results = @($job | Receive-Job -ErrorVariable jobErrors -ErrorAction SilentlyContinue)
            $results | Should -HaveCount 2
            $results.StatusCode | Should -Be @(200, 200)
            $jobErrors | Should -HaveCount 1
            $jobErrors[0].FullyQualifiedErrorId | Should -BeLike 'PipelineInputFailed*'
            $jobErrors[0].Exception.Message | Should -Be 'boom'
            "$($jobErrors[0])" | Should -Match 'after 2 item\(s\)'
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    It 'completes with what it was sent when Select-Object -First stops the pipeline after taking the job' {
        $job = "$base/json" | Invoke-AsyncWebBatch -AsJob | Select-Object -First 1
        try {
            $null = $job | Wait-Job -Timeout 30
            $job.State | Should -BeIn 'Completed'
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    It 'cancels the requests in flight on Stop-Job' {
        Wait-Until { (Get-TestServerStats -Server $server).inFlight -eq 0 } -Because 'earlier tests left nothing running'
        $job = 1..50 | ForEach-Object { "$base/delay/20000" } | Invoke-AsyncWebBatch -AsJob -ThrottleLimit 8
        try {
            Wait-Until { (Get-TestServerStats -Server $server).inFlight -ge 8 } -Because 'the job is running'
            $job | Stop-Job
            $job.State | Should -Be 'Stopped'
            Wait-Until { (Get-TestServerStats -Server $server).inFlight -eq 0 } -TimeoutSec 5 -Because 'Stop-Job cancels the requests'
        }
        finally {
            $job | Remove-Job -Force
        }
    }
}

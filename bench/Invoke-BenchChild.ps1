#requires -Version 7.4
<#
.SYNOPSIS
    One measurement in a fresh pwsh process, started by Invoke-Benchmark.ps1 (under /usr/bin/time -v,
    which records the process's peak RSS).
.DESCRIPTION
    Builds its inputs first, then times only the command being measured, and prints one line
    "BENCH-RESULT {json}" with seconds, count, errors and bytes. Modes:
      Bare           nothing (the cost of starting pwsh)
      Import         Import-Module AsyncWeb (the idle process of scenario 3, and scenario 6)
      Gets           $uris | Invoke-AsyncWebBatch -ThrottleLimit T | Measure-Object; -Warm repeats it in the same process;
                     -WarmCount N first runs an unmeasured batch of N requests to the same URL through a throwaway
                     New-AsyncWebSession (its own connection pool): the code is compiled, the measured batch still
                     opens its own connections; -SkipCertificateCheck and -HttpVersion are passed on;
                     -InProcessPeer then measures, in this process and settled, the same batch through -Uri $uris | Out-Null
                     (-InProcessPipeline: also $uris | Invoke-AsyncWebBatch | Out-Null) and a bare HttpClient loop
                     (InProcessPeer.cs: Count GETs, ThrottleLimit tasks, one handler). Each side first runs the same
                     unmeasured rounds, alternating, until the methods jitted during every side's run of a round fall
                     below -SettleJitMethods (at least -SettleRounds rounds, at most -SettleMaxRounds); then
                     -MeasuredRounds measured rounds (default 3) in the same rotation: seconds, bytes allocated, Monitor
                     lock contentions and time blocked on contended locks (the runtime's ContentionStop events), this
                     process's CPU time and the methods jitted during each run; each side's figure is the median over
                     its measured runs, each figure on its own (array*, pipe*, bare*; *Errors: the sum); measuredRounds,
                     measuredLog (each measured run as side+round:req/s:CPU us/req:B/req:contentions:blocked ms:jitted),
                     settleRounds, settleLastJitted and settleLog (each unmeasured run as side+round:jitted:CPU us/req:B/req)
      Stream         1..Count | ForEach-Object { $Uri } | Invoke-AsyncWebBatch ... | Measure-Object (inputs made lazily)
      Download       Invoke-AsyncWebBatch -Uri $Uri -OutFile $OutFile (-ComputeSha256 passed on)
      Directory      (lines of $ListFile) | Invoke-AsyncWebBatch -OutDirectory $OutDirectory -ThrottleLimit T | Measure-Object
      Parallel       1..Count | ForEach-Object -Parallel { Invoke-RestMethod $using:Uri } -ThrottleLimit T | Measure-Object
      Sequential     Invoke-RestMethod $Uri, Count times in a loop
      WebRequestFile Invoke-WebRequest -Uri $Uri -OutFile $OutFile
      Upload         Invoke-AsyncWebBatch -Uri $Uri -Method Put -InFile $InFile: bytes = BytesSent, received = the
                     body length the test server's /echo read
      WebRequestUpload Invoke-WebRequest -Uri $Uri -Method Put -InFile $InFile (received as above)
      Export         $Count GETs of $Uri held as results, then written by -Format Har (Export-AsyncWebHar), Report
                     (Export-AsyncWebReport) or Json (ConvertTo-Json -Depth 5) to $OutFile: seconds = the export alone,
                     allocatedMB, heldRssMB (before it) and peakRssMB (VmHWM after it)
      RateLimited    $uris | Invoke-AsyncWebBatch -RequestsPerSecond R -ThrottleLimit T; after the clock stops,
                     endSpan = the seconds from the first result's end (StartTime + Elapsed) to the last's
      PerHost        $uris | Invoke-AsyncWebBatch -ThrottleLimit T -MaximumRetryCount 50 with -ThrottleLimitPerHost P (when
                     given) or -AdaptiveThrottle; hostLimit = the HostLimit of the result that finished last
      Pages          (lines of $ListFile) | Invoke-AsyncWebBatch -FollowRelLink -ThrottleLimit T [-PageParameter page
                     with -PageParameter]: count = pages received
      ParallelPages  (lines of $ListFile) | ForEach-Object -Parallel { Invoke-RestMethod -FollowRelLink } -ThrottleLimit T:
                     count = pages received (IRM writes one object per JSON page)
      Mirror         (lines of $ListFile) | Invoke-AsyncWebBatch -OutDirectory $OutDirectory -IfChanged, twice: seconds
                     is the first run (everything downloaded), warmSeconds the second (nothing changed); skipped and
                     warmBodyBytes (the server's body bytes during the second run, from $StatsUri) describe the second
      Tracing        the warm cost of traces (scenario 18): Invoke-AsyncWebBatch -Uri $uris | Out-Null with tracing on (the
                     default traceparent), off (-NoTraceParent) and on with an ActivityListener sampling every source
                     (AllDataAndRecorded), interleaved over 3 rounds of Count/3 each (each round starting with another
                     variant) after an unmeasured warm-up of each:
                     seconds, allocated bytes and errors per variant (on*, off*, listener*), and listenerActivities
      Sweep          (lines of $ListFile) | Invoke-AsyncWebBatch -Resolve (lines of $ResolveFile) -ThrottleLimit T: one GET per
                     distinct name, each pinned like curl --resolve; after the clock stops, phased = the results that
                     carry their DNS and connect phases (and the TLS phase over https); -WarmCount N first runs an
                     unmeasured batch of the first N names renamed warm-h… (compiled code; no connection or TLS
                     session of the measured names)
      StreamArray    Invoke-AsyncWebBatch -Uri $Uri -Stream -StreamFormat JsonArray | Measure-Object: count = the array's
                     elements (the objects but the item's result); -Parse first reads each element's ContentObject
                     (PowerShell's JSON parser), which Measure-Object alone never asks for
      RestMethodArray (Invoke-RestMethod -Uri $Uri) | Measure-Object (Invoke-RestMethod writes a JSON array as one object)
    Progress is off ($ProgressPreference = 'SilentlyContinue') for every tool alike.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [ValidateSet('Bare', 'Import', 'Gets', 'Stream', 'Download', 'Directory', 'Parallel', 'Sequential', 'WebRequestFile', 'RateLimited', 'PerHost', 'Pages', 'ParallelPages', 'Mirror', 'Upload', 'WebRequestUpload', 'Export', 'Tracing', 'Sweep', 'StreamArray', 'RestMethodArray')]
    [string] $Mode,
    [string] $ModulePath,
    [string] $Uri,
    [int] $Count = 1,
    [int] $ThrottleLimit = 64,
    [string] $OutFile,
    [string] $InFile,
    [string] $OutDirectory,
    [string] $ListFile,
    [string] $ResolveFile,
    [double] $RequestsPerSecond,
    [switch] $Warm,
    [int] $WarmCount,
    [switch] $SkipCertificateCheck,
    [string] $HttpVersion,
    [string] $StatsUri,
    [string] $PageParameter,
    [switch] $ComputeSha256,
    [int] $ThrottleLimitPerHost,
    [switch] $AdaptiveThrottle,
    [switch] $InProcessPeer,
    [switch] $InProcessPipeline,
    [int] $SettleRounds = 3,
    [int] $SettleMaxRounds = 8,
    [int] $SettleJitMethods = 100,
    [ValidateRange(1, 25)]
    [int] $MeasuredRounds = 3,
    [ValidateSet('Har', 'Report', 'Json')]
    [string] $Format,
    [switch] $Parse
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$result = [ordered]@{ mode = $Mode; count = 0; errors = 0; seconds = 0.0; bytes = 0 }

function Write-Result {
    # Built by hand: ConvertTo-Json would auto-load Microsoft.PowerShell.Utility into the Bare and
    # Import processes and blur scenario 6.
    $parts = foreach ($key in $result.Keys) {
        $value = $result[$key]
        $text = if ($value -is [string]) { '"' + [System.Text.Json.JsonEncodedText]::Encode($value).ToString() + '"' }
                elseif ($null -eq $value) { 'null' }
                else { [System.Convert]::ToString($value, [System.Globalization.CultureInfo]::InvariantCulture) }
        '"' + $key + '":' + $text
    }
    'BENCH-RESULT {' + ($parts -join ',') + '}'
}

function Measure-Once([scriptblock] $Command) {
    # One measured command: its wall time and this process's CPU time go into $result; its output is returned.
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $cpu = $process.TotalProcessorTime
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = & $Command
    $result.seconds = $watch.Elapsed.TotalSeconds
    $process.Refresh()
    $result.cpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds
    $output
}

if ($Mode -eq 'Bare') {
    Write-Result
    return
}

# Measure-Object and Invoke-WebRequest live in Microsoft.PowerShell.Utility: load it before any clock
# starts, so no measured command pays for its auto-loading.
if ($Mode -ne 'Import') { Import-Module Microsoft.PowerShell.Utility }

$needsModule = $Mode -in 'Import', 'Gets', 'Stream', 'Download', 'Directory', 'RateLimited', 'PerHost', 'Pages', 'Mirror', 'Upload', 'Export', 'Tracing', 'Sweep', 'StreamArray'
if ($needsModule) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Import-Module $ModulePath
    $result.importMs = $watch.Elapsed.TotalMilliseconds
}

switch ($Mode) {
    'Import' { }

    'Sweep' {
        $uris = [System.IO.File]::ReadAllLines($ListFile)
        $pins = [System.IO.File]::ReadAllLines($ResolveFile)
        if ($WarmCount -gt 0) {
            $last = [Math]::Min($WarmCount, $uris.Count) - 1
            $null = $uris[0..$last] -replace '://', '://warm-' | Invoke-AsyncWebBatch -Resolve ($pins[0..$last] -replace '^', 'warm-') -ThrottleLimit $ThrottleLimit -ErrorVariable failedWarmUp -ErrorAction SilentlyContinue | Measure-Object
            if ($failedWarmUp.Count -gt 0) { $result.error = "warm-up: $($failedWarmUp[0])" }
        }
        $results = Measure-Once { $uris | Invoke-AsyncWebBatch -Resolve $pins -ThrottleLimit $ThrottleLimit -ErrorVariable failed -ErrorAction SilentlyContinue }
        $tls = $uris[0] -like 'https:*'
        $result.count = @($results).Count + $failed.Count
        $result.errors = $failed.Count
        if ($failed.Count -gt 0) { $result.error = "$($failed[0])" }
        $result.phased = @($results | Where-Object { $null -ne $_.DnsLookupMs -and $null -ne $_.ConnectMs -and (-not $tls -or $null -ne $_.TlsHandshakeMs) }).Count
        $result.reused = @($results | Where-Object ConnectionReused).Count
    }

    'Gets' {
        $uris = [string[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) { $uris[$i] = $Uri }
        $settings = @{ ThrottleLimit = $ThrottleLimit }
        if ($SkipCertificateCheck) { $settings.SkipCertificateCheck = $true }
        if ($HttpVersion) { $settings.HttpVersion = $HttpVersion }
        if ($WarmCount -gt 0) {
            $session = New-AsyncWebSession -SkipCertificateCheck:$SkipCertificateCheck
            $warmSettings = @{ ThrottleLimit = $ThrottleLimit; Session = $session }
            if ($HttpVersion) { $warmSettings.HttpVersion = $HttpVersion }
            $null = $uris[0..($WarmCount - 1)] | Invoke-AsyncWebBatch @warmSettings -ErrorVariable failedWarmUp -ErrorAction SilentlyContinue | Measure-Object
            if ($failedWarmUp.Count -gt 0) { $result.error = "warm-up: $($failedWarmUp[0])" }
        }
        $jitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
        $jitTime = [System.Runtime.JitInfo]::GetCompilationTime($false)
        # CPU time of this process too (all its threads): on a loaded machine it varies far less than wall time.
        # And the bytes allocated (all threads), which do not move with load at all.
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $cpu = $process.TotalProcessorTime
        $allocated = [GC]::GetTotalAllocatedBytes($true)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $measured = $uris | Invoke-AsyncWebBatch @settings -ErrorVariable failed -ErrorAction SilentlyContinue | Measure-Object
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.allocatedBytes = [GC]::GetTotalAllocatedBytes($true) - $allocated
        # Methods the JIT compiled during the measured call, and how long it took (all threads).
        $result.jitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jitMethods
        $result.jitMs = ([System.Runtime.JitInfo]::GetCompilationTime($false) - $jitTime).TotalMilliseconds
        $process.Refresh()
        $result.cpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds
        $result.count = $measured.Count + $failed.Count
        $result.errors = $failed.Count
        if ($failed.Count -gt 0) { $result.error = "$($failed[0])" }
        if ($Warm) {
            # The same batch again in the same session: connections are open and the code is jitted.
            $process.Refresh()
            $cpu = $process.TotalProcessorTime
            $allocated = [GC]::GetTotalAllocatedBytes($true)
            $watch.Restart()
            $measured = $uris | Invoke-AsyncWebBatch @settings -ErrorVariable failedWarm -ErrorAction SilentlyContinue | Measure-Object
            $result.warmSeconds = $watch.Elapsed.TotalSeconds
            $process.Refresh()
            $result.warmCpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds
            $result.warmAllocatedBytes = [GC]::GetTotalAllocatedBytes($true) - $allocated
            $result.warmErrors = $failedWarm.Count
        }
        if ($InProcessPeer) {
            # Like for like in this process: the engine's batch (-Uri, results to Out-Null; with -InProcessPipeline also
            # through the pipeline) against a bare HttpClient loop. Warm means settled: every side runs the same unmeasured
            # rounds first, the sides alternating (each round starts with the next side), until the runtime stopped
            # recompiling (the methods jitted during each side's run of a round below -SettleJitMethods, after at least
            # -SettleRounds rounds, at most -SettleMaxRounds); then -MeasuredRounds measured rounds in the same rotation, each
            # side's figures the medians over its runs. One unmeasured run each measured the runtime still tiering up the
            # engine's larger code; one measured round each was a coin toss (rounds of one side differ by 15-25% on 2 cores).
            Add-Type -Path (Join-Path $PSScriptRoot 'InProcessPeer.cs')
            $http2 = $HttpVersion -eq '2.0' -or ($Uri -like 'https:*' -and -not $HttpVersion)
            $client = [AsyncWebBench.BareLoop]::CreateClient($SkipCertificateCheck.IsPresent)
            $meter = [AsyncWebBench.ContentionMeter]::new()
            $runs = [ordered]@{
                array = { Invoke-AsyncWebBatch -Uri $uris @settings -ErrorVariable failedArray -ErrorAction SilentlyContinue | Out-Null; $failedArray.Count }
                bare  = { [AsyncWebBench.BareLoop]::Run($client, $Uri, $Count, $ThrottleLimit, $http2) }
            }
            if ($InProcessPipeline) {
                $runs.pipe = { $uris | Invoke-AsyncWebBatch @settings -ErrorVariable failedPipe -ErrorAction SilentlyContinue | Out-Null; $failedPipe.Count }
            }
            $sides = @($runs.Keys)
            $measure = {
                param([string] $Side)
                $jit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
                $allocated = [GC]::GetTotalAllocatedBytes($true)
                $contentions = [System.Threading.Monitor]::LockContentionCount
                $blocked = $meter.BlockedMilliseconds
                $process.Refresh()
                $cpu = $process.TotalProcessorTime
                $watch.Restart()
                $errors = & $runs[$Side]
                $seconds = $watch.Elapsed.TotalSeconds
                $process.Refresh()
                [ordered]@{
                    Seconds = $seconds
                    CpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds
                    AllocatedBytes = [GC]::GetTotalAllocatedBytes($true) - $allocated
                    Contentions = [System.Threading.Monitor]::LockContentionCount - $contentions
                    BlockedMs = $meter.BlockedMilliseconds - $blocked
                    Jitted = [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jit
                    Errors = [int]$errors
                }
            }
            # Each unmeasured run as side:jitted methods:CPU µs/req:B/req, so a reader sees what the rounds settled.
            $settleLog = [System.Collections.Generic.List[string]]::new()
            $round = 0
            do {
                $most = 0
                foreach ($k in 0..($sides.Count - 1)) {
                    $side = $sides[($k + $round) % $sides.Count]
                    $m = & $measure $side
                    $most = [Math]::Max($most, $m.Jitted)
                    $settleLog.Add(('{0}{1}:{2}:{3:0.0}:{4:0}' -f $side, ($round + 1), $m.Jitted, (1e6 * $m.CpuSeconds / $Count), ($m.AllocatedBytes / $Count)))
                }
                $round++
            } while ($round -lt $SettleRounds -or ($most -ge $SettleJitMethods -and $round -lt $SettleMaxRounds))
            $result.settleRounds = $round
            $result.settleLastJitted = $most
            $result.settleLog = $settleLog -join ' '
            # The measured rounds carry on the rotation, so each side goes first equally often as far as the counts allow.
            $runsOf = @{}
            foreach ($side in $sides) { $runsOf[$side] = [System.Collections.Generic.List[object]]::new() }
            $measuredLog = [System.Collections.Generic.List[string]]::new()
            for ($j = 0; $j -lt $MeasuredRounds; $j++) {
                foreach ($k in 0..($sides.Count - 1)) {
                    $side = $sides[($k + $round + $j) % $sides.Count]
                    $m = & $measure $side
                    $runsOf[$side].Add($m)
                    $measuredLog.Add(('{0}{1}:{2:0}:{3:0.0}:{4:0}:{5}:{6:0.0}:{7}' -f $side, ($j + 1), ($Count / $m.Seconds), (1e6 * $m.CpuSeconds / $Count), ($m.AllocatedBytes / $Count), $m.Contentions, $m.BlockedMs, $m.Jitted))
                }
            }
            # The median of each figure on its own (of seconds, so of the rates too); failures add up. BenchHelpers is
            # imported only now, after the measured rounds.
            Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1')
            foreach ($side in $sides) {
                foreach ($key in 'Seconds', 'CpuSeconds', 'AllocatedBytes', 'Contentions', 'BlockedMs', 'Jitted') {
                    $result["$side$key"] = Get-Median @($runsOf[$side] | ForEach-Object { [double]$_[$key] })
                }
                $result["$($side)Errors"] = [int](($runsOf[$side] | ForEach-Object { $_.Errors } | Measure-Object -Sum).Sum)
            }
            $result.measuredRounds = $MeasuredRounds
            $result.measuredLog = $measuredLog -join ' '
            $meter.Dispose()
            $client.Dispose()
        }
    }

    'Tracing' {
        Add-Type -TypeDefinition @'
using System.Diagnostics;
using System.Threading;
public sealed class BenchActivityListener : System.IDisposable {
    private readonly ActivityListener _listener;
    private long _stopped;
    public long Stopped { get { return Interlocked.Read(ref _stopped); } }
    public BenchActivityListener() {
        _listener = new ActivityListener {
            ShouldListenTo = source => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Interlocked.Increment(ref _stopped),
        };
        ActivitySource.AddActivityListener(_listener);
    }
    public void Dispose() { _listener.Dispose(); }
}
'@
        $part = [Math]::Max(1, [int]($Count / 3))
        $uris = [string[]]::new($part).ForEach({ $Uri })
        $warmUris = [string[]]::new([Math]::Max(1, [int]($part / 5))).ForEach({ $Uri })
        $variants = [ordered]@{ on = @{}; off = @{ NoTraceParent = $true }; listener = @{} }
        $listener = $null
        foreach ($name in $variants.Keys) { $result["$($name)Seconds"] = 0.0; $result["$($name)AllocatedBytes"] = 0L; $result["$($name)Errors"] = 0 }
        $names = @($variants.Keys)
        for ($round = 0; $round -le 3; $round++) {
            # Each round starts with another variant: whatever the previous batch leaves behind (garbage, a disposed
            # listener) falls on each of them once, not always on the first.
            foreach ($name in (0..2 | ForEach-Object { $names[($_ + $round) % 3] })) {
                $extra = $variants[$name]
                if ($name -eq 'listener') { $listener = [BenchActivityListener]::new() }
                try {
                    if ($round -eq 0) {
                        # Unmeasured: compiled code and open connections for every variant.
                        Invoke-AsyncWebBatch -Uri $warmUris -ThrottleLimit $ThrottleLimit @extra -ErrorAction SilentlyContinue | Out-Null
                        continue
                    }
                    $allocated = [GC]::GetTotalAllocatedBytes($true)
                    $watch = [Diagnostics.Stopwatch]::StartNew()
                    Invoke-AsyncWebBatch -Uri $uris -ThrottleLimit $ThrottleLimit @extra -ErrorVariable failedRun -ErrorAction SilentlyContinue | Out-Null
                    $result["$($name)Seconds"] += $watch.Elapsed.TotalSeconds
                    $result["$($name)AllocatedBytes"] += [GC]::GetTotalAllocatedBytes($true) - $allocated
                    $result["$($name)Errors"] += $failedRun.Count
                }
                finally {
                    if ($name -eq 'listener') { $result.listenerActivities = $listener.Stopped; $listener.Dispose() }
                }
            }
        }
        $result.count = $part * 3
        $result.errors = $result.onErrors + $result.offErrors + $result.listenerErrors
        $result.seconds = $result.onSeconds + $result.offSeconds + $result.listenerSeconds
    }

    'Stream' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $measured = 1..$Count | ForEach-Object { $Uri } |
            Invoke-AsyncWebBatch -ThrottleLimit $ThrottleLimit -ErrorVariable failed -ErrorAction SilentlyContinue |
            Measure-Object
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $measured.Count + $failed.Count
        $result.errors = $failed.Count
    }

    'Export' {
        # Scenario 17: a real batch's results, held, then written by one exporter; the export alone is timed, and
        # its allocations and the resident memory it added are counted (the held results are the same for each).
        $results = [System.Collections.Generic.List[object]]::new($Count)
        1..$Count | ForEach-Object { $Uri } | Invoke-AsyncWebBatch -ThrottleLimit $ThrottleLimit -FailuresAsResults | ForEach-Object { $results.Add($_) }
        $result.count = $results.Count
        $result.errors = @($results | Where-Object { -not $_.Success }).Count
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $status = [IO.File]::ReadAllText('/proc/self/status')
        $result.heldRssMB = [double]([regex]::Match($status, 'VmRSS:\s+(\d+)').Groups[1].Value) / 1024
        $allocated = [GC]::GetTotalAllocatedBytes($true)
        $null = Measure-Once {
            switch ($Format) {
                'Har' { $results | Export-AsyncWebHar -Path $OutFile }
                'Report' { $results | Export-AsyncWebReport -Path $OutFile }
                'Json' { $results | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue | Set-Content -LiteralPath $OutFile }
            }
        }
        $result.allocatedMB = ([GC]::GetTotalAllocatedBytes($true) - $allocated) / 1MB
        $status = [IO.File]::ReadAllText('/proc/self/status')
        $result.peakRssMB = [double]([regex]::Match($status, 'VmHWM:\s+(\d+)').Groups[1].Value) / 1024
        $result.bytes = [IO.FileInfo]::new($OutFile).Length
    }

    'Download' {
        $download = Measure-Once { Invoke-AsyncWebBatch -Uri $Uri -OutFile $OutFile -Force -FailuresAsResults -ComputeSha256:$ComputeSha256 }
        $result.count = 1
        $result.errors = [int](-not $download.Success)
        $result.bytes = if ([System.IO.File]::Exists($OutFile)) { [System.IO.FileInfo]::new($OutFile).Length } else { 0 }
        if (-not $download.Success) { $result.error = "$($download.Error)" }
        if ($download.Sha256) { $result.sha256 = $download.Sha256 }
    }

    'Directory' {
        $uris = [IO.File]::ReadAllLines($ListFile)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $measured = $uris | Invoke-AsyncWebBatch -OutDirectory $OutDirectory -Force -ThrottleLimit $ThrottleLimit -ErrorVariable failed -ErrorAction SilentlyContinue |
            Measure-Object -Property ContentLength -Sum
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $measured.Count + $failed.Count
        $result.errors = $failed.Count
        $result.bytes = [long]$measured.Sum
    }

    'Parallel' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        # -Parallel takes no -ErrorAction: each script block reports 1 (answered) or 0 (failed).
        $measured = 1..$Count | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
            try { $null = Invoke-RestMethod -Uri $using:Uri; 1 } catch { 0 }
        } | Measure-Object -Sum
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $measured.Count
        $result.errors = $measured.Count - [int]$measured.Sum
    }

    'Sequential' {
        $errors = 0
        $watch = [Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt $Count; $i++) {
            try { $null = Invoke-RestMethod -Uri $Uri } catch { $errors++ }
        }
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $Count
        $result.errors = $errors
    }

    'RateLimited' {
        $uris = [string[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) { $uris[$i] = $Uri }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = $uris | Invoke-AsyncWebBatch -RequestsPerSecond $RequestsPerSecond -ThrottleLimit $ThrottleLimit -ErrorVariable failed -ErrorAction SilentlyContinue
        $result.seconds = $watch.Elapsed.TotalSeconds
        $results = @($results)
        $result.count = $results.Count + $failed.Count
        $result.errors = $failed.Count
        # A result's StartTime is taken before the rate limiter's wait, so StartTime + Elapsed (its end;
        # a tiny answer ends well under a millisecond after it is sent) is the nearest client-side mark
        # of when it was let through.
        $first = [long]::MaxValue
        $last = [long]::MinValue
        foreach ($item in $results) {
            $end = $item.StartTime.UtcTicks + $item.Elapsed.Ticks
            if ($end -lt $first) { $first = $end }
            if ($end -gt $last) { $last = $end }
        }
        $result.endSpan = if ($results.Count -gt 1) { ($last - $first) / [TimeSpan]::TicksPerSecond } else { 0.0 }
    }

    'PerHost' {
        # A host that refuses what it cannot take (429 at once): refused items are retried quickly, as a client
        # that must get every item through would.
        $uris = [string[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) { $uris[$i] = "$Uri&n=$i" }
        $settings = @{ ThrottleLimit = $ThrottleLimit; MaximumRetryCount = 50; RetryIntervalSec = 0.01; MaximumRetryDelaySec = 0.1 }
        if ($ThrottleLimitPerHost -gt 0) { $settings.ThrottleLimitPerHost = $ThrottleLimitPerHost }
        if ($AdaptiveThrottle) { $settings.AdaptiveThrottle = $true }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = @($uris | Invoke-AsyncWebBatch @settings -ErrorVariable failed -ErrorAction SilentlyContinue)
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $results.Count + $failed.Count
        $result.errors = $failed.Count
        if ($failed.Count -gt 0) { $result.error = "$($failed[0])" }
        $last = $results | Sort-Object { $_.StartTimeUtc + $_.Elapsed } | Select-Object -Last 1
        $result.hostLimit = if ($last -and $null -ne $last.HostLimit) { [double]$last.HostLimit } else { 0.0 }
        $result.attempts = [double](($results | Measure-Object Attempts -Sum).Sum)
    }

    'Pages' {
        $uris = [IO.File]::ReadAllLines($ListFile)
        $paging = @{ FollowRelLink = $true; ThrottleLimit = $ThrottleLimit; ThrottleLimitPerHost = $ThrottleLimit }
        if ($PageParameter) { $paging.PageParameter = $PageParameter }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $measured = $uris | Invoke-AsyncWebBatch @paging -ErrorVariable failed -ErrorAction SilentlyContinue | Measure-Object
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $measured.Count + $failed.Count
        $result.errors = $failed.Count
        if ($failed.Count -gt 0) { $result.error = "$($failed[0])" }
    }

    'ParallelPages' {
        $uris = [IO.File]::ReadAllLines($ListFile)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        # One number per item: its pages, or -1 when it failed.
        $pages = $uris | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
            try { @(Invoke-RestMethod -Uri $_ -FollowRelLink).Count } catch { -1 }
        }
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.errors = @($pages | Where-Object { $_ -lt 0 }).Count
        $result.count = [int]($pages | Where-Object { $_ -ge 0 } | Measure-Object -Sum).Sum + $result.errors
    }

    'Mirror' {
        $uris = [IO.File]::ReadAllLines($ListFile)
        $settings = @{ OutDirectory = $OutDirectory; IfChanged = $true; ThrottleLimit = $ThrottleLimit }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $measured = $uris | Invoke-AsyncWebBatch @settings -ErrorVariable failed -ErrorAction SilentlyContinue | Measure-Object -Property ContentLength -Sum
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $measured.Count + $failed.Count
        $result.errors = $failed.Count
        $result.bytes = [long]$measured.Sum
        if ($failed.Count -gt 0) { $result.error = "$($failed[0])" }
        $before = (Invoke-RestMethod -Uri $StatsUri).bytesSent
        $watch.Restart()
        $again = @($uris | Invoke-AsyncWebBatch @settings -ErrorVariable failedWarm -ErrorAction SilentlyContinue)
        $result.warmSeconds = $watch.Elapsed.TotalSeconds
        $result.warmBodyBytes = (Invoke-RestMethod -Uri $StatsUri).bytesSent - $before
        $result.skipped = @($again | Where-Object SkipReason -eq 'NotModified').Count
        $result.warmErrors = $failedWarm.Count
    }

    'WebRequestFile' {
        $null = Measure-Once {
            try {
                Invoke-WebRequest -Uri $Uri -OutFile $OutFile
            }
            catch {
                $result.errors = 1
                $result.error = "$_"
            }
        }
        $result.count = 1
        $result.bytes = if ([System.IO.File]::Exists($OutFile)) { [System.IO.FileInfo]::new($OutFile).Length } else { 0 }
    }

    'Upload' {
        $upload = Measure-Once { Invoke-AsyncWebBatch -Uri $Uri -Method Put -InFile $InFile -FailuresAsResults }
        $result.count = 1
        $result.errors = [int](-not $upload.Success)
        $result.bytes = $upload.BytesSent
        $result.received = if ($upload.Success) { [long]$upload.ContentObject.bodyLength } else { 0 }
        if (-not $upload.Success) { $result.error = "$($upload.Error)" }
    }

    'StreamArray' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        # Straight into the pipeline: the elements are never collected.
        $measured = if ($Parse) {
            Invoke-AsyncWebBatch -Uri $Uri -Stream -StreamFormat JsonArray -ErrorVariable failed -ErrorAction SilentlyContinue |
                ForEach-Object { if ($_ -is [AsyncWeb.WebBatchStreamItem]) { $_.ContentObject } else { $_ } } | Measure-Object
        }
        else {
            Invoke-AsyncWebBatch -Uri $Uri -Stream -StreamFormat JsonArray -ErrorVariable failed -ErrorAction SilentlyContinue | Measure-Object
        }
        $result.seconds = $watch.Elapsed.TotalSeconds
        # Without a failure the item's result follows its elements; a failure is an error record instead.
        $result.count = $measured.Count - [int]($failed.Count -eq 0)
        $result.errors = $failed.Count
        if ($failed.Count) { $result.error = "$($failed[0])" }
    }

    'RestMethodArray' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        try { $result.count = ((Invoke-RestMethod -Uri $Uri) | Measure-Object).Count }
        catch {
            $result.errors = 1
            $result.error = "$_"
        }
        $result.seconds = $watch.Elapsed.TotalSeconds
    }

    'WebRequestUpload' {
        $response = Measure-Once {
            try {
                Invoke-WebRequest -Uri $Uri -Method Put -InFile $InFile
            }
            catch {
                $result.errors = 1
                $result.error = "$_"
            }
        }
        $result.count = 1
        $result.bytes = [System.IO.FileInfo]::new($InFile).Length
        $result.received = if ($response) { [long]($response.Content | ConvertFrom-Json).bodyLength } else { 0 }
    }
}

Write-Result

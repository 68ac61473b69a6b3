# Runs one drawn batch in a [powershell] instance with a deadline, as a console user's pipeline: a batch that
# outlives its bound is stopped and reported as a hang; Stop (Ctrl+C) and a journal kill are a Stop() once some
# results have come out.

$script:SoakRunspace = $null

function Get-SoakRunspace([string]$ModulePath) {
    # One runspace for every batch of the process: importing the module once keeps a seed at its batch's cost.
    if (-not $script:SoakRunspace -or $script:SoakRunspace.RunspaceStateInfo.State -ne 'Opened') {
        $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault()
        $state.ImportPSModule($ModulePath)
        $script:SoakRunspace = [runspacefactory]::CreateRunspace($state)
        $script:SoakRunspace.Open()
    }

    $script:SoakRunspace
}

function Close-SoakRunspace {
    if ($script:SoakRunspace) { $script:SoakRunspace.Dispose(); $script:SoakRunspace = $null }
}

function Invoke-SoakInstance {
    <#
    .SYNOPSIS
    Runs $Items | Invoke-AsyncWebBatch @Params (| Select-Object -First $First) and returns every stream, whether it
    was stopped, how long Stop took, and whether it hung past $BoundSec.
    #>
    param([Parameter(Mandatory)][string]$ModulePath, [object[]]$Items, [System.Collections.IDictionary]$Params,
        [double]$BoundSec, [int]$First, [int]$StopAfter, [psobject]$Server)

    $ps = [powershell]::Create()
    $ps.Runspace = Get-SoakRunspace $ModulePath
    $null = $ps.AddScript({
            param($Items, $Params, $First)
            if ($First -gt 0) { $Items | Invoke-AsyncWebBatch @Params | Select-Object -First $First }
            else { $Items | Invoke-AsyncWebBatch @Params }
        }).AddArgument($Items).AddArgument([hashtable]$Params).AddArgument($First)
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $run = [pscustomobject]@{
        Output = $output; Errors = $ps.Streams.Error; Streams = $ps.Streams; Hung = $false; Stopped = $false
        StopSec = 0.0; StopHung = $false; Terminating = $null; ElapsedSec = 0.0; InFlightAfter = 0
    }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    try {
        $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output)
        while (-not $handle.IsCompleted) {
            $stopNow = $StopAfter -gt 0 -and ($output.Count + $ps.Streams.Error.Count) -ge $StopAfter
            if ($watch.Elapsed.TotalSeconds -gt $BoundSec) { $run.Hung = $true; $stopNow = $true }
            if ($stopNow) {
                $run.Stopped = $true
                $stopWatch = [Diagnostics.Stopwatch]::StartNew()
                $stop = $ps.BeginStop($null, $null)
                # Stop() returns when the pipeline has ended; a Stop that hangs too is a failure of its own.
                if (-not $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(10))) { $run.StopHung = $true; Close-SoakRunspace; break }
                $run.StopSec = $stopWatch.Elapsed.TotalSeconds
                $null = $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(5))
                break
            }
            $null = $handle.AsyncWaitHandle.WaitOne(25)
        }
        $run.ElapsedSec = $watch.Elapsed.TotalSeconds
        if (-not $run.StopHung) {
            try { $ps.EndInvoke($handle) | Out-Null }
            catch [System.Management.Automation.PipelineStoppedException] { }
            catch { if (-not $run.Stopped) { $run.Terminating = $_.Exception } }
        }
    }
    finally {
        # Dispose clears the streams: keep copies.
        $run.Errors = @($ps.Streams.Error)
        $run.Streams = [pscustomobject]@{ Verbose = @($ps.Streams.Verbose); Warning = @($ps.Streams.Warning); Debug = @($ps.Streams.Debug); Information = @($ps.Streams.Information) }
        if (-not $run.StopHung) { $ps.Dispose() }
    }

    if ($Server) {
        # Whatever ended the batch, nothing of it may keep running on the server.
        $deadline = [Diagnostics.Stopwatch]::StartNew()
        do { $run.InFlightAfter = (Get-TestServerStats -Server $Server).inFlight; if ($run.InFlightAfter -eq 0) { break }; Start-Sleep -Milliseconds 50 }
        while ($deadline.Elapsed.TotalSeconds -lt 5)
    }
    $run
}

function Test-SoakResult($Value) { $null -ne $Value -and $Value.PSObject.TypeNames -contains 'AsyncWeb.WebBatchResult' }

function Get-SoakOutcome([psobject]$Run) {
    # Every outcome of the batch: results from the output, and the result each error record carries.
    $outcomes = [System.Collections.Generic.List[object]]::new()
    $stray = [System.Collections.Generic.List[object]]::new()
    foreach ($o in $Run.Output) { if (Test-SoakResult $o) { $outcomes.Add($o) } elseif (-not (Test-SoakUnit $o)) { $stray.Add($o) } }
    foreach ($e in $Run.Errors) { if (Test-SoakResult $e.TargetObject) { $outcomes.Add($e.TargetObject) } else { $stray.Add($e) } }
    [pscustomobject]@{ Results = $outcomes.ToArray(); Stray = $stray.ToArray() }
}

function Get-SoakServerLog([psobject]$Server, [string]$Key) {
    # Per "item/page": requests that arrived, and those answered without an injected fault; every arrival in order.
    $log = Invoke-RestMethod -Uri "$($Server.Http)/soak/$Key/log" -NoProxy -TimeoutSec 10
    $arrivals = @{}; $served = @{}
    foreach ($p in $log.arrivals.PSObject.Properties) { $arrivals[$p.Name] = [long]$p.Value }
    foreach ($p in $log.served.PSObject.Properties) { $served[$p.Name] = [long]$p.Value }
    [pscustomobject]@{ Arrivals = $arrivals; Served = $served; Requests = @($log.requests) }
}

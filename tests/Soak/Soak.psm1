#Requires -Version 7.0
# The combination soak: one seed draws one batch (SoakDraw.ps1), runs it against the test server's fault injection
# (SoakRun.ps1) and checks its invariants (SoakCheck.ps1). Used by tests/Soak.Tests.ps1 and ./build.ps1 Soak.

Set-StrictMode -Version Latest
$script:SoakProxies = $null
. (Join-Path $PSScriptRoot 'SoakDraw.ps1')
. (Join-Path $PSScriptRoot 'SoakRun.ps1')
. (Join-Path $PSScriptRoot 'SoakCheck.ps1')
. (Join-Path $PSScriptRoot 'SoakDrawMeet.ps1')
. (Join-Path $PSScriptRoot 'SoakCheckMeet.ps1')

function Test-SoakEnd([psobject]$Plan, [psobject]$Run) {
    # It ends within its bound, Stop returns promptly, nothing is left running, nothing but results and their errors.
    if ($Run.Hung) {
        $results = (Get-SoakOutcome $Run).Results
        $waiting = foreach ($expect in $Plan.Expect) {
            $mine = @($results | Where-Object Index -EQ $expect.Index)
            if (-not $mine) { "#$($expect.Index)" }
            elseif ($expect.Pages -gt $mine.Count -and -not ($mine | Where-Object { -not (Test-SoakDone $_) })) { "#$($expect.Index) ($($mine.Count) of $($expect.Pages) pages)" }
        }
        "the batch did not end within $($Plan.BoundSec) s (stopped as a hang; still waiting for $($waiting -join ', '))"
    }
    if ($Run.StopHung) { 'Stop() did not return within 10 s' }
    elseif ($Run.Stopped -and $Run.StopSec -gt 5) { "Stop() took $([Math]::Round($Run.StopSec, 1)) s" }
    if ($Run.Terminating) { "a terminating error: $($Run.Terminating.Message)" }
    if ($Run.InFlightAfter -gt 0) { "$($Run.InFlightAfter) requests still in flight on the server 5 s after the batch ended" }
    foreach ($stray in (Get-SoakOutcome $Run).Stray) { "an output or error that is not an item's outcome: $stray" }
}

function Test-SoakRerun {
    # A re-run with the same journal sends exactly what was not done: nothing journaled as done, everything else.
    param([psobject]$Plan, [object[]]$First, [object[]]$Second, [psobject]$Before, [psobject]$Middle, [psobject]$After)

    $fromJournal = @($Second | Where-Object FromJournal | ForEach-Object Index)
    foreach ($expect in $Plan.Expect) {
        $i = $expect.Index
        $sentFirst = 0; $sentAgain = 0; $served = 0
        foreach ($name in $After.Arrivals.Keys | Where-Object { $_ -like "$i/*" }) {
            $sentFirst += [long]$Middle.Arrivals[$name] - [long]$Before.Arrivals[$name]
            $sentAgain += $After.Arrivals[$name] - [long]$Middle.Arrivals[$name]
            $served += [long]$Middle.Served[$name] - [long]$Before.Served[$name]
        }
        $mine = @($First | Where-Object Index -EQ $i)
        # An item whose page count is unknown (a hostile next link) may have had more to come.
        $doneBefore = $mine -and -not ($mine | Where-Object { -not (Test-SoakDone $_) }) -and $null -ne $expect.Pages -and $mine.Count -eq $expect.Pages
        if ($i -eq $Plan.ChangeOnRerun) {
            if ($i -in $fromJournal) { "item $i ($($expect.Method)) changed its body for the re-run, yet came FromJournal and was not sent" }
            continue
        }
        if ($i -in $fromJournal) {
            if ($sentAgain -gt 0) { "item $i came FromJournal but was sent again ($sentAgain requests)" }
            if ($served -eq 0) { "item $i came FromJournal although the server never answered it in the killed run" }
        }
        else {
            if ($sentAgain -eq 0) { "item $i was not done in the killed run, yet the re-run did not send it" }
            if ($doneBefore) { "item $i succeeded in the killed run (every page emitted), yet the re-run did not take it from the journal" }
        }
    }
}

function Get-SoakProxies([psobject]$Server) {
    # The test server's loopback forward proxies, asked once per process.
    if (-not $script:SoakProxies) { $script:SoakProxies = @((Invoke-RestMethod -Uri "$($Server.Http)/proxies" -NoProxy -TimeoutSec 10).uri) }
    $script:SoakProxies
}

function Test-SoakMeetings([psobject]$Plan, [psobject]$Run, [object[]]$Results, [object[]]$Requests, [string]$Secret, [switch]$Rerun) {
    Test-SoakStreams -Plan $Plan -Output @($Run.Output) -Results $Results -Rerun:$Rerun
    Test-SoakUnitSecret -Output @($Run.Output) -Secret $Secret
    Test-SoakTraces -Plan $Plan -Requests $Requests -Results $Results
    Test-SoakHosts -Plan $Plan -Requests $Requests -Results $Results
}

function Invoke-SoakSeed {
    <#
    .SYNOPSIS
    Draws, runs and checks the batch of one seed; returns Seed, Plan (one line) and Problems (empty: it held).
    #>
    param([Parameter(Mandatory)][int]$Seed, [Parameter(Mandatory)][psobject]$Server, [Parameter(Mandatory)][string]$ModulePath)

    $secret = "soakSECRET$([guid]::NewGuid().ToString('n').Substring(0, 12))"
    $work = Join-Path ([IO.Path]::GetTempPath()) "asyncweb-soak-$Seed-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $work
    # Pins need PowerShell 7's connect callback: the netstandard2.0 build stops them with ConnectPinNotSupported.
    $plan = New-SoakPlan -Seed $Seed -Server $Server -Secret $secret -WorkDirectory $work -Proxies (Get-SoakProxies $Server) `
        -NoPins:($env:ASYNCWEB_LOAD_NETSTANDARD -eq '1')
    $problems = [System.Collections.Generic.List[string]]::new()
    try {
        $stopAfter = if ($plan.Cancel -in 'Stop', 'Kill') { [System.Random]::new($Seed).Next(1, [Math]::Max(2, $plan.Items.Count)) } else { 0 }
        $before = Get-SoakServerLog $Server $plan.Key
        $run = Invoke-SoakInstance -ModulePath $ModulePath -Items $plan.Items -Params $plan.Params -BoundSec $plan.BoundSec `
            -First $plan.First -StopAfter $stopAfter -Server $Server
        $middle = Get-SoakServerLog $Server $plan.Key
        $outcomes = Get-SoakOutcome $run
        $partial = $plan.Cancel -ne 'None' -or $run.Hung
        # -TotalTimeoutSec may end an attempt on its way; -Resume into -OutDirectory asks for the rest of a partial
        # file with a second request once the first response named the file: one attempt, two requests.
        # An event stream's reconnections are requests of the same attempt.
        $exact = -not $plan.Params.Contains('TotalTimeoutSec') -and -not ($plan.Params['Resume'] -and $plan.Params['OutDirectory']) -and
            -not ($plan.Expect | Where-Object { $_.Stream -and $_.Stream.Reconnects })
        $found = @(
            Test-SoakEnd $plan $run
            Test-SoakOutcomes -Plan $plan -Results $outcomes.Results -Output @($run.Output | Where-Object { Test-SoakResult $_ }) -Partial:$partial
            Test-SoakBodies -Plan $plan -Results $outcomes.Results -WorkDirectory $work -Partial:$partial
            Test-SoakSecret -Run $run -Results $outcomes.Results -Secret $secret -JournalPath $plan.Params['JournalPath']
            Test-SoakCounts -Plan $plan -Results $outcomes.Results -Before $before -After $middle -Exact:($exact -and -not $partial)
            Test-SoakMeetings -Plan $plan -Run $run -Results $outcomes.Results -Requests (Get-SoakRunRequests $before $middle) -Secret $secret
        )
        if ($plan.First -and $plan.Params['FailuresAsResults'] -and -not ($plan.Expect | Where-Object Stream) -and $run.Output.Count -ne [Math]::Min($plan.First, $plan.Items.Count) -and -not $run.Hung) {
            $found += "Select-Object -First $($plan.First) returned $($run.Output.Count) results"
        }
        $problems.AddRange([string[]]@($found | ForEach-Object { "$(if ($plan.Cancel -eq 'Kill') { 'killed run: ' })$_" }))

        if ($plan.Params.Contains('JournalPath') -and -not $run.StopHung) {
            # The same command again (after a kill, one POST item's body changes: other input, so it must be sent).
            $items = @($plan.Items | ForEach-Object { $_.Clone() })
            if ($plan.ChangeOnRerun -ge 0) { $items[$plan.ChangeOnRerun].Body = "{`"item`":$($plan.ChangeOnRerun),`"changed`":true}" }
            $rerun = Invoke-SoakInstance -ModulePath $ModulePath -Items $items -Params $plan.Params -BoundSec $plan.BoundSec -Server $Server
            $after = Get-SoakServerLog $Server $plan.Key
            $second = Get-SoakOutcome $rerun
            $found = @(
                Test-SoakEnd $plan $rerun
                Test-SoakOutcomes -Plan $plan -Results $second.Results -Output @($rerun.Output | Where-Object { Test-SoakResult $_ }) -Partial:$rerun.Hung
                Test-SoakBodies -Plan $plan -Results $second.Results -WorkDirectory $work -Partial:$rerun.Hung
                Test-SoakSecret -Run $rerun -Results $second.Results -Secret $secret -JournalPath $plan.Params['JournalPath']
                Test-SoakCounts -Plan $plan -Results $second.Results -Before $middle -After $after -Exact:($exact -and -not $rerun.Hung)
                Test-SoakMeetings -Plan $plan -Run $rerun -Results $second.Results -Requests (Get-SoakRunRequests $middle $after) -Secret $secret -Rerun
                if (-not $rerun.Hung) { Test-SoakRerun -Plan $plan -First $outcomes.Results -Second $second.Results -Before $before -Middle $middle -After $after }
            )
            $problems.AddRange([string[]]@($found | ForEach-Object { "re-run: $_" }))
        }
    }
    catch {
        $problems.Add("the soak itself failed: $_ at $($_.InvocationInfo.PositionMessage)")
    }
    finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    [pscustomobject]@{ Seed = $Seed; Plan = Format-SoakPlan $plan; Problems = $problems.ToArray() }
}

function Invoke-SoakRun {
    <#
    .SYNOPSIS
    Runs seeds (the given ones, else from a random start) until -Seconds pass; prints each failing seed and a closing
    line with how many ran and which failed. Returns the failed seeds.
    #>
    param([Parameter(Mandatory)][psobject]$Server, [Parameter(Mandatory)][string]$ModulePath, [double]$Seconds = 60, [int[]]$Seed)

    $watch = [Diagnostics.Stopwatch]::StartNew()
    $next = [System.Random]::new().Next(1, 1000000)
    $ran = 0
    $failed = [System.Collections.Generic.List[int]]::new()
    try {
        while ($watch.Elapsed.TotalSeconds -lt $Seconds) {
            if ($Seed -and $ran -ge $Seed.Count) { break }
            $current = if ($Seed) { $Seed[$ran] } else { $next + $ran }
            $result = Invoke-SoakSeed -Seed $current -Server $Server -ModulePath $ModulePath
            $ran++
            if ($result.Problems) {
                $failed.Add($current)
                Write-Host "seed $($current): $($result.Problems -join '; ') [$($result.Plan)]" -ForegroundColor Red
            }
            else { Write-Host "seed $($current): ok [$($result.Plan)]" }
        }
    }
    finally { Close-SoakRunspace }

    Write-Host ("Soak: {0} seeds in {1:N0} s, {2} failed{3}" -f $ran, $watch.Elapsed.TotalSeconds, $failed.Count, $(if ($failed.Count) { ": $($failed -join ', ')" }))
    , $failed.ToArray()
}

Export-ModuleMember -Function Invoke-SoakSeed, Invoke-SoakRun, Close-SoakRunspace, New-SoakPlan, Format-SoakPlan

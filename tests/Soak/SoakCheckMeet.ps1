# The invariants of the later draws (SoakDrawMeet.ps1): stream units, traceparent, pinned and proxied names.
# Each check returns the sentences of what broke (none: it held).

function Test-SoakUnit($Value) { $null -ne $Value -and $Value.PSObject.TypeNames -contains 'AsyncWeb.WebBatchStreamItem' }

function Test-SoakStreams {
    <#
    .SYNOPSIS
    Per item, its units leave in order (Sequence 1..k, unit k carrying n=k, nothing twice, no gap) and before its
    result; the result counts them (StreamItemCount); a stream that ended succeeded with every unit, one cut
    mid-way or with a unit over -MaximumStreamItemBytes did not succeed (a re-run finds the drops already spent); an
    item that does not stream emits no unit (a result without units may leave StreamItemCount unset).
    #>
    param([psobject]$Plan, [object[]]$Output, [object[]]$Results, [switch]$Rerun)

    $n = $Plan.Items.Count
    $position = @{}
    for ($p = 0; $p -lt $Output.Count; $p++) { if (Test-SoakResult $Output[$p]) { $position["$($Output[$p].Index)"] = $p } }
    $byItem = @{}
    for ($p = 0; $p -lt $Output.Count; $p++) {
        $u = $Output[$p]
        if (-not (Test-SoakUnit $u)) { continue }
        if ($u.Index -lt 0 -or $u.Index -ge $n) { "a stream unit for index $($u.Index), which no input item has"; continue }
        if (-not $byItem.ContainsKey("$($u.Index)")) { $byItem["$($u.Index)"] = [System.Collections.Generic.List[object]]::new() }
        $byItem["$($u.Index)"].Add($u)
        if ($position.ContainsKey("$($u.Index)") -and $position["$($u.Index)"] -lt $p) { "item $($u.Index): stream unit $($u.Sequence) came after the item's result" }
    }

    foreach ($e in $Plan.Expect) {
        $units = @(if ($byItem.ContainsKey("$($e.Index)")) { $byItem["$($e.Index)"].ToArray() })
        if (-not $e.Stream) {
            if ($units) { "item $($e.Index) does not stream, yet emitted $($units.Count) stream unit(s)" }
            continue
        }
        $sequences = @($units | ForEach-Object Sequence)
        if (($sequences -join ',') -ne $(if ($units) { (1..$units.Count) -join ',' } else { '' })) {
            "item $($e.Index) ($($e.Stream.Format)): stream units with Sequence $(($sequences | Select-Object -First 20) -join ','), not 1..$($units.Count)"
        }
        elseif ($e.Hostile -ne 'codings') {
            foreach ($u in $units) {
                if ($u.Data -notmatch "^\{`"item`":$($e.Index),`"n`":$($u.Sequence),") { "item $($e.Index) ($($e.Stream.Format)): unit $($u.Sequence) carries '$($u.Data.Substring(0, [Math]::Min(40, $u.Data.Length)))', not unit $($u.Sequence) of the item"; break }
            }
        }

        foreach ($r in $Results | Where-Object { $_.Index -eq $e.Index -and -not $_.FromJournal }) {
            if ([long]$r.StreamItemCount -ne $units.Count) { "item $($e.Index) ($($e.Stream.Format)): its result counts $($r.StreamItemCount) stream units, $($units.Count) were emitted" }
            if (-not (Test-SoakDone $r) -or $e.Stream.Endless) { continue }
            if ($e.Stream.TooBig) { "item $($e.Index) ($($e.Stream.Format)): succeeded although its units are larger than -MaximumStreamItemBytes" }
            elseif ($e.Stream.Cut -and -not $Rerun) { "item $($e.Index) ($($e.Stream.Format)): a stream dropped mid-way was reported as a success ($($units.Count) of $($e.Stream.Units) units)" }
            elseif ($units.Count -ne $e.Stream.Units) { "item $($e.Index) ($($e.Stream.Format)): succeeded with $($units.Count) stream units, $($e.Stream.Units) sent" }
        }
        if ($e.Stream.TooBig -and $units.Count) { "item $($e.Index) ($($e.Stream.Format)): emitted $($units.Count) unit(s) larger than -MaximumStreamItemBytes" }
    }
}

function Test-SoakUnitSecret([object[]]$Output, [string]$Secret) {
    foreach ($u in $Output | Where-Object { Test-SoakUnit $_ }) {
        if ("$u $($u.RedactedUri)".Contains($Secret)) { "the secret appears in a stream unit's ToString or RedactedUri"; break }
    }
}

function Get-SoakRunRequests([psobject]$Before, [psobject]$After) {
    # The arrivals of one run: those logged after the earlier snapshot.
    @($After.Requests | Select-Object -Skip @($Before.Requests).Count)
}

function Test-SoakTraces {
    <#
    .SYNOPSIS
    With -NoTraceParent no request carries a traceparent and no result a TraceId; otherwise every request carries a
    well-formed one of the batch's trace (-TraceParent's when given), each attempt a span of its own (an event
    stream's reconnections are requests of their attempt, with its span), and each result the trace and the span
    of one of its item's requests (-Resume's second request into -OutDirectory is of its attempt too).
    #>
    param([psobject]$Plan, [object[]]$Requests, [object[]]$Results)

    $Requests = @($Requests | Where-Object { $null -ne $_ }) # none: a re-run that took everything from the journal
    if ($Plan.Trace -eq 'Off') {
        $with = @($Requests | Where-Object TraceParent)
        if ($with) { "-NoTraceParent, yet $($with.Count) request(s) carried a traceparent (item $($with[0].Item))" }
        $traced = @($Results | Where-Object { $_.TraceId -or $_.SpanId })
        if ($traced) { "-NoTraceParent, yet item $($traced[0].Index) has TraceId '$($traced[0].TraceId)'" }
        return
    }

    $traces = @{}; $spans = @{}; $reconnecting = @{}
    # -Resume into -OutDirectory asks for the rest of a partial file with a second request of the same attempt.
    $resumes = $Plan.Params['Resume'] -and $Plan.Params['OutDirectory']
    foreach ($e in $Plan.Expect | Where-Object { $resumes -or ($_.Stream -and $_.Stream.Reconnects) }) { $reconnecting["$($e.Index)"] = $true }
    foreach ($request in $Requests) {
        if ($request.TraceParent -notmatch '^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$') { "item $($request.Item): traceparent '$($request.TraceParent)' is missing or malformed"; continue }
        $traces[$Matches[1]] = $true
        if ($spans.ContainsKey($Matches[2]) -and -not ($spans[$Matches[2]] -eq $request.Item -and $reconnecting.ContainsKey(($request.Item -split '/')[0]))) { "items $($spans[$Matches[2]]) and $($request.Item): two requests with one span id ($($Matches[2]))" }
        $spans[$Matches[2]] = $request.Item
    }
    if ($traces.Count -gt 1) { "the batch's requests carried $($traces.Count) trace ids, one expected" }
    if ($Plan.TraceId -and $traces.Count -and -not $traces.ContainsKey($Plan.TraceId)) { "-TraceParent's trace id was not sent" }
    foreach ($r in $Results | Where-Object { -not $_.FromJournal -and $_.Attempts -gt 0 }) {
        if (-not $traces.ContainsKey("$($r.TraceId)")) { "item $($r.Index): TraceId '$($r.TraceId)' is not the batch's"; continue }
        $item = $spans["$($r.SpanId)"]
        if (-not $item -or $item -notlike "$($r.Index)/*") { "item $($r.Index): SpanId '$($r.SpanId)' was not sent by one of its requests" }
    }
}

function Test-SoakHosts([psobject]$Plan, [object[]]$Requests, [object[]]$Results) {
    # A pinned or proxied item reached the server with the name it was given as Host; the soak draws no item that
    # its parameters refuse, so none fails as such.
    foreach ($r in $Results | Where-Object { $_.Error -and $_.Error.ErrorId -in 'ConflictingParameters', 'InvalidProxy', 'InvalidResolve', 'InvalidConnectTo', 'InvalidStreamFormat' }) {
        "item $($r.Index) was refused: $($r.Error.ErrorId): $($r.Error.Message)"
    }
    $hosts = @{}
    foreach ($e in $Plan.Expect | Where-Object Host) { $hosts["$($e.Index)"] = $e.Host }
    foreach ($request in $Requests) {
        $index = ($request.Item -split '/')[0]
        if ($hosts.ContainsKey($index) -and $request.Host -ne $hosts[$index]) { "item $($index): reached the server with Host '$($request.Host)', '$($hosts[$index])' expected"; $hosts.Remove($index) }
    }
}

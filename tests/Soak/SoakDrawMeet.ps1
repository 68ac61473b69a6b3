# The soak's later draws: what a batch's items meet besides pages, files and faults. Streams (-Stream, a Stream
# key per item, StreamFormat, -MaximumStreamItemBytes), pinned names (-Resolve, -ConnectTo, per item too), a proxy
# per item (Proxy, NoProxy) and traces (-TraceParent, -NoTraceParent). Drawn after everything else, so a seed keeps
# its earlier draws.

$script:SoakStreamFormats = @{ ndjson = 'JsonLines'; sse = 'ServerSentEvents'; array = 'JsonArray'; seq = 'JsonSequence'; lines = 'Lines' }

function Set-SoakItemUri([hashtable]$Item, [string]$Authority, [string]$PathAndQuery) {
    # Keeps the item's scheme and user info, changes its host:port and, when given, its path and query.
    $match = [regex]::Match($Item.Uri, '^(https?://)([^@/]+@)?([^/]+)(/.*)$')
    $Item.Uri = "$($match.Groups[1].Value)$($match.Groups[2].Value)$(if ($Authority) { $Authority } else { $match.Groups[3].Value })$(if ($PathAndQuery) { $PathAndQuery } else { $match.Groups[4].Value })"
}

function Add-SoakStreamDraw([psobject]$Plan, [System.Random]$Rng) {
    # Plain batches only: -Stream refuses pages and files. Every item, or some (a Stream key), answers from
    # /soak-stream in one of its formats; the middleware's mid-body faults become the stream's own drop.
    $params = $Plan.Params
    $batchWide = Test-SoakChance $Rng 0.4
    if ($batchWide) { $params.Stream = $true }
    if (Test-SoakChance $Rng 0.3) { $params.MaximumStreamItemBytes = 1000 }
    $retries = [int]$params['MaximumRetryCount']
    foreach ($e in $Plan.Expect) {
        $item = $Plan.Items[$e.Index]
        if ($batchWide -and (Test-SoakChance $Rng 0.15)) { $item.Stream = $false; continue }
        if (-not $batchWide -and -not (Test-SoakChance $Rng 0.5)) { continue }
        $format = Get-SoakPick $Rng 'ndjson', 'sse', 'sse', 'array', 'seq', 'lines'
        $units = if ($Plan.Cancel -in 'First', 'Stop' -and (Test-SoakChance $Rng 0.3)) { -1 } else { $Rng.Next(0, 12) }
        $unitBytes = if (Test-SoakChance $Rng 0.15) { 2000 } else { $Rng.Next(0, 300) }
        $query = ($item.Uri -split '\?', 2)[1]
        $drop = 0; $dropFailures = 0
        if ($query -match '&sFault=(reset|truncate)&sFailures=(\d+)') {
            $query = $query.Replace($Matches[0], '')
            if ($units -ge 2) { $drop = $Rng.Next(1, $units); $dropFailures = [int]$Matches[2] }
        }
        $dropQuery = if ($drop) { "&dropAfter=$drop&dropFailures=$dropFailures" } else { '' }
        Set-SoakItemUri $item $null "/soak-stream/$format`?units=$units&unitBytes=$unitBytes$dropQuery&$query"
        if (-not $batchWide) { $item.Stream = $true }
        if (Test-SoakChance $Rng 0.3) { $item.StreamFormat = $script:SoakStreamFormats[$format] }
        $tooBig = $params.Contains('MaximumStreamItemBytes') -and $unitBytes -gt $params['MaximumStreamItemBytes'] -and $units -ne 0
        # A stream cut mid-way fails, except an event stream that may reconnect (each connection brought events).
        $cut = $drop -gt 0 -and -not ($format -eq 'sse' -and $retries -ge 1)
        $e.Size = $null
        $e | Add-Member -NotePropertyName Stream -NotePropertyValue ([pscustomobject]@{
                Format = $format; Units = $units; Endless = $units -lt 0; TooBig = $tooBig; Cut = $cut -and -not $tooBig
                Reconnects = $format -eq 'sse' -and $retries -ge 1
            }) -Force
    }
}

function Add-SoakPinDraw([psobject]$Plan, [System.Random]$Rng, [psobject]$Server) {
    # Some items go to a made-up name pinned to the server: -Resolve or -ConnectTo, the batch's or the item's own.
    $port = ([uri]$Server.Http).Port
    $other = if ($Server.Loopback) { [uri]@($Server.Loopback)[0] } else { [uri]$Server.Http }
    $resolve = [System.Collections.Generic.List[string]]::new(); $connectTo = [System.Collections.Generic.List[string]]::new()
    foreach ($e in $Plan.Expect | Where-Object { -not $_.Host }) {
        if (-not (Test-SoakChance $Rng 0.6)) { continue }
        $name = "soak-$($Rng.Next(0, 3)).test"
        $item = $Plan.Items[$e.Index]
        Set-SoakItemUri $item "${name}:$port" $null
        $how = Get-SoakPick $Rng 'Resolve', 'Resolve', 'ConnectTo', 'ItemResolve', 'ItemConnectTo'
        switch ($how) {
            'Resolve' { if ("${name}:$($port):127.0.0.1" -notin $resolve) { $resolve.Add("${name}:$($port):127.0.0.1") } }
            'ConnectTo' { if ("${name}:$($port):$($other.Host):$($other.Port)" -notin $connectTo) { $connectTo.Add("${name}:$($port):$($other.Host):$($other.Port)") } }
            'ItemResolve' { $item.Resolve = "${name}:$($port):127.0.0.1" }
            'ItemConnectTo' { $item.ConnectTo = "${name}:$($port):$($other.Host):$($other.Port)" }
        }
        $e | Add-Member -NotePropertyName Host -NotePropertyValue "${name}:$port" -Force
    }
    if ($resolve.Count) { $Plan.Params.Resolve = $resolve.ToArray() }
    if ($connectTo.Count) { $Plan.Params.ConnectTo = $connectTo.ToArray() }
}

function Add-SoakProxyDraw([psobject]$Plan, [System.Random]$Rng, [psobject]$Server, [string[]]$Proxies) {
    # Some items through one of the server's loopback proxies by a .invalid name (which only a proxy reaches),
    # some with NoProxy.
    $port = ([uri]$Server.Http).Port
    foreach ($e in $Plan.Expect | Where-Object { -not $_.Host }) {
        $item = $Plan.Items[$e.Index]
        if (Test-SoakChance $Rng 0.5) {
            $name = "soak-$($e.Index).invalid"
            Set-SoakItemUri $item "${name}:$port" $null
            $item.Proxy = Get-SoakPick $Rng $Proxies
            $e | Add-Member -NotePropertyName Host -NotePropertyValue "${name}:$port" -Force
        }
        elseif (Test-SoakChance $Rng 0.3) { $item.NoProxy = $true }
    }
}

function Add-SoakMeetings {
    <#
    .SYNOPSIS
    Adds the later draws to a plan: streams, pins or per-item proxies, traces. Sets Trace (On, Off, Given) and
    TraceId on the plan, Stream and Host on the items' expectations.
    #>
    param([psobject]$Plan, [System.Random]$Rng, [psobject]$Server, [string[]]$Proxies, [switch]$NoPins)

    foreach ($e in $Plan.Expect) { $e | Add-Member -NotePropertyMembers @{ Stream = $null; Host = $null } -Force }
    if ($Plan.Mode -eq 'Plain' -and (Test-SoakChance $Rng 0.5)) { Add-SoakStreamDraw $Plan $Rng }
    $where = Get-SoakPick $Rng 'None', 'None', 'Pin', 'Proxy'
    if ($where -eq 'Pin' -and -not $NoPins) { Add-SoakPinDraw $Plan $Rng $Server }
    elseif ($where -eq 'Proxy' -and $Proxies) { Add-SoakProxyDraw $Plan $Rng $Server $Proxies }

    $trace = Get-SoakPick $Rng 'On', 'On', 'On', 'Off', 'Given'
    $traceId = $null
    if ($trace -eq 'Off') { $Plan.Params.NoTraceParent = $true }
    elseif ($trace -eq 'Given') {
        $traceId = -join (1..32 | ForEach-Object { '{0:x}' -f $Rng.Next(16) })
        $Plan.Params.TraceParent = "00-$traceId-$(-join (1..16 | ForEach-Object { '{0:x}' -f $Rng.Next(16) }))-01"
    }
    # Both: besides the proxied items, others (other names) pinned. Drawn last, so a seed keeps its earlier draws.
    if ($where -eq 'Proxy' -and $Proxies -and -not $NoPins -and (Test-SoakChance $Rng 0.5)) { $where = 'Both'; Add-SoakPinDraw $Plan $Rng $Server }
    $Plan | Add-Member -NotePropertyMembers @{ Trace = $trace; TraceId = $traceId; Where = $where } -Force

    # Streams add their units' writes (each waits sSlowMs) and reconnections to the bound.
    $extra = 0
    foreach ($e in $Plan.Expect | Where-Object Stream) {
        $slow = if ($Plan.Items[$e.Index].Uri -match 'sSlowMs=(\d+)') { [int]$Matches[1] } else { 0 }
        $extra += ([Math]::Max(0, $e.Stream.Units) + 3) * ($slow + 20) * 3 / 1000
    }
    $Plan.BoundSec = [Math]::Min(90, $Plan.BoundSec + $extra)
}

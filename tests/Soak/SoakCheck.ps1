# The invariants every soak batch must keep. Each check returns the sentences of what broke (none: it held).

$script:PatternHashes = @{}

function Get-PatternHash([long]$Size) {
    # SHA-256 of the test server's deterministic bytes: byte i is i % 251.
    if (-not $script:PatternHashes.ContainsKey($Size)) {
        $bytes = [byte[]]::new($Size)
        for ($i = 0; $i -lt $Size; $i++) { $bytes[$i] = $i % 251 }
        $script:PatternHashes[$Size] = [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($bytes))
    }
    $script:PatternHashes[$Size]
}

function Test-SoakDone($Result) {
    # Done as a user means it: succeeded, and not a 4xx/5xx let through by -SkipHttpErrorCheck.
    $Result.Success -and ($Result.FromJournal -or $Result.StatusCode -lt 400)
}

function Test-SoakOutcomes {
    <#
    .SYNOPSIS
    Every input item yields exactly one outcome per page: Index in range, page indexes 0..k-1 each once, k within the
    item's bound and exactly its page count when every page succeeded; -Ordered output in (Index, PageIndex) order.
    A partial batch (stopped, Select-Object -First) only may not duplicate or invent outcomes.
    #>
    param([psobject]$Plan, [object[]]$Results, [object[]]$Output, [switch]$Partial)

    $n = $Plan.Items.Count
    foreach ($group in $Results | Group-Object Index) {
        $index = [int]$group.Name
        if ($index -lt 0 -or $index -ge $n) { "an outcome for index $index, which no input item has"; continue }
        $expect = $Plan.Expect[$index]
        $pages = @($group.Group | ForEach-Object PageIndex | Sort-Object)
        $distinct = @($pages | Select-Object -Unique)
        if ($distinct.Count -ne $pages.Count) { "item $index has page indexes $($pages -join ',') (a page twice)"; continue }
        if ($pages.Count -gt $expect.MaxPages) { "item $index has $($pages.Count) outcomes, at most $($expect.MaxPages) expected" }
        if ($Partial) { continue }
        if (($pages -join ',') -ne ((0..($pages.Count - 1)) -join ',')) { "item $index has page indexes $($pages -join ','), not 0..$($pages.Count - 1)" }
        $failed = @($group.Group | Where-Object { -not (Test-SoakDone $_) })
        if (-not $failed -and $null -ne $expect.Pages -and -not ($group.Group | Where-Object FromJournal) -and $pages.Count -ne $expect.Pages) {
            "item $index succeeded with $($pages.Count) pages, $($expect.Pages) expected"
        }
    }

    if (-not $Partial) {
        $seen = @($Results | ForEach-Object Index | Select-Object -Unique)
        if ($seen.Count -ne $n) {
            $missing = 0..($n - 1) | Where-Object { $_ -notin $seen }
            "no outcome for item(s) $($missing -join ', ') of $n"
        }
    }

    if ($Plan.Params['Ordered']) {
        $previous = $null
        foreach ($r in $Output) {
            $position = [long]$r.Index * 100000 + $r.PageIndex
            if ($null -ne $previous -and $position -lt $previous) { "-Ordered output has #$($r.Index) page $($r.PageIndex) after a later one"; break }
            $previous = $position
        }
    }
}

function Test-SoakBodies {
    # Bodies are whole: an in-memory /bytes result has its size; a download's file has the server's length and SHA-256;
    # a failed download leaves no file; no temporary file outlives the batch; -Resume partials only for failed items.
    param([psobject]$Plan, [object[]]$Results, [string]$WorkDirectory, [switch]$Partial)

    foreach ($r in $Results | Where-Object { Test-SoakDone $_ }) {
        $expect = $Plan.Expect[$r.Index]
        if ($null -eq $expect.Size -or ($expect.Hostile -eq 'codings' -and -not $expect.File) -or ($r.Skipped -and -not $expect.File)) { continue }
        if ($expect.File) {
            if ($r.OutFile -ne $expect.File) { "item $($r.Index): OutFile '$($r.OutFile)', '$($expect.File)' expected"; continue }
            $file = Get-Item -LiteralPath $expect.File -Force -ErrorAction Ignore
            if (-not $file) { "item $($r.Index) succeeded but its file is missing"; continue }
            if ($file.Length -ne $expect.Size) { "item $($r.Index): file of $($file.Length) bytes, $($expect.Size) expected (truncated)"; continue }
            if ((Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash -ne (Get-PatternHash $expect.Size)) { "item $($r.Index): file content is not the server's bytes" }
        }
        elseif ($r.ContentLength -ne $expect.Size) { "item $($r.Index): $($r.ContentLength) bytes in memory, $($expect.Size) expected" }
    }

    if (-not $Partial) {
        $done = @($Results | Where-Object { Test-SoakDone $_ } | ForEach-Object Index)
        foreach ($expect in $Plan.Expect | Where-Object { $_.File -and $_.Index -notin $done }) {
            if (Test-Path -LiteralPath $expect.File) { "item $($expect.Index) failed but left a final file" }
        }
    }

    foreach ($temp in Get-ChildItem -LiteralPath $WorkDirectory -Recurse -Force -File -Filter '*.asyncweb-tmp' -ErrorAction Ignore) {
        "temporary file '$($temp.Name)' outlived the batch"
    }
    if (-not $Plan.Params['Resume']) {
        foreach ($partialFile in Get-ChildItem -LiteralPath $WorkDirectory -Recurse -Force -File -Filter '*.asyncweb-partial' -ErrorAction Ignore) {
            "partial file '$($partialFile.Name)' without -Resume"
        }
    }
}

function Test-SoakSecret {
    # No secret in any stream: results as text (ToString, the default table), errors (message, exception chain,
    # details, target), verbose, warning, debug and information records, nor in the journal file.
    param([psobject]$Run, [object[]]$Results, [string]$Secret, [string]$JournalPath)

    $texts = [System.Collections.Generic.List[object]]::new()
    foreach ($r in $Results) { $texts.Add(@('result ToString', $r.ToString())); if ($r.Error) { $texts.Add(@('result Error', "$($r.Error.Message)")) } }
    if ($Results) { $texts.Add(@('default table', ($Results | Out-String -Width 400))) }
    foreach ($e in $Run.Errors) {
        $texts.Add(@('error', "$e $($e.Exception) $($e.ErrorDetails) $($e.CategoryInfo) $($e.FullyQualifiedErrorId)"))
    }
    foreach ($stream in 'Verbose', 'Warning', 'Debug', 'Information') {
        foreach ($record in $Run.Streams.$stream) { $texts.Add(@($stream, "$record")) }
    }
    if ($Run.Terminating) { $texts.Add(@('terminating error', "$($Run.Terminating)")) }
    if ($JournalPath -and (Test-Path -LiteralPath $JournalPath)) { $texts.Add(@('journal file', (Get-Content -Raw -LiteralPath $JournalPath))) }
    foreach ($text in $texts) {
        if ("$($text[1])".Contains($Secret)) { "the secret appears in $($text[0])" }
    }
}

function Test-SoakCounts {
    # Counts add up: Measure-AsyncWebBatch counts what came out; the server saw as many requests as the results' Attempts.
    param([psobject]$Plan, [object[]]$Results, [psobject]$Before, [psobject]$After, [switch]$Exact)

    if ($Results) {
        $summary = $Results | Measure-AsyncWebBatch
        $failed = @($Results | Where-Object { -not $_.Success }).Count
        if ($summary.Count -ne $Results.Count) { "Measure-AsyncWebBatch counts $($summary.Count) of $($Results.Count) outcomes" }
        if ($summary.Failed -ne $failed) { "Measure-AsyncWebBatch counts $($summary.Failed) failures, the outcomes $failed" }
    }
    if (-not $Exact) { return }
    $sent = 0
    foreach ($name in $After.Arrivals.Keys) { $sent += $After.Arrivals[$name] - [long]$Before.Arrivals[$name] }
    $attempts = 0
    foreach ($r in $Results) { if (-not $r.FromJournal) { $attempts += $r.Attempts } }
    if ($sent -ne $attempts) { "the server received $sent requests, the results count $attempts attempts" }
}

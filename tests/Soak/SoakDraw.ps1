# Draws one soak batch from a seed: the cmdlet's parameters, the items (with the faults the test server injects
# for each, through query parameters) and what each item must yield. Nothing here talks to the server, so a seed
# always draws the same batch.

function Get-SoakPick([System.Random]$Rng, [object[]]$Choices) { $Choices[$Rng.Next($Choices.Count)] }
function Test-SoakChance([System.Random]$Rng, [double]$P) { $Rng.NextDouble() -lt $P }

function New-SoakPlan {
    <#
    .SYNOPSIS
    The batch of one seed: Mode (Pages, Download, Plain), Params (splatted onto Invoke-AsyncWebBatch), Items (input
    objects) and Expect (per item: Pages exact when every page succeeds, MaxPages, Size, File, Hostile), plus how the
    batch ends (Cancel: None, First, Stop, Kill for a journal kill and re-run) and its time bound.
    #>
    param([Parameter(Mandatory)][int]$Seed, [Parameter(Mandatory)][psobject]$Server, [Parameter(Mandatory)][string]$Secret,
        [Parameter(Mandatory)][string]$WorkDirectory, [string[]]$Proxies, [switch]$NoPins)

    $rng = [System.Random]::new($Seed)
    # Unique per run, not drawn: the server's fault counters live as long as it does, and a replay must start fresh.
    $key = "s$Seed-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    $hosts = @($Server.Http) + @($Server.Loopback | Select-Object -First 2)
    $mode = Get-SoakPick $rng 'Pages', 'Pages', 'Download', 'Download', 'Plain', 'Plain', 'Plain'
    $params = [ordered]@{ ThrottleLimit = (Get-SoakPick $rng 2, 4, 8, 16); Verbose = $true; OperationTimeoutSec = 10 }
    if (Test-SoakChance $rng 0.5) { $params.Ordered = $true }
    if (Test-SoakChance $rng 0.7) { $params.FailuresAsResults = $true }
    $retries = if (Test-SoakChance $rng 0.6) { $rng.Next(1, 4) } else { 0 }
    if ($retries) { $params.MaximumRetryCount = $retries; $params.RetryIntervalSec = Get-SoakPick $rng 0, 0.1, 0.3 }
    if (Test-SoakChance $rng 0.25) { $params.AdaptiveThrottle = $true; $params.MaximumThrottleLimitPerHost = Get-SoakPick $rng 2, 4, 8 }
    if (Test-SoakChance $rng 0.2) { $params.ThrottleLimitPerHost = $rng.Next(1, 5) }
    if (Test-SoakChance $rng 0.2) { $params.TotalTimeoutSec = Get-SoakPick $rng 1.5, 3, 5 }
    if (Test-SoakChance $rng 0.3) { $params.MaximumBufferSize = Get-SoakPick $rng 1MB, 2MB; $params.MaximumResponseSize = 2MB }

    # How the secret travels: a header, a token, a signature in the query, or the password of the URI.
    $secretIn = Get-SoakPick $rng 'Header', 'Token', 'Query', 'UserInfo'
    switch ($secretIn) {
        'Header' { $params.Headers = @{ Authorization = "Bearer $Secret"; 'X-Trace' = 'soak' } }
        'Token' { $params.Token = ConvertTo-SecureString $Secret -AsPlainText -Force; $params.AllowUnencryptedAuthentication = $true }
    }

    $cancel = Get-SoakPick $rng 'None', 'None', 'None', 'None', 'First', 'Stop', 'Kill'
    if ($cancel -eq 'Kill' -or (Test-SoakChance $rng 0.15)) {
        $params.JournalPath = Join-Path $WorkDirectory 'batch.journal'
        if ($cancel -ne 'Kill') { $cancel = 'None' }
        if (Test-SoakChance $rng 0.5) { $params.IdempotencyKey = $true }
    }

    $follow = $null
    if ($mode -eq 'Pages') {
        $follow = Get-SoakPick $rng 'Link', 'Link', 'Numbered', 'Next', 'Nested'
        switch ($follow) {
            'Link' { $params.FollowRelLink = $true }
            'Numbered' { $params.FollowRelLink = $true; $params.PageParameter = 'page' }
            'Next' { $params.NextLink = 'next' }
            'Nested' { $params.NextLink = 'links.next' }
        }
        if (Test-SoakChance $rng 0.25) { $params.MaximumFollowRelLink = $rng.Next(1, 4) }
    }
    elseif ($mode -eq 'Download') {
        $downloads = Join-Path $WorkDirectory 'files'
        $null = New-Item -ItemType Directory -Force -Path $downloads
        if (Test-SoakChance $rng 0.5) { $params.OutDirectory = $downloads }
        $params.Force = $true
        if (Test-SoakChance $rng 0.25) { $params.Resume = $true }
        $params.Remove('MaximumResponseSize')
    }

    $count = $rng.Next(3, 31)
    $items = [System.Collections.Generic.List[object]]::new()
    $expect = [System.Collections.Generic.List[object]]::new()
    $retryAfterItems = 0
    $slowMs = 0
    for ($i = 0; $i -lt $count; $i++) {
        $base = Get-SoakPick $rng $hosts
        if ($secretIn -eq 'UserInfo') { $base = $base -replace '^http://', "http://soak:$Secret@" }
        $query = "soak=$key&sItem=$i"
        if ($secretIn -eq 'Query') { $query += "&sig=$Secret" }
        if (Test-SoakChance $rng 0.35) {
            $fault = Get-SoakPick $rng 'reset', 'truncate', '429', '503'
            $query += "&sFault=$fault&sFailures=$($rng.Next(1, 3))"
            if ($fault -in '429', '503' -and (Test-SoakChance $rng 0.6)) { $query += "&sRetryAfter=$($rng.Next(0, 2))"; $retryAfterItems++ }
        }
        if (Test-SoakChance $rng 0.15) { $ms = $rng.Next(10, 80); $query += "&sSlowMs=$ms"; $slowMs += $ms }
        $hostile = $null
        if (Test-SoakChance $rng 0.12) {
            $hostile = Get-SoakPick $rng 'codings', 'ratelimit', 'link'
            if ($hostile -eq 'link' -and $follow -notin 'Link', 'Numbered') { $hostile = 'ratelimit' }
            $query += "&sHostile=$hostile&sCodings=$($rng.Next(2, 65))&sLink=$(Get-SoakPick $rng 'scheme', 'bad', 'empty', 'self')"
        }

        $e = [ordered]@{ Index = $i; Pages = 1; MaxPages = 1; Size = $null; File = $null; Hostile = $hostile; Method = 'GET' }
        $item = @{}
        switch ($mode) {
            'Pages' {
                if (Test-SoakChance $rng 0.75) {
                    $pages = $rng.Next(1, 6)
                    $size = if ($params.Contains('MaximumBufferSize')) { Get-SoakPick $rng 2, 30000, 60000 } else { Get-SoakPick $rng 2, 2, 500 }
                    $style = if ($follow -eq 'Nested') { 'nested' } else { 'next' }
                    $path = if ($follow -in 'Link', 'Numbered') { 'pages/link' } else { 'pages/json' }
                    $extra = if ($follow -eq 'Numbered') { '&last=1' } else { '' }
                    $item.Uri = "$base/$path`?count=$pages&size=$size&style=$style$extra&$query"
                    $max = if ($params.Contains('MaximumFollowRelLink')) { [Math]::Min($pages, $params['MaximumFollowRelLink']) } else { $pages }
                    $e.Pages = $max; $e.MaxPages = $max
                }
                else {
                    $item.Uri = "$base/json?$query"
                }
                if ($hostile -eq 'link') { $e.Pages = $null; $e.MaxPages = $e.MaxPages + 1 }
            }
            'Download' {
                $size = Get-SoakPick $rng 0, 1000, 70000, 300000, 1100000
                $e.Size = $size
                if ($params.Contains('OutDirectory')) {
                    $item.Uri = "$base/files/$key-$i`?size=$size&$query"
                    $e.File = Join-Path $params['OutDirectory'] "$key-$i"
                }
                else {
                    $item.Uri = "$base/bytes/$size`?$query"
                    $item.OutFile = $e.File = Join-Path $downloads "item-$i.bin"
                }
            }
            'Plain' {
                if (Test-SoakChance $rng 0.3) {
                    $item.Uri = "$base/echo?$query"; $item.Method = $e.Method = 'POST'; $item.Body = "{`"item`":$i,`"seed`":$Seed}"
                }
                else {
                    $size = Get-SoakPick $rng 0, 100, 5000, 200000
                    $item.Uri = "$base/bytes/$size`?$query"; $e.Size = $size
                }
            }
        }
        $items.Add($item)
        $expect.Add([pscustomobject]$e)
    }

    if ($items.Where({ $_["Method"] -eq "POST" }).Count -and $retries -and (Test-SoakChance $rng 0.5)) { $params.RetryAllMethods = $true }
    $first = if ($cancel -eq 'First') { $rng.Next(1, [Math]::Max(2, $count)) } else { 0 }
    # Draws added later come last, so the seeds named in reports keep their earlier draws.
    if ($mode -ne 'Download' -and (Test-SoakChance $rng 0.15)) { $params.SkipHttpErrorCheck = $true }
    # Generous: a hang is what this catches, not slowness. Retry-After and slow bodies add their worst case.
    $bound = 30 + 2 * $retryAfterItems * [Math]::Max(1, $retries) + $slowMs * 40 / 1000
    $plan = [pscustomobject]@{
        Seed = $Seed; Key = $key; Mode = $mode; Follow = $follow; Params = $params; Items = $items.ToArray(); Expect = $expect.ToArray()
        Cancel = $cancel; First = $first; SecretIn = $secretIn; BoundSec = [Math]::Min(90, $bound)
        ChangeOnRerun = if ($cancel -eq 'Kill') { $items.FindIndex({ param($x) $x["Method"] -eq "POST" }) } else { -1 }
    }
    Add-SoakMeetings -Plan $plan -Rng $rng -Server $Server -Proxies $Proxies -NoPins:$NoPins
    $plan
}

function Format-SoakPlan([psobject]$Plan) {
    # One line that says what was drawn, for a failure message.
    $p = ($Plan.Params.GetEnumerator() | Where-Object Key -NotIn 'Verbose', 'Headers', 'Token' | ForEach-Object {
            if ($_.Value -is [bool]) { "-$($_.Key)" } elseif ($_.Value -is [array]) { "-$($_.Key) $($_.Value -join ',')" } elseif ($_.Key -in 'JournalPath', 'OutDirectory') { "-$($_.Key) <dir>" } else { "-$($_.Key) $($_.Value)" } }) -join ' '
    $streams = @($Plan.Expect | Where-Object Stream | ForEach-Object { "#$($_.Index) $($_.Stream.Format) x$($_.Stream.Units)$(if ($_.Stream.TooBig) { ' big' })$(if ($_.Stream.Cut) { ' cut' })" })
    $meet = "$(if ($streams) { ", streams $($streams -join ' ')" })$(if ($Plan.Where -ne 'None') { ", $($Plan.Where) for $(@($Plan.Expect | Where-Object Host).Count) items" }), trace $($Plan.Trace)"
    "$($Plan.Mode)$(if ($Plan.Follow) { "/$($Plan.Follow)" }), $($Plan.Items.Count) items, cancel $($Plan.Cancel)$(if ($Plan.First) { " $($Plan.First)" }), secret in $($Plan.SecretIn)$($meet): $p"
}

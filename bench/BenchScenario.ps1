# What a scenario in bench/scenarios/ calls, dot-sourced by Invoke-Benchmark.ps1 into its scope: the
# figures and notes a run records, a child pwsh measured by /usr/bin/time, curl config files, the
# results-table row. BenchHelpers.psm1 holds what needs no run state (peers, servers, data, medians).

# One record per tool per repeat, and the notes results.md lists.
$figures = [System.Collections.Generic.List[object]]::new()
$notes = [System.Collections.Generic.List[string]]::new()

function Add-Figure([string] $Scenario, [string] $Tool, [double] $Value, [string] $Unit) {
    $figures.Add([pscustomobject]@{ Scenario = $Scenario; Tool = $Tool; Value = $Value; Unit = $Unit })
    Write-Host ('   {0,-46} {1,12} {2}' -f $Tool, (Format-Figure $Value), $Unit)
}

function Format-Count([long] $Value) { [string]::Format([System.Globalization.CultureInfo]::InvariantCulture, '{0:N0}', $Value) }

function Get-Figure([string] $Scenario, [string] $Tool) {
    $values = @($figures | Where-Object { $_.Scenario -eq $Scenario -and $_.Tool -eq $Tool } | ForEach-Object Value)
    if ($values.Count -eq 0) { return [double]::NaN }
    return Get-Median $values
}

function Confirm-Clean([string] $Label, $Measured, [long] $Expected) {
    $json = $Measured.Json
    if ($null -eq $json) { throw "$Label printed no result" }
    if ($json.errors -gt 0) { $notes.Add("$Label reported $($json.errors) failed request(s)$(if ($json.PSObject.Properties['error']) { ': ' + $json.error })") }
    if ($Expected -gt 0 -and $json.count -ne $Expected) { $notes.Add("$Label counted $($json.count) results, expected $Expected") }
}

function Invoke-Child {
    param([string] $Label, [hashtable] $Arguments, [double] $TimeoutSec = 900, [hashtable] $Environment = @{})
    $command = @($pwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $child)
    foreach ($entry in $Arguments.GetEnumerator()) {
        if ($entry.Value -is [switch] -or $entry.Value -is [bool]) {
            if ($entry.Value) { $command += "-$($entry.Key)" }
        }
        else { $command += "-$($entry.Key)", [string]$entry.Value }
    }
    Invoke-Measured -Command $command -TimeoutSec $TimeoutSec -Label $Label -Environment $Environment
}

function Write-CurlConfig([string] $Path, [string[]] $Urls, [string[]] $Outputs) {
    $lines = [System.Collections.Generic.List[string]]::new()
    for ($i = 0; $i -lt $Urls.Count; $i++) {
        $lines.Add("url = `"$($Urls[$i])`"")
        if ($Outputs) { $lines.Add("output = `"$($Outputs[$i])`"") }
    }
    [System.IO.File]::WriteAllLines($Path, $lines)
}

function Reset-Directory([string] $Path) {
    if (Test-Path -LiteralPath $Path) { Remove-Item -LiteralPath $Path -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $Path | Out-Null
    Sync-Disk
}

function Sync-Disk {
    # Untimed: the previous tool's dirty pages are written back now, not during the next tool's run.
    & sync
}

# One row of the results table; a scenario's Rows block returns them.
function New-Row([string] $Scenario, [string] $Tool, [double] $Median, [string] $Unit, [double] $Ratio = [double]::NaN, [string] $Target = '', $Pass = $null, [string] $RatioSuffix = '×') {
    [pscustomobject]@{ Scenario = $Scenario; Tool = $Tool; Median = $Median; Unit = $Unit; Ratio = $Ratio; RatioSuffix = $RatioSuffix; Target = $Target; Pass = $Pass }
}

# The engine against a bare HttpClient loop in the same pwsh (Invoke-BenchChild.ps1 -InProcessPeer), settled: each side
# after the same unmeasured rounds, alternating, until the runtime stopped recompiling, then -MeasuredRounds measured rounds
# in the same rotation (each figure the median of a side's measured runs). Throughput, CPU, bytes allocated and lock
# contention per request; with -InProcessPipeline the pipeline form too. Prefix names the workload ('' in scenario 1);
# every measured run goes into the notes.
function Add-InProcessFigure([string] $Scenario, [string] $Prefix, $Measured, [long] $Count) {
    $json = $Measured.Json
    foreach ($who in 'array', 'pipe', 'bare') {
        if (-not $json.PSObject.Properties["$($who)Seconds"]) { continue }
        $name = @{ array = 'AsyncWeb -Uri'; pipe = 'AsyncWeb pipeline'; bare = 'bare loop' }[$who]
        if ($json."$($who)Errors" -gt 0) { $notes.Add("$Prefix$name (same pwsh) reported $($json."$($who)Errors") failed request(s)") }
        Add-Figure $Scenario "$Prefix$name · req/s" ($Count / $json."$($who)Seconds") 'req/s'
        Add-Figure $Scenario "$Prefix$name · CPU" (1e6 * $json."$($who)CpuSeconds" / $Count) 'CPU µs/req'
        Add-Figure $Scenario "$Prefix$name · allocated" ($json."$($who)AllocatedBytes" / $Count) 'B/req'
        Add-Figure $Scenario "$Prefix$name · contentions" ($json."$($who)Contentions" / $Count) 'contentions/req'
        Add-Figure $Scenario "$Prefix$name · blocked" ($json."$($who)BlockedMs" * 1000 / $Count) 'µs/req'
        Add-Figure $Scenario "$Prefix$name · jitted" $json."$($who)Jitted" 'methods'
    }
    Add-Figure $Scenario "$($Prefix)settled · rounds" $json.settleRounds 'rounds'
    if ($json.PSObject.Properties['measuredRounds']) {
        Add-Figure $Scenario "$($Prefix)settled · measured rounds" $json.measuredRounds 'rounds'
        $notes.Add("$Scenario, $($Prefix)same pwsh, measured runs (side+round:req/s:CPU µs/req:B/req:contentions:blocked ms:jitted): $($json.measuredLog)")
    }
}

function New-InProcessRow([string] $Scenario, [string] $Prefix, [string] $Label) {
    $bare = Get-Figure $Scenario "$($Prefix)bare loop · req/s"
    if ([double]::IsNaN($bare)) { return }
    $rounds = Get-Figure $Scenario "$($Prefix)settled · rounds"
    $measured = Get-Figure $Scenario "$($Prefix)settled · measured rounds"
    $each = if ([double]::IsNaN($measured)) { 'one measured round' } else { "median of $([int]$measured) measured rounds" }
    $jitted = foreach ($who in 'AsyncWeb -Uri', 'AsyncWeb pipeline', 'bare loop') {
        $count = Get-Figure $Scenario "$Prefix$who · jitted"
        if (-not [double]::IsNaN($count)) { '{0} {1}' -f $who, (Format-Figure $count) }
    }
    New-Row $Scenario "$Label settled: unmeasured rounds per side before the measured ones, sides alternating; each side's figures the $each (info; methods jitted during a side's measured run, median: $($jitted -join ', '))" $rounds 'rounds'
    New-Row $Scenario "$Label bare HttpClient loop in the same pwsh (64 tasks, one SocketsHttpHandler), settled" $bare 'req/s'
    $forms = [ordered]@{ 'AsyncWeb -Uri' = 'AsyncWeb -Uri $uris | Out-Null'; 'AsyncWeb pipeline' = 'AsyncWeb $uris | Invoke-AsyncWebBatch | Out-Null' }
    foreach ($form in $forms.GetEnumerator()) {
        $rate = Get-Figure $Scenario "$Prefix$($form.Key) · req/s"
        if (-not [double]::IsNaN($rate)) { New-Row $Scenario "$Label $($form.Value), settled (ratio: over the bare loop)" $rate 'req/s' ($rate / $bare) '≥ 1.0×' ($rate / $bare -ge 1.0) }
    }
    $bareCpu = Get-Figure $Scenario "$($Prefix)bare loop · CPU"
    New-Row $Scenario "$Label CPU per request, all threads: bare loop (info)" $bareCpu 'CPU µs/req'
    foreach ($form in $forms.GetEnumerator()) {
        $cpu = Get-Figure $Scenario "$Prefix$($form.Key) · CPU"
        if (-not [double]::IsNaN($cpu)) { New-Row $Scenario "$Label CPU per request, all threads: $($form.Key) (info; ratio: the bare loop's over it)" $cpu 'CPU µs/req' ($bareCpu / $cpu) }
    }
    $bareBytes = Get-Figure $Scenario "$($Prefix)bare loop · allocated"
    $bytes = Get-Figure $Scenario "$($Prefix)AsyncWeb -Uri · allocated"
    New-Row $Scenario "$Label allocated per request: bare loop" $bareBytes 'B/req'
    New-Row $Scenario "$Label allocated per request: AsyncWeb -Uri (ratio: over the bare loop)" $bytes 'B/req' ($bytes / $bareBytes) '≤ 1.9×' ($bytes / $bareBytes -le 1.9)
    $pipeBytes = Get-Figure $Scenario "$($Prefix)AsyncWeb pipeline · allocated"
    if (-not [double]::IsNaN($pipeBytes)) { New-Row $Scenario "$Label allocated per request: AsyncWeb pipeline (info; ratio: over the bare loop)" $pipeBytes 'B/req' ($pipeBytes / $bareBytes) }
    foreach ($who in 'bare loop', 'AsyncWeb -Uri') {
        $blocked = Get-Figure $Scenario "$Prefix$who · blocked"
        $contentions = Get-Figure $Scenario "$Prefix$who · contentions"
        New-Row $Scenario "$Label lock contention per request: $who ($(Format-Figure ($contentions * 1000)) contended Monitor entries per 1,000 requests; time blocked)" $blocked 'µs/req'
    }
}

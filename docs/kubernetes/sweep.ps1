#requires -Version 7.4
<#
.SYNOPSIS
    One shard of a sweep, as one pod of a Kubernetes Indexed Job runs it.
.DESCRIPTION
    Every pod reads the same list and keeps its share: -Partition '*/N' takes the shard from
    $env:JOB_COMPLETION_INDEX (0 to N-1, set by Kubernetes) and assigns URLs by host with a fixed hash,
    so the N pods together request every URL once and each host is swept by one pod only.
    Writes <ResultDirectory>/shard-<i>-of-<N>.csv (the columns Measure-AsyncWebBatch reads exactly,
    renamed into place when complete) and shard-<i>-of-<N>.summary.xml (the shard's summary, for an
    exact merge), and prints the summary as one JSON line to the pod's log. Failed requests are rows
    of the CSV, not a failed pod; a bad shard or a missing file fails the pod (exit code 1).
.EXAMPLE
    # After the Job completes, from anywhere that mounts the results volume:
    Get-ChildItem /results/*.summary.xml | Import-Clixml | Measure-AsyncWebBatch
#>
[CmdletBinding()]
param(
    [string] $UrlList = '/config/urls.txt',
    [string] $ResultDirectory = '/results',
    # Must equal the Job's completions (and parallelism).
    [int] $Shards = [int]$env:SHARDS,
    [string] $Module = 'AsyncWeb'
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module

$name = 'shard-{0}-of-{1}' -f $env:JOB_COMPLETION_INDEX, $Shards
$csv = Join-Path $ResultDirectory "$name.csv"
$partial = "$csv.partial"

Get-Content -LiteralPath $UrlList |
    Where-Object { $_.Trim() -and -not $_.StartsWith('#') } |
    Invoke-AsyncWebBatch -Partition "*/$Shards" -ThrottleLimit 64 -ThrottleLimitPerHost 8 -TimeoutSec 30 -MaximumRetryCount 2 -FailuresAsResults |
    Select-Object Index, Uri, StatusCode, Success, ErrorId, ElapsedMs, Elapsed,
        @{ Name = 'StartTimeUtc'; Expression = { $_.StartTimeUtc.ToString('o') } }, ContentLength, Skipped, Attempts |
    Export-Csv -LiteralPath $partial
Move-Item -LiteralPath $partial -Destination $csv -Force

$summary = Import-Csv -LiteralPath $csv | Measure-AsyncWebBatch
$summary | Export-Clixml -LiteralPath (Join-Path $ResultDirectory "$name.summary.xml")
$summary | Select-Object @{ Name = 'Shard'; Expression = { $name } }, Count, Succeeded, Failed, FailureSummary, StatusHistogram, P50Ms, P99Ms,
    @{ Name = 'WallTimeSec'; Expression = { [math]::Round($_.WallTime.TotalSeconds, 3) } } |
    ConvertTo-Json -Compress

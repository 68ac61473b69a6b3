#requires -Version 7.4
<#
.SYNOPSIS
    Compares the plain-GET throughput of module builds in one run, so a refactoring can show it cost nothing.
.DESCRIPTION
    Starts the project's test server once, then for each repeat runs every build in turn, each in a fresh
    pwsh (Invoke-BenchChild.ps1 -Mode Gets -Warm): Count GETs of /json at -ThrottleLimit, the first call
    (JIT included) and the same call again in that process, as requests per second and as the client
    process's CPU time per request (which a loaded, shared machine disturbs far less than wall time).
    Builds alternate within a repeat so machine load affects them alike; the table shows the medians. Lay out a build to compare with,
    e.g. main's: git archive main | tar -x -C /tmp/main; then build.ps1 Build there, and pass
    /tmp/main/out/AsyncWeb and ./out/AsyncWeb.
.EXAMPLE
    dotnet pwsh -NoProfile bench/Compare-Builds.ps1 -ModulePath /tmp/main/out/AsyncWeb,./out/AsyncWeb -Count 20000 -Repeat 5
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string[]] $ModulePath,
    [int] $Count = 20000,
    [int] $Repeat = 3,
    [int] $ThrottleLimit = 64
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/TestHelpers.psm1') -Force
# From bash (pwsh -File), a comma list arrives as one string.
$paths = $ModulePath -split ',' | Where-Object { $_ } | ForEach-Object { (Resolve-Path $_).ProviderPath }
$pwsh = @(Get-PwshCommand)
$server = Start-TestServer
try {
    $uri = "$($server.Http)/json"
    $runs = foreach ($round in 1..$Repeat) {
        foreach ($path in $paths) {
            $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $PSScriptRoot 'Invoke-BenchChild.ps1'),
                '-Mode', 'Gets', '-ModulePath', $path, '-Uri', $uri, '-Count', $Count, '-ThrottleLimit', $ThrottleLimit, '-Warm')
            $line = & $pwsh[0] @arguments | Where-Object { $_ -like 'BENCH-RESULT *' } | Select-Object -Last 1
            $result = $line.Substring('BENCH-RESULT '.Length) | ConvertFrom-Json
            if ($result.errors -or $result.warmErrors) { throw "$path had $($result.errors + $result.warmErrors) failed requests" }
            [pscustomobject]@{
                Build = $path; Round = $round
                First = $Count / $result.seconds; Warm = $Count / $result.warmSeconds
                FirstCpu = 1e6 * $result.cpuSeconds / $Count; WarmCpu = 1e6 * $result.warmCpuSeconds / $Count
            }
        }
    }

    $runs | Format-Table Round, Build, @{ n = 'First req/s'; e = { '{0:N0}' -f $_.First } }, @{ n = 'Warm req/s'; e = { '{0:N0}' -f $_.Warm } },
        @{ n = 'First CPU µs/req'; e = { '{0:N1}' -f $_.FirstCpu } }, @{ n = 'Warm CPU µs/req'; e = { '{0:N1}' -f $_.WarmCpu } } | Out-Host
    foreach ($path in $paths) {
        $mine = $runs | Where-Object Build -EQ $path
        [pscustomobject]@{
            Build              = $path
            'First req/s'      = [int](Get-Median $mine.First)
            'Warm req/s'       = [int](Get-Median $mine.Warm)
            'First CPU µs/req' = [math]::Round((Get-Median $mine.FirstCpu), 1)
            'Warm CPU µs/req'  = [math]::Round((Get-Median $mine.WarmCpu), 1)
        }
    }
}
finally {
    Stop-TestServer
}

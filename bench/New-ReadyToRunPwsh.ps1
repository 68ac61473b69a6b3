#requires -Version 7.4
<#
.SYNOPSIS
    Makes a copy of this pwsh whose assemblies are ReadyToRun-compiled, as the official PowerShell
    packages ship them (the .NET-tool pwsh that `dotnet pwsh` runs ships IL only and JIT-compiles
    everything it runs).
.DESCRIPTION
    On demand, not in CI. Copies $PSHOME to -Destination and compiles every IL-only managed assembly in
    it (pwsh.dll, System.Management.Automation and the rest) with the crossgen2 pack the SDK picks for
    this runtime (build/ReadyToRun.psm1), against the shared framework the running pwsh uses. Bench runs
    started from the copy run their children in it:

        dotnet <Destination>/pwsh.dll -NoProfile bench/Invoke-Benchmark.ps1 -ModulePath out/AsyncWeb -Quick -Scenario 1,6

    Takes several minutes on 2 cores; assemblies already ReadyToRun are copied as they are.
.PARAMETER Destination
    The folder for the copy (default bench/work/pwsh-r2r); replaced if it exists.
#>
[CmdletBinding()]
param(
    [string] $Destination = (Join-Path $PSScriptRoot 'work/pwsh-r2r')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot '../build/ReadyToRun.psm1') -Force

$crossgen = Get-Crossgen2
Write-Host "crossgen2: $crossgen"
if (Test-Path $Destination) { Remove-Item -Recurse -Force $Destination }
Copy-Item -Recurse $PSHOME $Destination

# Inputs from $PSHOME (crossgen2 refuses an input that a reference glob names again), references from the
# copy, outputs to a folder of their own, then over the copies.
$watch = [System.Diagnostics.Stopwatch]::StartNew()
$inputs = Get-ChildItem -LiteralPath $PSHOME -Filter *.dll -File | Where-Object { Test-IlOnly $_.FullName } | ForEach-Object FullName
$staging = "$Destination.compiled"
$compiled = @(Invoke-Crossgen2 -Crossgen2 $crossgen -Path $inputs -Destination $staging -Reference "$Destination/*.dll")
Move-Item -Force $compiled $Destination
Remove-Item -Recurse -Force $staging
Write-Host ("{0} of {1} IL assemblies ReadyToRun-compiled in {2:N0} s: run dotnet {3}" -f $compiled.Count, @($inputs).Count, $watch.Elapsed.TotalSeconds, (Join-Path $Destination 'pwsh.dll'))

#requires -Version 7.4
<#
.SYNOPSIS
    Packs the laid-out module into <Destination>/AsyncWeb.<version>.nupkg with PSResourceGet's own commands.
.DESCRIPTION
    Checks the manifest with Test-ModuleManifest, then lets PSResourceGet build the package, so the nuspec
    comes from the manifest and the module's files sit at the package root, as the PowerShell Gallery
    expects: Compress-PSResource where this PSResourceGet has it (1.1 and later), else Publish-PSResource to
    a temporary local file repository, registered under a unique name and unregistered afterwards whatever
    happens. Earlier AsyncWeb.<version>.nupkg files in Destination are removed first, so that a local
    repository of the folder offers exactly this package. Returns the package file.
.EXAMPLE
    ./module/New-Package.ps1 -ModulePath ./out/AsyncWeb -Destination ./out
#>
[CmdletBinding()]
param(
    # The laid-out module folder (manifest at its top).
    [Parameter(Mandatory)]
    [string] $ModulePath,

    # The folder that receives the package.
    [Parameter(Mandatory)]
    [string] $Destination,

    # Auto: Compress-PSResource when available. Publish forces the route older PSResourceGet releases take.
    [ValidateSet('Auto', 'Compress', 'Publish')]
    [string] $Using = 'Auto'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)
$manifest = Test-ModuleManifest -Path (Join-Path $ModulePath 'AsyncWeb.psd1')
$fileName = "AsyncWeb.$($manifest.Version).nupkg"

# PSResourceGet keeps its repository list under LocalApplicationData, and the NuGet code behind
# Publish-PSResource its settings under ApplicationData. .NET reports such a folder as '' while it does not
# exist (a fresh HOME, as in CI), and the file then lands in the current directory: create them first.
foreach ($folder in 'LocalApplicationData', 'ApplicationData') {
    $path = [Environment]::GetFolderPath($folder, [Environment+SpecialFolderOption]::DoNotVerify)
    if ($path) { New-Item -ItemType Directory -Force -Path $path | Out-Null }
}

New-Item -ItemType Directory -Force -Path $Destination | Out-Null
Get-ChildItem -LiteralPath $Destination -File -Filter 'AsyncWeb.*.nupkg' |
    Where-Object Name -Match '^AsyncWeb\.\d+(\.\d+){1,3}(-[0-9A-Za-z.-]+)?\.nupkg$' |
    Remove-Item -Force

if ($Using -eq 'Auto') {
    $Using = if (Get-Command Compress-PSResource -ErrorAction Ignore) { 'Compress' } else { 'Publish' }
}

if ($Using -eq 'Compress') {
    Compress-PSResource -Path $ModulePath -DestinationPath $Destination
}
else {
    $id = [guid]::NewGuid().ToString('n')
    $repository = "AsyncWebPackage-$id"
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) "asyncweb-package-$id"
    New-Item -ItemType Directory -Path $folder | Out-Null
    try {
        Register-PSResourceRepository -Name $repository -Uri $folder -Trusted
        Publish-PSResource -Path $ModulePath -Repository $repository
        Move-Item -LiteralPath (Join-Path $folder $fileName) -Destination (Join-Path $Destination $fileName) -Force
    }
    finally {
        Unregister-PSResourceRepository -Name $repository -ErrorAction Ignore
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction Ignore
    }
}

$package = Join-Path $Destination $fileName
if (-not (Test-Path -LiteralPath $package)) { throw "PSResourceGet finished but $package is missing." }
Get-Item -LiteralPath $package

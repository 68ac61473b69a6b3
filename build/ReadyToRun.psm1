# ReadyToRun (crossgen2) for build.ps1 and bench/New-ReadyToRunPwsh.ps1: the compiler pack the SDK picks for
# the running .NET, and a compile of IL assemblies against this process's shared framework.
Set-StrictMode -Version 3.0

function Get-ReadyToRunPlatform {
    # The platform of this process as crossgen2 names it (--targetos, --targetarch) and as the module's
    # loader names its folder (bin/lib-<os>-<arch>).
    $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    [pscustomobject]@{ OS = $os; Arch = $arch; Rid = "$(if ($os -eq 'windows') { 'win' } else { $os })-$arch" }
}

function Get-Crossgen2 {
    <#
    .SYNOPSIS
    The crossgen2 executable of the Microsoft.NETCore.App.Crossgen2.<rid> pack for this runtime's major version:
    a restore of a throwaway ReadyToRun project brings the version the SDK picks into the NuGet cache.
    #>
    $platform = Get-ReadyToRunPlatform
    $major = [Environment]::Version.Major
    $probe = Join-Path ([System.IO.Path]::GetTempPath()) "asyncweb-crossgen-$PID"
    $null = New-Item -ItemType Directory -Force $probe
    try {
        Set-Content (Join-Path $probe 'probe.csproj') @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$major.0</TargetFramework>
    <RuntimeIdentifier>$($platform.Rid)</RuntimeIdentifier>
    <PublishReadyToRun>true</PublishReadyToRun>
    <SelfContained>false</SelfContained>
  </PropertyGroup>
</Project>
"@
        $output = & dotnet restore (Join-Path $probe 'probe.csproj') 2>&1
        if ($LASTEXITCODE -ne 0) { throw "restoring the crossgen2 pack failed:`n$($output -join "`n")" }
    }
    finally {
        Remove-Item -Recurse -Force $probe -ErrorAction SilentlyContinue
    }
    $cache = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $pack = Join-Path $cache "microsoft.netcore.app.crossgen2.$($platform.Rid)"
    # The version matching this runtime, else the newest of its major version.
    $version = Get-ChildItem -LiteralPath $pack -Directory -ErrorAction SilentlyContinue |
        Where-Object { $_.Name -match '^\d+\.\d+\.\d+$' -and ([version]$_.Name).Major -eq $major } |
        Sort-Object { [version]$_.Name -eq [Environment]::Version }, { [version]$_.Name } | Select-Object -Last 1
    if (-not $version) { throw "no crossgen2 pack for .NET $major under $pack" }
    $exe = if ($IsWindows) { 'crossgen2.exe' } else { 'crossgen2' }
    Join-Path $version.FullName "tools/$exe"
}

function Invoke-Crossgen2 {
    <#
    .SYNOPSIS
    Compiles each IL assembly of Path to ReadyToRun code for this platform and runtime, into Destination (same
    file names). References: this process's shared framework plus the Reference globs. Returns the files
    compiled; an assembly crossgen2 refuses is reported and left out.
    #>
    param(
        [Parameter(Mandatory)] [string] $Crossgen2,
        [Parameter(Mandatory)] [string[]] $Path,
        [Parameter(Mandatory)] [string] $Destination,
        [string[]] $Reference = @(),
        # Also compile into each image the CoreLib generics instantiated over its own types (async state
        # machines, collections of its structs), which the runtime otherwise JIT-compiles: the runtime looks
        # for such an instantiation in the image of its type argument, and checks the CoreLib code it inlines.
        [switch] $CoreLibGenerics
    )

    $platform = Get-ReadyToRunPlatform
    $framework = [System.IO.Path]::GetDirectoryName([object].Assembly.Location)
    $null = New-Item -ItemType Directory -Force $Destination
    $response = Join-Path ([System.IO.Path]::GetTempPath()) "asyncweb-crossgen-$PID.rsp"
    try {
        foreach ($file in $Path) {
            $target = Join-Path $Destination ([System.IO.Path]::GetFileName($file))
            # One argument a line, in a response file: pwsh on Unix would expand the reference globs itself.
            $arguments = @($file, '-o', $target, '-O', '--targetos', $platform.OS, '--targetarch', $platform.Arch, '-r', "$framework/*.dll")
            foreach ($glob in $Reference) { $arguments += '-r', $glob }
            if ($CoreLibGenerics) {
                $arguments += '--opt-cross-module', 'System.Private.CoreLib', '--non-local-generics-module', [System.IO.Path]::GetFileNameWithoutExtension($file)
            }
            Set-Content -LiteralPath $response $arguments
            $log = & $Crossgen2 "@$response" 2>&1
            if ($LASTEXITCODE -ne 0) { Write-Warning "$([System.IO.Path]::GetFileName($file)) left as IL: $($log -join "`n")"; continue }
            $target
        }
    }
    finally {
        Remove-Item -LiteralPath $response -ErrorAction SilentlyContinue
    }
}

function Test-IlOnly([string] $Path) {
    # A managed assembly without ReadyToRun code (no managed native header in its CLI header).
    $stream = [System.IO.File]::OpenRead($Path)
    try {
        $cor = [System.Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders.CorHeader
        return $null -ne $cor -and $cor.ManagedNativeHeaderDirectory.Size -eq 0
    }
    catch { return $false }
    finally { $stream.Dispose() }
}

Export-ModuleMember -Function Get-ReadyToRunPlatform, Get-Crossgen2, Invoke-Crossgen2, Test-IlOnly

#Requires -Version 7.4
# Installing what a test needs from Debian's packages (Chromium for tests/TestChromium.psm1, OpenSSH for
# tests/TestSshd.psm1): only as root with apt-get, as build.ps1 Test does on a fresh CI machine; elsewhere it says
# what is skipped and leaves the machine alone. Callers decide whether their tool is missing first.

Set-StrictMode -Version Latest

function Test-DebianPackageInstallable {
    <#
    .SYNOPSIS
    $true when this is root with apt-get; else says (in yellow) that -Name is missing and what is skipped, and returns $false.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Skipped
    )

    $apt = Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue
    if (-not $apt -or (& id -u) -ne '0') {
        Write-Host "$Name is missing and cannot be installed here (needs root and apt-get): $Skipped" -ForegroundColor Yellow
        return $false
    }

    return $true
}

function Install-DebianPackage {
    <#
    .SYNOPSIS
    Installs -Package with apt-get (update, then install without recommends, non-interactive) when this is root with
    apt-get; otherwise says what is skipped. Throws when apt-get fails.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $Package,
        # What is installed and what for, as the log says it: 'OpenSSH', 'for PowerShell remoting to loopback'.
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Purpose,
        # What is skipped when it cannot be installed.
        [Parameter(Mandatory)] [string] $Skipped
    )

    if (-not (Test-DebianPackageInstallable -Name $Name -Skipped $Skipped)) { return }

    $list = $Package -join ', '
    Write-Host "== Installing $Name (Debian: $list) $Purpose" -ForegroundColor Cyan
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -qq | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "apt-get update failed ($LASTEXITCODE)" }
    & apt-get install -y -qq --no-install-recommends @Package | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "apt-get install $($Package -join ' ') failed ($LASTEXITCODE)" }
}

Export-ModuleMember -Function Test-DebianPackageInstallable, Install-DebianPackage

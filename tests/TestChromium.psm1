#Requires -Version 7.4
# Headless Chromium for the tests that look at a page in a real browser (tests/Export.Tests.ps1) and the benchmark
# that times opening one (bench scenario 17). Debian's package `chromium`, installed by build.ps1 Test when missing
# and this is root with apt-get, as OpenSSH is for the remoting tests; elsewhere those tests say why they skip.
# Every run gets a fresh profile and HOME in a temporary directory (a fresh CI machine has no writable HOME), is
# bounded by a timeout, and has its whole process tree killed afterwards.

Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestPackages.psm1')

function Find-Chromium {
    foreach ($candidate in '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium') {
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }

    return $null
}

function Get-ChromiumUnavailableReason {
    <#
    .SYNOPSIS
    Why headless Chromium cannot run here, or $null when it can.
    #>
    if (-not $IsLinux) { return 'the browser tests use Debian''s chromium package (Linux)' }
    if (-not (Find-Chromium)) { return 'chromium is not installed (Debian: apt-get install chromium; build.ps1 Test does it when run as root)' }
    return $null
}

function Install-TestChromium {
    <#
    .SYNOPSIS
    Installs Debian's chromium package when it is missing and this is root with apt-get; otherwise says why not.
    #>
    [CmdletBinding()]
    param()

    if ((Get-ChromiumUnavailableReason) -notmatch 'not installed') { return }
    Install-DebianPackage -Package chromium -Name Chromium -Purpose 'for the HTML report tests' -Skipped 'the browser tests are skipped'
}

function Invoke-HeadlessChromium {
    <#
    .SYNOPSIS
    Runs headless Chromium on a local file with the given switches (--dump-dom, --screenshot=...), in a throwaway
    profile, and returns its standard output. Throws when it does not finish within -TimeoutSec; its process tree is
    killed in every case.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string[]] $Switch = @('--dump-dom'),
        [int] $TimeoutSec = 60
    )

    $chromium = Find-Chromium
    if (-not $chromium) { throw (Get-ChromiumUnavailableReason) }
    $profileDir = Join-Path ([IO.Path]::GetTempPath()) ("asyncweb-chromium-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $profileDir | Out-Null
    $url = [Uri]::new((Resolve-Path -LiteralPath $Path).ProviderPath).AbsoluteUri
    $info = [Diagnostics.ProcessStartInfo]::new($chromium)
    foreach ($argument in @('--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', '--disable-extensions', '--disable-background-networking',
            '--disable-dev-shm-usage', "--user-data-dir=$profileDir") + $Switch + @($url)) {
        $info.ArgumentList.Add($argument)
    }

    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $info.Environment['HOME'] = $profileDir
    $info.Environment['XDG_CONFIG_HOME'] = $profileDir
    $info.Environment['XDG_CACHE_HOME'] = $profileDir
    $process = [Diagnostics.Process]::Start($info)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            throw "chromium did not finish within $TimeoutSec s"
        }

        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "chromium exited with $($process.ExitCode): $($stderr.Result)" }
        return $stdout.Result
    }
    finally {
        if (-not $process.HasExited) { $process.Kill($true) }
        $process.Dispose()
        Remove-Item -LiteralPath $profileDir -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function Get-ChromiumUnavailableReason, Install-TestChromium, Invoke-HeadlessChromium

#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks AsyncWeb. The one entry point.
.DESCRIPTION
    Tasks:
      Build  - compiles the module and lays it out in out/AsyncWeb (Import-Module ./out/AsyncWeb), with
               ReadyToRun code for this platform in bin/lib-<os>-<arch> (build/ReadyToRun.psm1),
               and builds the test server into out/TestServer.
      Test   - Build, run the C# unit tests of the pure rules (tests/AsyncWeb.Tests, xunit) on net10.0
               and on a self-contained net8.0 build (PowerShell 7.4 LTS's runtime, from NuGet), restore
               Pester from NuGet, install OpenSSH for the remoting tests and Chromium for the HTML
               report tests when missing (as root, with apt-get), start one test server, run every Pester test, run most of them
               again against the netstandard2.0 build (Windows PowerShell 5.1's) in a child pwsh,
               print "Pester: N passed, N failed, N skipped" over all of them (unit tests
               included), exit non-zero on any failure. With -TestPath or -Tag only the Pester
               files asked for run. When tests/Package.Tests.ps1 is among them, the package is made
               first from what was just built (as Package does), for that test to install.
      Package - Build, check the manifest (Test-ModuleManifest) and pack the module with PSResourceGet
               into out/AsyncWeb.<version>.nupkg, the package the PowerShell Gallery takes (manifest at the
               root, both builds, help, format and type data, LICENSE). Install it by name from a local
               repository of out/ (README, "Install").
      Demo   - Build, start the bundled local server, run a 1,000-request batch with a progress
               bar and print its summary.
      Bench  - Build and run the benchmarks in bench/ against curl, aiohttp and PowerShell peers.
      Soak   - Build, start one test server and run the combination soak (tests/Soak) with new
               random seeds until -Seconds pass (with -Seed, those seeds only); prints each failing
               seed with what broke, and how many ran; exits non-zero when one failed.
      Clean  - remove build output.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet pwsh ./build.ps1 Package    # out/AsyncWeb.<version>.nupkg
.EXAMPLE
    dotnet pwsh ./build.ps1 Soak -Seconds 600    # -Seed 175 replays one seed
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench', 'Soak', 'Clean')]
    [string[]] $Task = @('Build'),

    # Pester tags to exclude in Test (e.g. Slow) or include (Fault).
    [string[]] $ExcludeTag = @(),
    [string[]] $Tag = @(),

    # Test files or folders to run (default: tests/).
    [string[]] $TestPath = @(),

    # Test, Soak and Demo: reuse out/ as it is (no build).
    [switch] $NoBuild,

    # Demo: how many requests.
    [int] $Count = 1000,

    # Soak: how long to run new seeds, or which seeds to run (a comma list).
    [ValidateRange(1, 86400)][int] $Seconds = 300,
    [string[]] $Seed = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'AsyncWeb'
$serverOut = Join-Path $out 'TestServer'
$pesterVersion = '6.2.0'
$nugetRoot = $null

# Test files that run a second time against the netstandard2.0 build (Windows PowerShell 5.1's), on this
# pwsh through the loader's test hook. Not here: Module (load context, layout and loader tests, which
# start processes of their own), and the long stress runs Faults and Reliability: their storms of
# lookups of a dead host name rely on net8.0's shared DNS lookup, which HttpClientHandler cannot have.
# Nor Remoting: its far side is a fresh pwsh over SSH, which loads the PowerShell 7 build (Windows
# PowerShell cannot be an SSH remoting endpoint); the shards and merges it relies on run in both passes.
# Soak runs there too, with two seeds instead of its full list (its BeforeDiscovery picks them).
$netstandardTests = @('Invoke-AsyncWebBatch', 'Connect', 'Errors', 'Downloads', 'Exactness', 'Memory', 'Resilience', 'Cancellation', 'New-AsyncWebSession', 'ContentObject',
    'Measure-AsyncWebBatch', 'Security', 'Help', 'Partition', 'Serialization', 'Uploads', 'Authentication', 'Tls', 'UnixSocket', 'Timings', 'Proxies', 'Pagination', 'IfChanged', 'FlowControl', 'Journal', 'HttpVersion', 'Soak', 'Views', 'Export', 'Thresholds', 'Tracing', 'Streaming') | ForEach-Object { "$_.Tests.ps1" }

function Invoke-Dotnet {
    # A simple (non-advanced) function, so switches such as -v reach dotnet untouched.
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Copy-IfChanged([string] $Source, [string] $Directory) {
    # Copy beside, then rename over: a pwsh that has the old DLL loaded keeps its copy intact.
    $target = Join-Path $Directory (Split-Path -Leaf $Source)
    if ((Test-Path $target) -and (Get-Item $target).Length -eq (Get-Item $Source).Length -and
        (Get-FileHash $target).Hash -eq (Get-FileHash $Source).Hash) { return }
    $temp = "$target.$PID.tmp"
    Copy-Item $Source $temp -Force
    Move-Item $temp $target -Force
}

function Get-BuildProperty([string] $Name) {
    # Directory.Build.props is the one place for the version and the repository's address.
    $props = [xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))
    $props.Project.PropertyGroup.$Name | Where-Object { $_ } | Select-Object -First 1
}

function Invoke-Build {
    Write-Host '== Build' -ForegroundColor Cyan
    $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
    $env:DOTNET_NOLOGO = '1'
    Invoke-Dotnet build (Join-Path $root 'src/AsyncWeb.LoadContext/AsyncWeb.LoadContext.csproj') -c Release --nologo -v quiet '-clp:ErrorsOnly'
    Invoke-Dotnet build (Join-Path $root 'src/AsyncWeb/AsyncWeb.csproj') -c Release --nologo -v quiet '-clp:ErrorsOnly'
    Invoke-Dotnet build (Join-Path $root 'tests/TestServer/AsyncWeb.TestServer.csproj') -c Release --nologo -v quiet '-clp:ErrorsOnly'
    New-Item -ItemType Directory -Force -Path $serverOut | Out-Null
    Get-ChildItem (Join-Path $root 'tests/TestServer/bin/Release/net10.0') -File |
        ForEach-Object { Copy-IfChanged $_.FullName $serverOut }

    # Lay out the module: manifest and loader at the top, the load context in bin/, the PowerShell 7
    # build (net8.0) and Polly in bin/lib/, the Windows PowerShell 5.1 build (netstandard2.0) with Polly
    # and the BCL packages .NET Framework lacks in bin/desktop/.
    $lib = Join-Path $moduleOut 'bin/lib'
    $desktop = Join-Path $moduleOut 'bin/desktop'
    New-Item -ItemType Directory -Force -Path $lib, $desktop, (Join-Path $moduleOut 'en-US') | Out-Null
    Copy-IfChanged (Join-Path $root 'src/AsyncWeb.LoadContext/bin/Release/net8.0/AsyncWeb.LoadContext.dll') (Join-Path $moduleOut 'bin')
    foreach ($layout in @{ Framework = 'net8.0'; Directory = $lib }, @{ Framework = 'netstandard2.0'; Directory = $desktop }) {
        Get-ChildItem (Join-Path $root "src/AsyncWeb/bin/Release/$($layout.Framework)") -File |
            Where-Object Extension -in '.dll', '.pdb' |
            ForEach-Object { Copy-IfChanged $_.FullName $layout.Directory }
    }
    Update-ReadyToRun $lib
    Get-ChildItem (Join-Path $root 'module') -File -Include *.ps1xml, *.psm1 -Recurse -Depth 0 |
        ForEach-Object { Copy-IfChanged $_.FullName $moduleOut }
    # MIT asks for the notice in every copy: the module (and so its package) carries LICENSE.
    Copy-IfChanged (Join-Path $root 'LICENSE') $moduleOut

    # Version and repository address from Directory.Build.props, release notes from CHANGELOG.md.
    $version = Get-BuildProperty 'Version'
    & (Join-Path $root 'module/Write-Manifest.ps1') -Destination (Join-Path $moduleOut 'AsyncWeb.psd1') -Version $version -RepositoryUrl (Get-BuildProperty 'RepositoryUrl')

    # Help last, from the laid-out module: PowerShell finds AsyncWeb.dll-Help.xml in <module base>/<culture>/.
    $helpSource = Join-Path $root 'module/help'
    if (Test-Path $helpSource) {
        & (Join-Path $helpSource 'Build-Help.ps1') -Destination (Join-Path $moduleOut 'en-US') -ModulePath $moduleOut
    }
    Write-Host "Module laid out in $moduleOut (version $version)"
}

function Update-ReadyToRun([string] $Lib) {
    # bin/lib-<os>-<arch>: bin/lib compiled to ReadyToRun code for this machine's platform and .NET major version,
    # which the loader prefers there (no JIT of the module at import and first call); bin/lib stays the portable IL
    # every other platform loads (ReadyToRun code of another platform does not load at all). A platform or pack
    # crossgen2 cannot serve leaves the module IL-only, with a warning.
    Import-Module (Join-Path $root 'build/ReadyToRun.psm1') -Force
    $native = "$Lib-$((Get-ReadyToRunPlatform).Rid)"
    $inputs = @(Get-ChildItem -LiteralPath $Lib -Filter *.dll -File)
    $current = $inputs | Where-Object {
        $output = Join-Path $native $_.Name
        (Test-Path -LiteralPath $output) -and (Get-Item -LiteralPath $output).LastWriteTimeUtc -ge $_.LastWriteTimeUtc
    }
    if (@($current).Count -eq $inputs.Count) { return }
    # Never a stale compiled copy beside a newer bin/lib: the loader would prefer it.
    Remove-Item -Recurse -Force -LiteralPath $native -ErrorAction SilentlyContinue
    try {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $sma = [System.Management.Automation.PSObject].Assembly.Location
        $compiled = @(Invoke-Crossgen2 -Crossgen2 (Get-Crossgen2) -Path $inputs.FullName -Destination $native -Reference "$Lib/*.dll", $sma -CoreLibGenerics)
        if ($compiled.Count -ne $inputs.Count) { throw "crossgen2 compiled $($compiled.Count) of $($inputs.Count) assemblies" }
        Copy-Item (Join-Path $Lib '*.pdb') $native
        Write-Host ("ReadyToRun: {0} assemblies in {1} ({2:N0} s)" -f $compiled.Count, $native, $watch.Elapsed.TotalSeconds)
    }
    catch {
        Remove-Item -Recurse -Force -LiteralPath $native -ErrorAction SilentlyContinue
        Write-Warning "No ReadyToRun code for this platform (the module stays IL-only): $_"
    }
}

function Invoke-Package {
    Invoke-Build
    Write-Host '== Package' -ForegroundColor Cyan
    $package = & (Join-Path $root 'module/New-Package.ps1') -ModulePath $moduleOut -Destination $out
    Write-Host "Package written: $($package.FullName)"
}

function Update-TestPackage {
    # tests/Package.Tests.ps1 installs out/AsyncWeb.<version>.nupkg: when it is selected, pack what was just
    # built (a couple of seconds), so the test never installs a package older than the code under test.
    $paths = if ($TestPath) { $TestPath -split ',' } else { Join-Path $root 'tests' }
    if (Get-ChildItem -Path $paths -Recurse -File -Filter 'Package.Tests.ps1' -ErrorAction Ignore) {
        Write-Host '== Test: packing the module for tests/Package.Tests.ps1' -ForegroundColor Cyan
        $null = & (Join-Path $root 'module/New-Package.ps1') -ModulePath $moduleOut -Destination $out
    }
}

function Get-NuGetPackagesRoot {
    # Asked of dotnet once per run (it starts a process); the folder does not move during a run.
    if (-not $script:nugetRoot) {
        $script:nugetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
            $line = & dotnet nuget locals global-packages --list | Select-Object -Last 1
            ($line -replace '^\s*global-packages:\s*', '').Trim()
        }
    }

    return $script:nugetRoot
}

function Get-PesterModule {
    $manifest = Join-Path (Get-NuGetPackagesRoot) "pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $manifest) -or -not (Test-Path (Join-Path (Get-NuGetPackagesRoot) 'polly.core/8.4.2'))) {
        Write-Host "== Restoring Pester $pesterVersion from NuGet"
        Invoke-Dotnet restore (Join-Path $root 'tests/Dependencies/Dependencies.csproj') --nologo -v quiet
        $manifest = Join-Path (Get-NuGetPackagesRoot) "pester/$pesterVersion/tools/Pester.psd1"
    }

    if (-not (Test-Path $manifest)) { throw "Pester $pesterVersion was restored but $manifest is missing" }
    return $manifest
}

function Get-PesterFailure($Result, [string] $Build) {
    # One line per failed test, block or container, so a failure is named in the closing lines that CI keeps
    # (CI shows the tail of the output; Pester's own report of a failure may be thousands of lines above).
    $items = @($Result.Failed) + @($Result.FailedBlocks) + @($Result.FailedContainers) | Where-Object { $_ }
    foreach ($item in $items) {
        $properties = $item.PSObject.Properties
        $name = if ($properties['ExpandedPath'] -and $item.ExpandedPath) { $item.ExpandedPath } elseif ($properties['Item'] -and $item.Item) { "$($item.Item)" } else { "$item" }
        $errors = if ($properties['ErrorRecord']) { $item.ErrorRecord } else { @() }
        $message = $errors | ForEach-Object { "$($_.Exception.Message)" } | Where-Object { $_ } | Select-Object -First 1
        $first = if ($message) { ($message -split "`r?`n")[0] } else { '' }
        if ($first.Length -gt 300) { $first = $first.Substring(0, 300) + '...' }
        $file = if ($properties['ScriptBlock'] -and $item.ScriptBlock -and $item.ScriptBlock.File) { Split-Path -Leaf $item.ScriptBlock.File } else { '' }
        "[$Build]$(if ($file) { " $file" }) $name" + $(if ($first) { ": $first" } else { '' })
    }
}

function Invoke-NetstandardPass([string] $Pester, [string[]] $Selected) {
    # The selected test files that also run against the netstandard2.0 build.
    $files = Get-ChildItem -Path $Selected -Recurse -File -Filter *.Tests.ps1 | Where-Object Name -in $netstandardTests
    if (-not $files) { return $null }

    # The module's assemblies are per process, so that build gets a pwsh of its own (this one, again).
    Write-Host '== Test: the netstandard2.0 build (Windows PowerShell 5.1''s) on this pwsh' -ForegroundColor Cyan
    $resultFile = Join-Path ([IO.Path]::GetTempPath()) "asyncweb-netstandard-$PID.json"
    Remove-Item -LiteralPath $resultFile -ErrorAction SilentlyContinue
    $env:ASYNCWEB_PESTER_PASS = @{ Pester = $Pester; Paths = @($files.FullName); ExcludeTag = @($ExcludeTag -split ',' | Where-Object { $_ }); Tag = @($Tag -split ',' | Where-Object { $_ }); Result = $resultFile; FailureFunction = ${function:Get-PesterFailure}.ToString() } | ConvertTo-Json -Compress
    $env:ASYNCWEB_LOAD_NETSTANDARD = '1'
    $child = {
        $pass = $env:ASYNCWEB_PESTER_PASS | ConvertFrom-Json
        Import-Module $pass.Pester -Force
        $config = New-PesterConfiguration
        $config.Run.Path = @($pass.Paths)
        $config.Run.PassThru = $true
        $config.Run.Exit = $false
        $config.Output.Verbosity = 'Detailed'
        $config.Filter.ExcludeTag = @($pass.ExcludeTag | Where-Object { $_ })
        if ($pass.Tag) { $config.Filter.Tag = @($pass.Tag) }
        $config.TestResult.Enabled = $false
        $result = Invoke-Pester -Configuration $config
        ${function:Get-PesterFailure} = $pass.FailureFunction
        @{
            Passed   = $result.PassedCount
            Failed   = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
            Skipped  = $result.SkippedCount
            Failures = @(Get-PesterFailure -Result $result -Build 'netstandard2.0')
        } | ConvertTo-Json -Compress | Set-Content -LiteralPath $pass.Result
    }
    try {
        $exe = [Environment]::ProcessPath
        $arguments = @('-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($child.ToString())))
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments }
        & $exe @arguments | Out-Host
        if (Test-Path -LiteralPath $resultFile) {
            $counts = Get-Content -Raw -LiteralPath $resultFile | ConvertFrom-Json
            return @{ Passed = [int] $counts.Passed; Failed = [int] $counts.Failed; Skipped = [int] $counts.Skipped; Failures = @(if ($counts.PSObject.Properties['Failures']) { $counts.Failures }) }
        }
        Write-Host "The netstandard2.0 pass did not finish (exit code $LASTEXITCODE)" -ForegroundColor Red
        return @{ Passed = 0; Failed = 1; Skipped = 0; Failures = @("[netstandard2.0] the pass did not finish (exit code $LASTEXITCODE)") }
    }
    finally {
        Remove-Item Env:ASYNCWEB_LOAD_NETSTANDARD, Env:ASYNCWEB_PESTER_PASS -ErrorAction SilentlyContinue
        Remove-Item -LiteralPath $resultFile -ErrorAction SilentlyContinue
    }
}

function Invoke-UnitTests {
    # The pure rules' xunit tests (no pwsh, no server), on net10.0 and on net8.0 (PowerShell 7.4 LTS's runtime,
    # self-contained: its runtime pack comes from NuGet); counted in the closing line with Pester's.
    Write-Host '== Test: C# unit tests (tests/AsyncWeb.Tests) on net10.0 and net8.0' -ForegroundColor Cyan
    $resultsDir = Join-Path $out 'unit-tests'
    Remove-Item -Recurse -Force -LiteralPath $resultsDir -ErrorAction SilentlyContinue
    & dotnet test (Join-Path $root 'tests/AsyncWeb.Tests/AsyncWeb.Tests.csproj') -c Release --nologo -v quiet `
        --logger 'trx;LogFilePrefix=unit' --logger 'console;verbosity=minimal' --results-directory $resultsDir | Out-Host
    $exitCode = $LASTEXITCODE
    $counts = @{ Passed = 0; Failed = 0; Skipped = 0; Failures = @() }
    foreach ($framework in 'net10.0', 'net8.0') {
        # One results file per framework: unit_<framework>_<time>.trx.
        $trx = Get-ChildItem -LiteralPath $resultsDir -Filter "unit_$($framework)_*.trx" -File -ErrorAction Ignore | Select-Object -First 1
        if (-not $trx) {
            Write-Host "The $framework unit tests did not run (dotnet test exit code $exitCode)" -ForegroundColor Red
            $counts.Failed++
            $counts.Failures += "[C# $framework] did not run (dotnet test exit code $exitCode)"
            continue
        }

        $run = ([xml](Get-Content -Raw -LiteralPath $trx.FullName)).TestRun
        $counters = $run.ResultSummary.Counters
        $counts.Failures += @($run.Results.UnitTestResult | Where-Object outcome -ne 'Passed' | Where-Object outcome -ne 'NotExecuted' |
            ForEach-Object { "[C# $framework] $($_.testName): $($_.Output.ErrorInfo.Message -split "`r?`n" | Select-Object -First 1)" })
        $failed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
        Write-Host ("C# unit tests on {0}: {1} passed, {2} failed, {3} skipped" -f $framework, $counters.passed, $failed, $counters.notExecuted)
        $counts.Passed += [int] $counters.passed
        $counts.Failed += $failed
        $counts.Skipped += [int] $counters.notExecuted
    }

    return $counts
}

function Install-TestPrerequisite {
    # Remoting.Tests.ps1 runs PowerShell remoting over a private sshd on loopback (tests/TestSshd.psm1):
    # OpenSSH is installed when missing and this is root with apt-get (as in CI); elsewhere those tests
    # say why they skip.
    # Export.Tests.ps1 renders the HTML report in Debian's chromium (tests/TestChromium.psm1), installed the same way.
    if ('Browser' -notin ($ExcludeTag -split ',')) { Install-TestChromium }
    if ('Remoting' -in ($ExcludeTag -split ',')) { return }
    Install-TestOpenSsh
}

function Invoke-Test {
    if (-not $NoBuild) { Invoke-Build }
    Update-TestPackage
    $unit = if (-not $TestPath -and -not $Tag) { Invoke-UnitTests } else { $null }
    $pester = Get-PesterModule
    Import-Module $pester -Force
    Import-Module (Join-Path $root 'tests/TestHelpers.psm1') -Force
    Import-Module (Join-Path $root 'tests/TestSshd.psm1') -Force
    Import-Module (Join-Path $root 'tests/TestChromium.psm1') -Force
    Install-TestPrerequisite
    Write-Host '== Test' -ForegroundColor Cyan

    # One test server for the whole run; every test file finds it through the environment.
    $server = Start-TestServer -Detached
    $env:ASYNCWEB_TEST_SERVER = $server.Line
    $env:ASYNCWEB_NUGET_PACKAGES = Get-NuGetPackagesRoot
    # From bash (pwsh -File), a comma list arrives as one string.
    $selected = if ($TestPath) { $TestPath -split ',' } else { Join-Path $root 'tests' }
    $netstandard = $null
    try {
        $config = New-PesterConfiguration
        $config.Run.Path = $selected
        $config.Run.PassThru = $true
        $config.Run.Exit = $false
        $config.Output.Verbosity = 'Detailed'
        $config.Filter.ExcludeTag = $ExcludeTag -split ','
        if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
        $config.TestResult.Enabled = $false
        $result = Invoke-Pester -Configuration $config

        # Unless this whole run already is on the netstandard2.0 build, a second pass runs it too.
        if ($env:ASYNCWEB_LOAD_NETSTANDARD -ne '1') {
            $netstandard = Invoke-NetstandardPass -Pester $pester -Selected $selected
        }
    }
    finally {
        Remove-Item Env:ASYNCWEB_TEST_SERVER -ErrorAction SilentlyContinue
        Stop-TestServer -Server $server
        # The remoting tests stop their sshd in AfterAll; this also covers a run cut short.
        Stop-TestSshd -OwnerProcessId $PID
    }

    if (-not $result) {
        Write-Host 'Pester: 0 passed, 1 failed (Pester did not run)'
        exit 1
    }

    $passed = $result.PassedCount
    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    $skipped = $result.SkippedCount
    if ($netstandard) {
        Write-Host ("PowerShell 7 build (net8.0): {0} passed, {1} failed, {2} skipped; Windows PowerShell build (netstandard2.0): {3} passed, {4} failed, {5} skipped" -f
            $passed, $failed, $skipped, $netstandard.Passed, $netstandard.Failed, $netstandard.Skipped)
        $passed += $netstandard.Passed
        $failed += $netstandard.Failed
        $skipped += $netstandard.Skipped
    }

    if ($unit) {
        Write-Host ("C# unit tests (net10.0 and net8.0): {0} passed, {1} failed, {2} skipped (counted below)" -f $unit.Passed, $unit.Failed, $unit.Skipped)
        $passed += $unit.Passed
        $failed += $unit.Failed
        $skipped += $unit.Skipped
    }

    $failures = @(Get-PesterFailure -Result $result -Build 'net8.0') + @(if ($netstandard) { $netstandard['Failures'] }) + @(if ($unit) { $unit['Failures'] }) |
        Where-Object { $_ }
    if ($failures) {
        Write-Host 'Failed:' -ForegroundColor Red
        foreach ($line in $failures) { Write-Host "  $line" -ForegroundColor Red }
    }

    Write-Host ("Pester: {0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    if (-not $NoBuild) { Invoke-Build }
    Import-Module (Join-Path $root 'tests/TestHelpers.psm1') -Force
    Import-Module $moduleOut -Force
    $server = Start-TestServer
    try {
        $base = $server.Http
        Write-Host "== Demo: $Count requests against the bundled local server $base, ThrottleLimit 64" -ForegroundColor Cyan
        # A mix a health check meets: fast JSON, slower answers, and a few errors.
        $uris = foreach ($i in 0..($Count - 1)) {
            switch ($i % 20) {
                { $_ -in 0, 10 } { "$base/delay/300" }
                1 { "$base/status/503" }
                default { "$base/json" }
            }
        }

        $summary = $uris | Invoke-AsyncWebBatch -ThrottleLimit 64 -FailuresAsResults | Measure-AsyncWebBatch
        $summary | Out-Host
        # One figure: the summary's own (requests over the wall time from the first start to the last end).
        Write-Host ("{0:N0} requests in {1:N2} s from one pipeline call: {2:N1} req/s (RequestsPerSecond)" -f $summary.Count, $summary.WallTime.TotalSeconds, $summary.RequestsPerSecond)
    }
    finally {
        Stop-TestServer
    }
}

function Invoke-Bench {
    Invoke-Build
    & (Join-Path $root 'bench/Invoke-Benchmark.ps1') -ModulePath $moduleOut
}

function Invoke-Soak {
    if (-not $NoBuild) { Invoke-Build }
    Import-Module (Join-Path $root 'tests/TestHelpers.psm1') -Force
    Import-Module $moduleOut -Force
    Import-Module (Join-Path $root 'tests/Soak/Soak.psm1') -Force
    # From bash (pwsh -File), a comma list arrives as one string.
    $seeds = [int[]]@($Seed -split ',' | Where-Object { $_ })
    $server = Start-TestServer
    try {
        Write-Host "== Soak: $(if ($seeds) { "seeds $($seeds -join ', ')" } else { "new seeds for $Seconds s" }) (replay one: ./build.ps1 Soak -Seed N, or `$env:ASYNCWEB_SOAK_SEED for tests/Soak.Tests.ps1)" -ForegroundColor Cyan
        $failed = Invoke-SoakRun -Server $server -ModulePath $moduleOut -Seconds $(if ($seeds) { 86400 } else { $Seconds }) -Seed $seeds
    }
    finally {
        Stop-TestServer
    }

    if ($failed.Count -gt 0) { exit 1 }
}

function Invoke-Clean {
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $out
    Get-ChildItem $root -Recurse -Directory -Include bin, obj |
        Where-Object FullName -NotMatch '[\\/](out|\.git)[\\/]' |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
    Write-Host 'Cleaned.'
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Soak' { Invoke-Soak }
        'Clean' { Invoke-Clean }
    }
}

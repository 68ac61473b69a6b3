#Requires -Version 7.0
# Shared helpers for the Pester tests: one local test server per run, its /stats, and waiting on
# conditions with a deadline instead of sleeping.

Set-StrictMode -Version Latest

$script:RepoRoot = Split-Path -Parent $PSScriptRoot
$script:Cached = $null                                             # server returned by Get-TestServer
$script:Started = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

function New-TestServerInfo {
    param([Parameter(Mandatory)][string]$Line, [System.Diagnostics.Process]$Process)

    $info = $Line | ConvertFrom-Json
    [pscustomobject]@{
        PSTypeName = 'AsyncWeb.TestServer'
        Http       = $info.http
        Https      = $info.https
        H2c        = $info.h2c
        HttpsAia   = $info.httpsAia
        Raw        = $info.raw
        Loopback   = @($info.loopback)
        Pid        = $info.pid
        Process    = $Process
        Line       = $Line
    }
}

function Get-DotnetPath {
    # The SDK sets DOTNET_HOST_PATH for processes it starts (dotnet pwsh, dotnet test).
    if ($env:DOTNET_HOST_PATH -and (Test-Path -LiteralPath $env:DOTNET_HOST_PATH)) {
        return $env:DOTNET_HOST_PATH
    }

    $command = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) {
        return $command.Source
    }

    throw 'Cannot find the dotnet executable (neither DOTNET_HOST_PATH nor dotnet on PATH).'
}

function Start-TestServer {
    <#
    .SYNOPSIS
    Starts out/TestServer/AsyncWeb.TestServer.dll, watching this PowerShell process, and returns its addresses.
    .OUTPUTS
    An object with Http, Https, H2c, HttpsAia, Raw (base URLs without a trailing slash), Loopback (HTTP base URLs on
    127.0.0.2-9, where the OS has them), Pid and Process.
    #>
    [CmdletBinding()]
    param(
        # Generous: the server's first start compiles nothing but still JITs Kestrel, slow on a loaded machine.
        [ValidateRange(1, 600)][int]$TimeoutSec = 120,
        # Not owned by this module: re-importing or removing the module leaves it running (build.ps1's run-wide server).
        [switch]$Detached
    )

    $dll = Join-Path $script:RepoRoot 'out/TestServer/AsyncWeb.TestServer.dll'
    if (-not (Test-Path -LiteralPath $dll)) {
        throw "The test server is not built: '$dll' is missing. Run ./build.ps1 Build, or: dotnet build tests/TestServer/AsyncWeb.TestServer.csproj -c Release -o out/TestServer"
    }

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new((Get-DotnetPath))
    $startInfo.ArgumentList.Add($dll)
    $startInfo.ArgumentList.Add('--parent-pid')
    $startInfo.ArgumentList.Add([string]$PID)
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.WorkingDirectory = $script:RepoRoot

    $process = [System.Diagnostics.Process]::Start($startInfo)
    if (-not $Detached) {
        $script:Started.Add($process)
    }
    # Drained in the background for the whole life of the server, so a chatty stderr never blocks it.
    $stderr = $process.StandardError.ReadToEndAsync()
    $firstLine = $process.StandardOutput.ReadLineAsync()

    $deadline = [System.Diagnostics.Stopwatch]::StartNew()
    # Short waits in a loop keep Ctrl+C responsive.
    while (-not $firstLine.IsCompleted -and -not $process.HasExited -and $deadline.Elapsed.TotalSeconds -lt $TimeoutSec) {
        $null = [System.Threading.Tasks.Task]::WaitAny(@($firstLine), 100)
    }

    $line = if ($firstLine.IsCompletedSuccessfully) { $firstLine.Result } else { $null }
    if (-not $line -or -not $line.StartsWith('{')) {
        $reason = if ($process.HasExited) { "it exited with code $($process.ExitCode)" } else { "it printed no address line within $TimeoutSec s" }
        try { $process.Kill($true); $null = $process.WaitForExit(10000) } catch [System.InvalidOperationException] { }
        $errorText = if ($stderr.Wait(5000)) { $stderr.Result.Trim() } else { '' }
        Stop-ServerProcess $process
        throw "The test server did not start: $reason.$(if ($line) { " stdout: $line" })$(if ($errorText) { " stderr: $errorText" })"
    }

    $null = $process.StandardOutput.ReadToEndAsync()   # keep stdout drained too
    New-TestServerInfo -Line $line -Process $process
}

function Get-TestServer {
    <#
    .SYNOPSIS
    The run-wide server from $env:ASYNCWEB_TEST_SERVER (set by build.ps1), else one started on first use and reused.
    #>
    [CmdletBinding()]
    param()

    if ($env:ASYNCWEB_TEST_SERVER) {
        return New-TestServerInfo -Line $env:ASYNCWEB_TEST_SERVER
    }

    if (-not $script:Cached -or $script:Cached.Process.HasExited) {
        $script:Cached = Start-TestServer
    }

    $script:Cached
}

function Stop-ServerProcess {
    param([System.Diagnostics.Process]$Process)

    try {
        if (-not $Process.HasExited) {
            $Process.Kill($true)
        }

        $null = $Process.WaitForExit(10000)
    }
    catch [System.InvalidOperationException] {
        # Already gone.
    }
    finally {
        $null = $script:Started.Remove($Process)
        $Process.Dispose()
    }
}

function Stop-TestServer {
    <#
    .SYNOPSIS
    Stops the given server, or every server this module started. A run-wide server (Process $null) is left alone.
    #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)][psobject]$Server)

    process {
        if ($Server) {
            if ($Server.Process) {
                Stop-ServerProcess $Server.Process
                if ($script:Cached -and $script:Cached.Process -eq $Server.Process) {
                    $script:Cached = $null
                }
            }

            return
        }

        foreach ($process in @($script:Started)) {
            Stop-ServerProcess $process
        }

        $script:Cached = $null
    }
}

function Get-TestServerStats {
    <#
    .SYNOPSIS
    The server's /stats: requests, inFlight, peakInFlight, connections, peakInFlightByHost, requestsByPath, bytesSent, bytesSentByPath.
    #>
    [CmdletBinding()]
    param([psobject]$Server = (Get-TestServer))

    Invoke-RestMethod -Uri "$($Server.Http)/stats" -NoProxy -TimeoutSec 10
}

function Reset-TestServerStats {
    <#
    .SYNOPSIS
    Zeroes the server's counters and /retry keys (in-flight keeps counting requests still running).
    #>
    [CmdletBinding()]
    param([psobject]$Server = (Get-TestServer))

    $null = Invoke-RestMethod -Uri "$($Server.Http)/stats/reset" -Method Post -NoProxy -TimeoutSec 10
}

function Wait-Until {
    <#
    .SYNOPSIS
    Polls a condition until it is true; throws with the reason once the deadline passes.
    .EXAMPLE
    Wait-Until { (Get-TestServerStats -Server $s).inFlight -eq 0 } -Because 'cancelled requests end on the server'
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][scriptblock]$Condition,
        [double]$TimeoutSec = 30,
        [string]$Because = 'the condition to become true',
        [int]$IntervalMs = 50
    )

    $deadline = [System.Diagnostics.Stopwatch]::StartNew()
    $lastError = $null
    while ($true) {
        try {
            if (& $Condition) {
                return
            }

            $lastError = $null
        }
        catch {
            $lastError = $_
        }

        if ($deadline.Elapsed.TotalSeconds -ge $TimeoutSec) {
            break
        }

        Start-Sleep -Milliseconds $IntervalMs
    }

    $detail = if ($lastError) { " Last error: $lastError" } else { '' }
    throw "Timed out after $TimeoutSec s waiting for $Because. Condition: { $($Condition.ToString().Trim()) }.$detail"
}

function Invoke-FreshPwsh {
    <#
    .SYNOPSIS
    Runs a script in a new pwsh (the one running the tests, -NoProfile) and returns its standard output lines.
    Throws with its output and errors when it exits non-zero or outlives the deadline (it is then killed).
    .EXAMPLE
    Invoke-FreshPwsh "Import-Module '$modulePath'; [AsyncWeb.WebBatchResult].Assembly.Location" -Environment @{ ASYNCWEB_LOAD_NETSTANDARD = '1' }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][string]$Script,
        # Environment variables for that process only; a $null value removes the variable there.
        [hashtable]$Environment = @{},
        # The process's current directory (default: this process's).
        [string]$WorkingDirectory,
        [ValidateRange(1, 600)][int]$TimeoutSec = 120
    )

    $exe = [Environment]::ProcessPath
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($exe)
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
        $startInfo.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
    }
    foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $Script) {
        $startInfo.ArgumentList.Add($argument)
    }
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $startInfo.Environment.Remove($name) }
        else { $startInfo.Environment[$name] = [string]$Environment[$name] }
    }
    if ($WorkingDirectory) { $startInfo.WorkingDirectory = $WorkingDirectory }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
    $startInfo.StandardErrorEncoding = [System.Text.UTF8Encoding]::new($false)

    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $deadline = [System.Diagnostics.Stopwatch]::StartNew()
        # Short waits in a loop keep Ctrl+C responsive.
        while (-not $process.WaitForExit(100)) {
            if ($deadline.Elapsed.TotalSeconds -ge $TimeoutSec) {
                $process.Kill($true)
                $null = $process.WaitForExit(10000)
                throw "fresh pwsh did not finish within $TimeoutSec s and was killed. Output: $($stdout.Result)$($stderr.Result)"
            }
        }
        $process.WaitForExit()   # and its output is read to the end
        if ($process.ExitCode -ne 0) {
            throw "fresh pwsh failed ($($process.ExitCode)): $($stdout.Result)$($stderr.Result)"
        }
        @($stdout.Result -split '\r?\n' | Where-Object { $_ -ne '' })
    }
    finally {
        $process.Dispose()
    }
}

# The one line README ("Recipes") and every cmdlet's help give for starting the bundled server; run from the repository root.
$script:DocumentedServerLine = 'Import-Module ./tests/TestHelpers.psm1; $base = (Get-TestServer).Http'

function Get-DocumentedServerLine { $script:DocumentedServerLine }

function New-DocumentedRunspace {
    <#
    .SYNOPSIS
    A fresh runspace as a reader of the documentation has it: the laid-out module imported and the documented
    server line run from the repository root (so $base is set), then the location set to $Directory.
    #>
    param([Parameter(Mandatory)][string]$Directory)

    $state = [initialsessionstate]::CreateDefault2()
    $state.ImportPSModule((Join-Path $script:RepoRoot 'out/AsyncWeb'))
    $runspace = [runspacefactory]::CreateRunspace($state)
    $runspace.Open()
    $runspace.SessionStateProxy.Path.SetLocation($script:RepoRoot) | Out-Null
    $ps = [powershell]::Create($runspace)
    try {
        $null = $ps.AddScript($script:DocumentedServerLine).Invoke()
        if ($ps.HadErrors) { throw "the documented server line failed: $($ps.Streams.Error | Select-Object -First 1)" }
    }
    finally {
        $ps.Dispose()
    }

    $runspace.SessionStateProxy.Path.SetLocation($Directory) | Out-Null
    $runspace
}

function Invoke-DocumentedCode {
    <#
    .SYNOPSIS
    Runs documented code (a help example, a README recipe) in $Runspace, rendered by Out-String so a broken format
    expression counts too; returns its Output, its error records and what it threw, if anything.
    #>
    param(
        [Parameter(Mandatory)][runspace]$Runspace,
        [Parameter(Mandatory)][string]$Code,
        [double]$TimeoutSec = 60
    )

    $ps = [powershell]::Create($Runspace)
    try {
        $null = $ps.AddScript($Code).AddCommand('Out-String').AddParameter('Width', 200)
        $async = $ps.BeginInvoke()
        if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSec))) {
            $ps.Stop()
            throw "the code did not finish within $TimeoutSec s"
        }

        $terminating = $null
        $output = try { $ps.EndInvoke($async) } catch { $terminating = $_.Exception.InnerException ?? $_.Exception; @() }
        [pscustomobject]@{
            Output      = (@($output) -join '').Trim()
            Errors      = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
            Terminating = if ($terminating) { "$($terminating.GetType().Name): $($terminating.Message)" }
        }
    }
    finally {
        $ps.Dispose()
    }
}

function Get-ClosedPort {
    <#
    .SYNOPSIS
    A loopback port nothing listens on, on 127.0.0.1 and on every other address given (-Hosts 250 checks
    127.0.0.1-250): a listener bound to one loopback address does not keep the same port busy on another,
    and the test server (and other test runs on the machine) listen on 127.0.0.2-9.
    #>
    param([ValidateRange(1, 254)][int]$Hosts = 1)

    for ($attempt = 0; $attempt -lt 50; $attempt++) {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $free = $true
        for ($i = 2; $i -le $Hosts -and $free; $i++) {
            $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Parse("127.0.0.$i"), $port)
            try { $probe.Start() } catch [System.Net.Sockets.SocketException] { $free = $false } finally { $probe.Stop() }
        }

        if ($free) { return $port }
    }

    throw "no port is free on 127.0.0.1-$Hosts after 50 tries"
}

$ExecutionContext.SessionState.Module.OnRemove = { Stop-TestServer }

function Test-NetstandardBuild {
    <#
    .SYNOPSIS
        True when this process runs the module's netstandard2.0 build (Windows PowerShell 5.1's), loaded on
        PowerShell 7 through the loader's test hook ($env:ASYNCWEB_LOAD_NETSTANDARD = '1'; build.ps1 Test
        runs a pass of the suite that way). Tests of net8.0-only behaviour skip themselves with the reason.
    #>
    $env:ASYNCWEB_LOAD_NETSTANDARD -eq '1'
}

function Get-PatternBytes([long]$Count) {
    # The server's binary bodies: byte i is i % 251.
    $bytes = [byte[]]::new($Count)
    $filled = [Math]::Min(251, $Count)
    if ($filled -gt 0) {
        [Array]::Copy([byte[]](0..250), $bytes, $filled)
    }

    # Doubling a prefix whose length is a multiple of 251 keeps byte i = i % 251.
    while ($filled -lt $Count) {
        $n = [Math]::Min($filled, $Count - $filled)
        [Array]::Copy($bytes, 0, $bytes, $filled, $n)
        $filled += $n
    }

    , $bytes
}

function Get-PatternSha256([long]$Count) {
    # SHA-256 (upper-case hex) of the first $Count bytes of the pattern, without holding them all.
    $block = Get-PatternBytes (251 * 4096)
    $hash = [Security.Cryptography.IncrementalHash]::CreateHash([Security.Cryptography.HashAlgorithmName]::SHA256)
    try {
        for ($left = $Count; $left -gt 0; $left -= $n) {
            $n = [int][Math]::Min($left, $block.Length)
            $hash.AppendData($block, 0, $n)
        }

        [Convert]::ToHexString($hash.GetHashAndReset())
    }
    finally {
        $hash.Dispose()
    }
}

# Runs a script in another runspace of this process (with the laid-out module imported) and fails the test,
# instead of hanging it, when it does not finish in time: a batch that never ends would stop the whole run.
function Invoke-Bounded([scriptblock]$Script, [object[]]$ArgumentList = @(), [double]$TimeoutSec = 60) {
    $modulePath = (Resolve-Path (Join-Path $script:RepoRoot 'out/AsyncWeb')).ProviderPath
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$modulePath'").AddStatement().AddScript($Script)
        foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
        $handle = $ps.BeginInvoke()
        if (-not $handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSec))) {
            $ps.Stop()
            throw "the batch did not finish within $TimeoutSec s"
        }

        $ps.EndInvoke($handle)
    }
    finally {
        $ps.Dispose()
    }
}

Export-ModuleMember -Function Get-DocumentedServerLine, New-DocumentedRunspace, Invoke-DocumentedCode, Invoke-Bounded, Get-PatternBytes, Get-PatternSha256, Start-TestServer, Get-TestServer, Stop-TestServer, Get-TestServerStats, Reset-TestServerStats, Wait-Until, Test-NetstandardBuild, Invoke-FreshPwsh, Get-ClosedPort

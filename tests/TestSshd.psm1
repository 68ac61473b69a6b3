#Requires -Version 7.4
# A throwaway sshd for PowerShell remoting over SSH to loopback: its own config, host key and client key in
# a temporary directory, ListenAddress 127.0.0.1 on a free port, public keys only, and a `powershell`
# subsystem that runs this very pwsh. Nothing of the machine's own sshd is read or changed. A watcher
# stops it when the PowerShell process that started it ends, so it cannot outlive a test run or a
# benchmark even when they are killed; Stop-TestSshd stops it at once.
# Used by tests/Remoting.Tests.ps1, build.ps1 Test (Install-TestOpenSsh) and bench/Invoke-Benchmark.ps1 (scenario 8).

Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestPackages.psm1')

function Get-SshdUnavailableReason {
    <#
    .SYNOPSIS
    Why an sshd cannot run here, or $null when it can. build.ps1 Test installs OpenSSH where it may (root with apt-get).
    #>
    if (-not $IsLinux -and -not $IsMacOS) { return 'SSH remoting to loopback is tested on Linux and macOS (Windows would need its OpenSSH service)' }
    foreach ($tool in 'sshd', 'ssh', 'ssh-keygen') {
        if (-not (Find-SshTool $tool)) { return "$tool is not installed (Debian: apt-get install openssh-server openssh-client; build.ps1 Test does it when run as root)" }
    }

    return $null
}

function Install-TestOpenSsh {
    <#
    .SYNOPSIS
    Installs openssh-server and openssh-client from Debian's packages when sshd or ssh is missing and this
    is root with apt-get; otherwise says why not. A temporary policy-rc.d (unless one exists) keeps the
    package from starting the machine's own ssh service. Used by build.ps1 Test and the benchmarks.
    #>
    [CmdletBinding()]
    param()

    if ((Get-SshdUnavailableReason) -notmatch 'not installed') { return }
    $install = @{ Name = 'OpenSSH'; Skipped = 'what needs an sshd is skipped' }
    # Checked before the policy file is written: only root may write it.
    if (-not (Test-DebianPackageInstallable @install)) { return }

    $policy = '/usr/sbin/policy-rc.d'
    $ownPolicy = -not (Test-Path -LiteralPath $policy)
    try {
        if ($ownPolicy) { Set-Content -LiteralPath $policy -Value "#!/bin/sh`nexit 101"; & chmod 755 $policy }
        Install-DebianPackage -Package openssh-server, openssh-client -Purpose 'for PowerShell remoting to loopback' @install
    }
    finally {
        if ($ownPolicy) { Remove-Item -LiteralPath $policy -ErrorAction SilentlyContinue }
    }
}

function Find-SshTool([string] $Name) {
    foreach ($candidate in "/usr/sbin/$Name", "/usr/bin/$Name", "/usr/local/sbin/$Name", "/usr/local/bin/$Name") {
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }

    $command = Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { $command.Source }
}

function Get-PwshSubsystemCommand {
    # This pwsh: the .NET tool's pwsh.dll run by the dotnet host, or an installed pwsh.
    $dll = Join-Path $PSHOME 'pwsh.dll'
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet' -and (Test-Path -LiteralPath $dll)) {
        return "$exe $dll -sshs -NoLogo -NoProfile"
    }

    return "$(Join-Path $PSHOME 'pwsh') -sshs -NoLogo -NoProfile"
}

function Start-TestSshd {
    <#
    .SYNOPSIS
    Starts a private sshd on 127.0.0.1 for PowerShell remoting and returns how to reach it.
    .OUTPUTS
    An object with Port, UserName, KeyFilePath, Options (the hashtable for -Options of New-PSSession and
    Invoke-Command), Directory, Pid and WatcherPid. Throws when sshd does not come up (its log is in the message).
    #>
    [CmdletBinding()]
    param([ValidateRange(1, 600)][double] $TimeoutSec = 30)

    $reason = Get-SshdUnavailableReason
    if ($reason) { throw $reason }

    Stop-TestSshd -Stale
    $directory = Join-Path ([IO.Path]::GetTempPath()) "asyncweb-sshd-$PID-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Path $directory | Out-Null
    & chmod 700 $directory
    $keygen = Find-SshTool 'ssh-keygen'
    foreach ($key in 'host_ed25519', 'client_ed25519') {
        & $keygen -q -t ed25519 -N '' -C "asyncweb-test-$key" -f (Join-Path $directory $key)
        if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for $key ($LASTEXITCODE)" }
    }

    Copy-Item -LiteralPath (Join-Path $directory 'client_ed25519.pub') -Destination (Join-Path $directory 'authorized_keys')
    & chmod 600 (Join-Path $directory 'authorized_keys') (Join-Path $directory 'client_ed25519') (Join-Path $directory 'host_ed25519')

    $userName = [Environment]::UserName
    $isRoot = (& id -u) -eq '0'
    if ($isRoot -and -not (Test-Path -LiteralPath '/run/sshd')) {
        # OpenSSH's privilege separation directory (compiled in); the ssh service would create it at boot.
        New-Item -ItemType Directory -Path '/run/sshd' -Force | Out-Null
        & chmod 755 '/run/sshd'
    }

    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()

    $config = Join-Path $directory 'sshd_config'
    $log = Join-Path $directory 'sshd.log'
    @(
        "Port $port"
        'ListenAddress 127.0.0.1'
        "HostKey $(Join-Path $directory 'host_ed25519')"
        "PidFile $(Join-Path $directory 'sshd.pid')"
        "AuthorizedKeysFile $(Join-Path $directory 'authorized_keys')"
        "AllowUsers $userName"
        'PubkeyAuthentication yes'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'PermitRootLogin prohibit-password'
        'UsePAM no'
        # The key files live under the temporary directory, not a home directory with its usual modes.
        'StrictModes no'
        'MaxStartups 64:30:128'
        'MaxSessions 64'
        'LogLevel VERBOSE'
        "Subsystem powershell $(Get-PwshSubsystemCommand)"
    ) | Set-Content -LiteralPath $config

    $sshd = Find-SshTool 'sshd'
    $check = & $sshd -t -f $config 2>&1
    if ($LASTEXITCODE -ne 0) { throw "sshd rejected its test configuration: $check" }

    # bash runs sshd and watches this process; when it is gone (or sshd exits), sshd is stopped.
    $watch = "'$sshd' -D -f '$config' -E '$log' & s=`$!; while kill -0 $PID 2>/dev/null && kill -0 `$s 2>/dev/null; do sleep 0.5; done; kill `$s 2>/dev/null; wait `$s"
    $startInfo = [Diagnostics.ProcessStartInfo]::new('/bin/bash')
    $startInfo.ArgumentList.Add('-c')
    $startInfo.ArgumentList.Add($watch)
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $watcher = [Diagnostics.Process]::Start($startInfo)
    Set-Content -LiteralPath (Join-Path $directory 'watcher.pid') -Value $watcher.Id
    $null = $watcher.StandardOutput.ReadToEndAsync()
    $null = $watcher.StandardError.ReadToEndAsync()

    $server = [pscustomobject]@{
        PSTypeName  = 'AsyncWeb.TestSshd'
        Port        = $port
        UserName    = $userName
        KeyFilePath = Join-Path $directory 'client_ed25519'
        # HOME may be empty (CI): nothing of ~/.ssh is needed or written.
        Options     = @{
            StrictHostKeyChecking = 'no'
            UserKnownHostsFile    = Join-Path $directory 'known_hosts'
            IdentitiesOnly        = 'yes'
            BatchMode             = 'yes'
            LogLevel              = 'ERROR'
        }
        Directory   = $directory
        Pid         = 0
        WatcherPid  = $watcher.Id
        Log         = $log
    }

    $deadline = [Diagnostics.Stopwatch]::StartNew()
    while ($deadline.Elapsed.TotalSeconds -lt $TimeoutSec) {
        $pidFile = Join-Path $directory 'sshd.pid'
        if ((Test-Path -LiteralPath $pidFile) -and (Test-TcpPort $port)) {
            $server.Pid = [int](Get-Content -Raw -LiteralPath $pidFile)
            return $server
        }

        if ($watcher.HasExited) { break }
        Start-Sleep -Milliseconds 100
    }

    $text = if (Test-Path -LiteralPath $log) { (Get-Content -Raw -LiteralPath $log) } else { '(no log)' }
    Stop-TestSshd $server
    throw "sshd did not listen on 127.0.0.1:$port within $TimeoutSec s: $text"
}

function Test-TcpPort([int] $Port) {
    $client = [Net.Sockets.TcpClient]::new()
    try { return $client.ConnectAsync([Net.IPAddress]::Loopback, $Port).Wait(500) }
    catch { return $false }
    finally { $client.Dispose() }
}

function Stop-TestSshd {
    <#
    .SYNOPSIS
    Stops test sshds and their watchers by pid and deletes their keys: the one given, every one this process
    started (-OwnerProcessId $PID: build.ps1's finally), or those whose owner is gone (-Stale). Sessions to
    an sshd end with their connections.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Server')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Server')][AllowNull()][psobject] $Server,
        [Parameter(Mandatory, ParameterSetName = 'Owner')][int] $OwnerProcessId,
        [Parameter(Mandatory, ParameterSetName = 'Stale')][switch] $Stale
    )

    $directories = switch ($PSCmdlet.ParameterSetName) {
        'Server' { if ($Server) { $Server.Directory } }
        default {
            foreach ($item in Get-ChildItem -LiteralPath ([IO.Path]::GetTempPath()) -Directory -Filter 'asyncweb-sshd-*' -ErrorAction SilentlyContinue) {
                $owner = [int]($item.Name -split '-')[2]
                if (($Stale -and -not (Get-Process -Id $owner -ErrorAction SilentlyContinue)) -or $owner -eq $OwnerProcessId) { $item.FullName }
            }
        }
    }

    foreach ($directory in $directories) {
        # sshd first: once its watcher is gone nothing else would stop it.
        foreach ($file in 'sshd.pid', 'watcher.pid') {
            $pidFile = Join-Path $directory $file
            $id = if (Test-Path -LiteralPath $pidFile) { [int](Get-Content -Raw -LiteralPath $pidFile) } else { 0 }
            $process = if ($id -gt 0) { Get-Process -Id $id -ErrorAction SilentlyContinue }
            if ($process) {
                & kill -TERM $id 2>$null
                if (-not $process.WaitForExit(5000)) { & kill -KILL $id 2>$null }
            }
        }

        Remove-Item -LiteralPath $directory -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function New-TestSshSession {
    <#
    .SYNOPSIS
    PSSessions to the test sshd, one per host name given (e.g. 127.0.0.1 and localhost: two "hosts" on this machine).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][psobject] $Server,
        [Parameter(Mandatory)][string[]] $HostName
    )

    New-PSSession -HostName $HostName -Port $Server.Port -UserName $Server.UserName -KeyFilePath $Server.KeyFilePath -Options $Server.Options -ErrorAction Stop
}

Export-ModuleMember -Function Get-SshdUnavailableReason, Install-TestOpenSsh, Start-TestSshd, Stop-TestSshd, New-TestSshSession

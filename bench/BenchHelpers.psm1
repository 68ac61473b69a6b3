#requires -Version 7.4
# Helpers for bench/Invoke-Benchmark.ps1: peers from Debian packages, the nginx it starts and stops
# by pid and its rate access log, generated data, child processes measured by /usr/bin/time -v,
# medians and formatting.

Set-StrictMode -Version 3.0

$script:Packages = [ordered]@{
    # command or check      = Debian package
    '/usr/sbin/nginx'       = 'nginx-light'
    '/usr/bin/curl'         = 'curl'
    '/usr/bin/wrk'          = 'wrk'
    '/usr/bin/time'         = 'time'
    'aiohttp'               = 'python3-aiohttp'
    '/usr/bin/jq'           = 'jq'
}

function Test-Aiohttp {
    if (-not (Test-Path -LiteralPath '/usr/bin/python3')) { return $false }
    & /usr/bin/python3 -c 'import aiohttp' 2>$null
    return $LASTEXITCODE -eq 0
}

function Install-BenchPeer {
    <#
    .SYNOPSIS
    Checks nginx, curl, wrk, GNU time, Debian's python3-aiohttp and jq (or only the -Peer named: nginx, curl,
    wrk, time, aiohttp, jq); installs the missing ones with apt-get.
    #>
    [CmdletBinding()]
    param([string[]] $Peer, [switch] $NoInstall)

    $wanted = $script:Packages.GetEnumerator() | Where-Object { -not $Peer -or (Split-Path -Leaf $_.Key) -in $Peer }
    $missing = foreach ($entry in $wanted) {
        $present = if ($entry.Key -eq 'aiohttp') { Test-Aiohttp } else { Test-Path -LiteralPath $entry.Key }
        if (-not $present) { $entry.Value }
    }

    if (-not $missing) { return }
    if ($NoInstall) { throw "Missing benchmark peers (Debian packages): $($missing -join ', '). Install them or run without -NoInstall." }

    # The tests' installer (apt-get as root); where it cannot install, a benchmark without its peers cannot run.
    Import-Module (Join-Path $PSScriptRoot '../tests/TestPackages.psm1') -Force
    $skipped = 'the benchmark cannot run without them'
    if (-not (Test-DebianPackageInstallable -Name 'benchmark peers' -Skipped $skipped)) {
        throw "Install these Debian packages by hand (apt-get as root): $($missing -join ', ')"
    }

    Install-DebianPackage -Package $missing -Name 'benchmark peers' -Purpose 'for the side-by-side runs' -Skipped $skipped
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port } finally { $listener.Stop() }
}

function Wait-Port {
    param([int] $Port, [System.Diagnostics.Process] $Process, [double] $TimeoutSec = 15)

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Process -and $Process.HasExited) { throw "process $($Process.Id) exited with $($Process.ExitCode) before it listened on $Port" }
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            if ($client.ConnectAsync([System.Net.IPAddress]::Loopback, $Port).Wait(500)) { return }
        }
        catch { }
        finally { $client.Dispose() }
        Start-Sleep -Milliseconds 100
    }

    throw "nothing listened on 127.0.0.1:$Port within $TimeoutSec s"
}

function Stop-BenchProcess {
    <#
    .SYNOPSIS
    Stops one process that the benchmark started, by its pid: SIGTERM, then SIGKILL after a bound.
    #>
    param([int] $Id, [double] $TimeoutSec = 10)

    $process = Get-Process -Id $Id -ErrorAction SilentlyContinue
    if (-not $process) { return }
    & kill -TERM $Id 2>$null
    if (-not $process.WaitForExit([int]($TimeoutSec * 1000))) {
        & kill -KILL $Id 2>$null
        $null = $process.WaitForExit(5000)
    }
}

function Start-BenchNginx {
    <#
    .SYNOPSIS
    Writes nginx.conf from the template into WorkDir/Name and starts nginx (daemon off) on 127.0.0.1;
    {{KEY}} placeholders beyond the common ones come from -Replace.
    .OUTPUTS
    An object with Pid, Port, Base (http://127.0.0.1:port), Process and RateLog (the access log of
    /tiny?rate=<tag> requests: "msec request_time tag status" per line).
    #>
    param([string] $Template, [string] $WorkDir, [string] $Root, [string] $Name = 'nginx', [hashtable] $Replace = @{})

    $dir = Join-Path $WorkDir $Name
    foreach ($sub in 'tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi') {
        New-Item -ItemType Directory -Force -Path (Join-Path $dir $sub) | Out-Null
    }

    $port = Get-FreePort
    $isRoot = (& id -u) -eq '0'
    $config = (Get-Content -Raw -LiteralPath $Template).
        Replace('{{USER}}', $(if ($isRoot) { 'user root;' } else { '' })).
        Replace('{{WORKERS}}', [string][Environment]::ProcessorCount).
        Replace('{{WORK}}', $WorkDir).
        Replace('{{PORT}}', [string]$port).
        Replace('{{ROOT}}', $Root)
    foreach ($entry in $Replace.GetEnumerator()) { $config = $config.Replace("{{$($entry.Key)}}", [string]$entry.Value) }
    $configPath = Join-Path $dir 'nginx.conf'
    Set-Content -LiteralPath $configPath -Value $config -NoNewline

    $errorLog = Join-Path $dir 'error.log'
    & /usr/sbin/nginx -t -q -e $errorLog -c $configPath -p $dir
    if ($LASTEXITCODE -ne 0) { throw "nginx rejected $configPath (see $errorLog)" }

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('/usr/sbin/nginx')
    foreach ($arg in '-e', $errorLog, '-c', $configPath, '-p', $dir) { $startInfo.ArgumentList.Add($arg) }
    $startInfo.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        Wait-Port -Port $port -Process $process
    }
    catch {
        Stop-BenchProcess -Id $process.Id
        throw
    }

    [pscustomobject]@{ Pid = $process.Id; Port = $port; Base = "http://127.0.0.1:$port"; Process = $process; RateLog = (Join-Path $dir 'rate-access.log') }
}

function New-BenchCertificate {
    <#
    .SYNOPSIS
    A local CA and a server certificate it signs (CN=localhost, SAN localhost, *.sweep.test and 127.0.0.1), for
    scenarios 8 and 16 (one wildcard certificate for the sweep's 1,000 names).
    .DESCRIPTION
    Made with .NET's CertificateRequest (RSA 2048, SHA-256, as a typical public server), written as PEM
    under Directory: ca.pem (the CA alone: curl --cacert, SSL_CERT_FILE), chain.pem (server
    certificate, then the CA: nginx's ssl_certificate), server.key (PKCS#8), and an empty folder
    roots/ (SSL_CERT_DIR: no other root is trusted). Returns those paths.
    #>
    param([string] $Directory)

    New-Item -ItemType Directory -Force -Path $Directory, (Join-Path $Directory 'roots') | Out-Null
    $sha256 = [System.Security.Cryptography.HashAlgorithmName]::SHA256
    $pkcs1 = [System.Security.Cryptography.RSASignaturePadding]::Pkcs1
    $now = [DateTimeOffset]::UtcNow
    $caKey = [System.Security.Cryptography.RSA]::Create(2048)
    $serverKey = [System.Security.Cryptography.RSA]::Create(2048)
    try {
        $caRequest = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=AsyncWeb bench CA', $caKey, $sha256, $pkcs1)
        $caRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $caRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
        $caRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($caRequest.PublicKey, $false))
        $ca = $caRequest.CreateSelfSigned($now.AddDays(-1), $now.AddDays(30))

        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=localhost', $serverKey, $sha256, $pkcs1)
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('DigitalSignature, KeyEncipherment', $true))
        $serverAuth = [System.Security.Cryptography.OidCollection]::new()
        $null = $serverAuth.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($serverAuth, $false))
        $names = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        $names.AddDnsName('localhost')
        $names.AddDnsName('*.sweep.test')
        $names.AddIpAddress([System.Net.IPAddress]::Loopback)
        $request.CertificateExtensions.Add($names.Build())
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509AuthorityKeyIdentifierExtension]::CreateFromCertificate($ca, $true, $false))
        $serial = [byte[]]::new(16)
        [System.Security.Cryptography.RandomNumberGenerator]::Fill($serial)
        $serial[0] = $serial[0] -band 0x7f
        $server = $request.Create($ca, $now.AddDays(-1), $now.AddDays(30), $serial)

        $paths = [pscustomobject]@{
            CaFile   = Join-Path $Directory 'ca.pem'
            Chain    = Join-Path $Directory 'chain.pem'
            Key      = Join-Path $Directory 'server.key'
            RootsDir = Join-Path $Directory 'roots'
        }
        [System.IO.File]::WriteAllText($paths.CaFile, $ca.ExportCertificatePem() + "`n")
        [System.IO.File]::WriteAllText($paths.Chain, $server.ExportCertificatePem() + "`n" + $ca.ExportCertificatePem() + "`n")
        [System.IO.File]::WriteAllText($paths.Key, $serverKey.ExportPkcs8PrivateKeyPem() + "`n")
        $paths
    }
    finally {
        $caKey.Dispose()
        $serverKey.Dispose()
    }
}

function Clear-RateLog {
    <#
    .SYNOPSIS
    Empties nginx's rate access log (nginx appends with O_APPEND, so its next line lands at the start).
    #>
    param([string] $Path)
    if (Test-Path -LiteralPath $Path) { [System.IO.File]::Open($Path, [System.IO.FileMode]::Truncate, [System.IO.FileAccess]::Write).Dispose() }
}

function Get-RateLogArrival {
    <#
    .SYNOPSIS
    The arrival times at nginx (Unix seconds, ms resolution: $msec - $request_time), sorted, of the
    requests logged with ?rate=Tag; waits up to TimeoutSec for Expected lines (nginx logs after it answers).
    #>
    param([string] $Path, [string] $Tag, [int] $Expected, [double] $TimeoutSec = 5)

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        $arrivals = [System.Collections.Generic.List[double]]::new()
        $lines = if (Test-Path -LiteralPath $Path) { [System.IO.File]::ReadAllLines($Path) } else { @() }
        foreach ($line in $lines) {
            $fields = $line.Split(' ')
            if ($fields.Count -ge 3 -and $fields[2] -eq $Tag) {
                $invariant = [System.Globalization.CultureInfo]::InvariantCulture
                $arrivals.Add([double]::Parse($fields[0], $invariant) - [double]::Parse($fields[1], $invariant))
            }
        }
        if ($arrivals.Count -ge $Expected -or [DateTime]::UtcNow -ge $deadline) { break }
        Start-Sleep -Milliseconds 100
    }
    $arrivals.Sort()
    return , $arrivals.ToArray()
}

function Start-DelayServer {
    <#
    .SYNOPSIS
    Starts the endpoint of scenario 2: the project's Kestrel test server (copied to WorkDir) or bench/delay_server.py.
    .OUTPUTS
    An object with Pid and Url (answers after 100 ms).
    #>
    param([ValidateSet('TestServer', 'Aiohttp')][string] $Kind, [string] $TestServerDll, [string] $PythonServer)

    if ($Kind -eq 'TestServer') {
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new((Get-DotnetHost))
        foreach ($arg in $TestServerDll, '--parent-pid', [string]$PID) { $startInfo.ArgumentList.Add($arg) }
    }
    else {
        $port = Get-FreePort
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/python3')
        foreach ($arg in $PythonServer, [string]$port, [string]$PID) { $startInfo.ArgumentList.Add($arg) }
    }

    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(30000) -or -not $line.Result) {
        Stop-BenchProcess -Id $process.Id
        throw "the $Kind delay server did not start"
    }

    $base = if ($Kind -eq 'TestServer') { ($line.Result | ConvertFrom-Json).http } else { "http://127.0.0.1:$port" }
    [pscustomobject]@{ Pid = $process.Id; Url = "$base/delay/100"; Kind = $Kind; Process = $process }
}

function Get-DotnetHost {
    $path = [Environment]::ProcessPath
    if ((Split-Path -Leaf $path) -like 'dotnet*') { return $path }
    $command = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    throw 'cannot find dotnet'
}

function Get-PwshCommand {
    <#
    .SYNOPSIS
    The command line of a fresh pwsh like this one: dotnet .../pwsh.dll under `dotnet pwsh`, else the pwsh executable.
    #>
    $path = [Environment]::ProcessPath
    if ((Split-Path -Leaf $path) -like 'dotnet*') { return @($path, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($path)
}

function New-BenchFile {
    <#
    .SYNOPSIS
    Writes Length random bytes to Path (kept when it already has that length).
    #>
    param([string] $Path, [long] $Length)

    if ((Test-Path -LiteralPath $Path) -and (Get-Item -LiteralPath $Path).Length -eq $Length) { return }
    $buffer = [byte[]]::new([Math]::Min(4MB, $Length))
    $stream = [System.IO.File]::Create($Path)
    try {
        $left = $Length
        while ($left -gt 0) {
            [System.Random]::Shared.NextBytes($buffer)
            $n = [int][Math]::Min($buffer.Length, $left)
            $stream.Write($buffer, 0, $n)
            $left -= $n
        }
    }
    finally { $stream.Dispose() }
}

function New-BenchData {
    <#
    .SYNOPSIS
    The files nginx serves: small.json (1 KB), limited.bin (256 KiB, scenario 9), big.bin (BigBytes),
    files/f0000.bin... (FileCount x 1 MiB).
    #>
    param([string] $Root, [long] $BigBytes, [int] $FileCount)

    New-Item -ItemType Directory -Force -Path $Root, (Join-Path $Root 'files') | Out-Null

    # A 1,024-byte JSON document: an items array padded to the exact size.
    $items = foreach ($i in 0..29) { '{{"n":{0},"value":"abcdefgh"}}' -f $i }
    $json = '{"id":1,"name":"asyncweb-bench","items":[' + ($items -join ',') + '],"pad":"'
    $json += ('x' * (1024 - $json.Length - 2)) + '"}'
    [System.IO.File]::WriteAllText((Join-Path $Root 'small.json'), $json)
    New-BenchFile -Path (Join-Path $Root 'limited.bin') -Length 256KB

    if ($BigBytes -gt 0) { New-BenchFile -Path (Join-Path $Root 'big.bin') -Length $BigBytes }
    for ($i = 0; $i -lt $FileCount; $i++) {
        New-BenchFile -Path (Join-Path $Root ('files/f{0:d4}.bin' -f $i)) -Length 1MB
    }
}

function New-BenchJsonArray {
    <#
    .SYNOPSIS
    Writes a JSON array of small objects (about 150 bytes each, one per line) of at least Length bytes to Path
    (kept when it already has the size this Length gives) and returns its element count.
    #>
    param([string] $Path, [long] $Length)

    $perBlock = 1000
    $elements = foreach ($i in 0..($perBlock - 1)) {
        '{{"id":{0},"name":"item-{0}","email":"user{0}@example.com","active":{1},"score":{2}.5,"tags":["alpha","beta"],"address":{{"city":"Springfield","zip":"{0:d5}"}}}}' -f $i, ($i % 3 -ne 0).ToString().ToLowerInvariant(), ($i % 97)
    }
    $block = [System.Text.Encoding]::UTF8.GetBytes(($elements -join ",`n"))
    $separator = [System.Text.Encoding]::UTF8.GetBytes(",`n")
    $blocks = [long][Math]::Max(1, [Math]::Ceiling($Length / ($block.Length + $separator.Length)))
    $size = 2 + 2 + $blocks * $block.Length + ($blocks - 1) * $separator.Length
    if (-not ((Test-Path -LiteralPath $Path) -and (Get-Item -LiteralPath $Path).Length -eq $size)) {
        $stream = [System.IO.File]::Create($Path)
        try {
            $stream.Write([byte[]](0x5B, 0x0A), 0, 2)
            for ($b = 0; $b -lt $blocks; $b++) {
                if ($b -gt 0) { $stream.Write($separator, 0, $separator.Length) }
                $stream.Write($block, 0, $block.Length)
            }
            $stream.Write([byte[]](0x0A, 0x5D), 0, 2)
        }
        finally { $stream.Dispose() }
    }

    return $blocks * $perBlock
}

function Invoke-Measured {
    <#
    .SYNOPSIS
    Runs one command under /usr/bin/time -v and returns its wall time, peak RSS, exit code and output.
    .DESCRIPTION
    -StdoutToNull sends the command's stdout to /dev/null through `sh -c 'exec "$@" >/dev/null'`
    (exec keeps the measured process the command itself). The result's Json is the parsed
    "BENCH-RESULT {...}" line of Invoke-BenchChild.ps1, or a bare JSON line (aiohttp_peer.py).
    #>
    param(
        [Parameter(Mandatory)][string[]] $Command,
        [switch] $StdoutToNull,
        [double] $TimeoutSec = 600,
        [string] $Label = $Command[0],
        # Extra environment variables for the command (scenario 8: SSL_CERT_FILE, SSL_CERT_DIR).
        [hashtable] $Environment = @{}
    )

    $rssFile = [System.IO.Path]::GetTempFileName()
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/time')
    $arguments = @('-v', '-o', $rssFile)
    if ($StdoutToNull) { $arguments += '/bin/sh', '-c', 'exec "$@" >/dev/null', 'sh' }
    foreach ($arg in $arguments + $Command) { $startInfo.ArgumentList.Add($arg) }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    $startInfo.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
    $startInfo.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
    foreach ($entry in $Environment.GetEnumerator()) { $startInfo.Environment[$entry.Key] = [string]$entry.Value }

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit([int]($TimeoutSec * 1000))) {
            $process.Kill($true)
            $null = $process.WaitForExit(5000)
            throw "$Label did not finish within $TimeoutSec s"
        }

        $process.WaitForExit()
        $wall = $watch.Elapsed.TotalSeconds
        $timeText = Get-Content -Raw -LiteralPath $rssFile -ErrorAction SilentlyContinue
    }
    finally {
        $process.Dispose()
        Remove-Item -LiteralPath $rssFile -ErrorAction SilentlyContinue
    }

    $rssKb = if ($timeText -match 'Maximum resident set size \(kbytes\): (\d+)') { [long]$Matches[1] } else { 0 }
    $exit = if ($timeText -match 'Exit status: (\d+)') { [int]$Matches[1] } else { -1 }
    # The whole process's CPU (user + system), which moves less with the machine's load than wall time.
    $cpu = 0.0
    foreach ($kind in 'User', 'System') {
        if ($timeText -match "$kind time \(seconds\): ([\d.]+)") { $cpu += [double]::Parse($Matches[1], [cultureinfo]::InvariantCulture) }
    }
    $json = $null
    foreach ($line in $stdout.Result -split "`n") {
        if ($line -match '^BENCH-RESULT (\{.*\})\s*$') { $json = $Matches[1] | ConvertFrom-Json; break }
        if ($line -match '^\{.*\}\s*$') { $json = $line | ConvertFrom-Json }
    }

    if ($exit -ne 0) {
        $detail = ($stderr.Result + "`n" + $stdout.Result).Trim()
        if ($detail.Length -gt 2000) { $detail = $detail.Substring($detail.Length - 2000) }
        throw "$Label exited with $exit`n$detail"
    }

    [pscustomobject]@{
        Wall   = $wall
        RssMB  = $rssKb / 1024
        CpuSeconds = $cpu
        Json   = $json
        Stdout = $stdout.Result
        Stderr = $stderr.Result
    }
}

function Get-Median {
    param([double[]] $Values)
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return [double]::NaN }
    $middle = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

function Format-Figure {
    param([double] $Value)
    if ([double]::IsNaN($Value)) { return 'n/a' }
    $abs = [Math]::Abs($Value)
    $format = if ($abs -ge 1000) { '{0:N0}' } elseif ($abs -ge 100) { '{0:N0}' } elseif ($abs -ge 10) { '{0:N1}' } else { '{0:N2}' }
    return [string]::Format([System.Globalization.CultureInfo]::InvariantCulture, $format, $Value)
}

Export-ModuleMember -Function Install-BenchPeer, Get-FreePort, Stop-BenchProcess, Start-BenchNginx, New-BenchCertificate, Clear-RateLog, Get-RateLogArrival, Start-DelayServer,
    Get-DotnetHost, Get-PwshCommand, New-BenchData, New-BenchJsonArray, Invoke-Measured, Get-Median, Format-Figure

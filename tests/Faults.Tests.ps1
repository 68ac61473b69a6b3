BeforeDiscovery {
    # A full disk is simulated with a tiny tmpfs; that needs root and mount rights (CI and the dev machines have both).
    $script:canMount = $false
    if ($IsLinux -and (Get-Command mount -ErrorAction SilentlyContinue)) {
        $probe = Join-Path ([IO.Path]::GetTempPath()) "asyncweb-mount-probe-$PID"
        New-Item -ItemType Directory -Force -Path $probe | Out-Null
        & mount -t tmpfs -o size=64k tmpfs $probe 2>$null
        if ($LASTEXITCODE -eq 0) {
            $script:canMount = $true
            & umount $probe
        }
        Remove-Item $probe -Force -ErrorAction SilentlyContinue
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
}

Describe 'A disk that fills up mid-download' -Tag 'Fault' -Skip:(-not $canMount) {
    BeforeAll {
        $script:small = Join-Path ([IO.Path]::GetTempPath()) "asyncweb-full-$PID"
        New-Item -ItemType Directory -Force -Path $small | Out-Null
        & mount -t tmpfs -o size=1m tmpfs $small
        $script:roomy = Join-Path TestDrive: 'roomy'
        New-Item -ItemType Directory -Force -Path $roomy | Out-Null
    }

    AfterAll {
        & umount $small
        Remove-Item $small -Force -ErrorAction SilentlyContinue
    }

    It 'reports FileWriteFailed for the item, leaves no file under the final name and no temporary file, and the others finish' {
        $items = @(
            @{ Uri = "$base/bytes/3000000"; OutFile = (Join-Path $small 'big.bin') }
            @{ Uri = "$base/bytes/1000"; OutFile = (Join-Path $roomy 'small.bin') }
        )
        $results = $items | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev | Should -HaveCount 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'FileWriteFailed,*'
        $ev[0].Exception.Message | Should -Match 'big\.bin'
        $ev[0].Exception.Message | Should -Match 'space'
        Get-ChildItem -Force $small | Should -BeNullOrEmpty
        $results.OutFile | Should -Be (Join-Path (Resolve-Path $roomy).ProviderPath 'small.bin')
        (Get-Item (Join-Path $roomy 'small.bin')).Length | Should -Be 1000
    }
}

Describe 'Progress' {
    BeforeAll {
        # Runs a one-second batch in its own runspace under the given preference; returns its progress records.
        function Get-BatchProgress([string] $Preference) {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($module, $base, $preference)
                        Import-Module $module
                        $ProgressPreference = $preference
                        1..30 | ForEach-Object { "$base/delay/100" } | Invoke-AsyncWebBatch -ThrottleLimit 4 | Out-Null
                    }).AddArgument((Join-Path $PSScriptRoot '../out/AsyncWeb')).AddArgument($base).AddArgument($Preference)
                $null = $ps.Invoke()
                @($ps.Streams.Progress)
            }
            finally { $ps.Dispose() }
        }
    }

    It 'writes progress records with requests done, bytes and rate while a batch runs' {
        $records = Get-BatchProgress 'Continue'
        $records | Should -Not -BeNullOrEmpty
        $records[0].Activity | Should -Be 'Invoke-AsyncWebBatch'
        ($records | Where-Object RecordType -EQ 'Processing')[0].StatusDescription | Should -Match 'done, \d+ in flight, .* received, .* req/s'
        # A few updates a second at most: the batch takes about a second.
        $records.Count | Should -BeLessThan 20
        $records[-1].RecordType | Should -Be 'Completed'
    }

    It 'writes none under $ProgressPreference = SilentlyContinue' {
        Get-BatchProgress 'SilentlyContinue' | Should -BeNullOrEmpty
    }

    It 'writes none from a job (-AsJob): a background batch has no terminal to draw on' {
        $ProgressPreference = 'Continue'
        $job = 1..30 | ForEach-Object { "$base/delay/100" } | Invoke-AsyncWebBatch -AsJob -ThrottleLimit 4
        try {
            $null = $job | Wait-Job -Timeout 30
            $job.State | Should -Be 'Completed'
            @($job | Receive-Job) | Should -HaveCount 30
            $job.Progress | Should -BeNullOrEmpty
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    Context 'in a real terminal' -Tag 'Slow' {
        BeforeAll {
            # A child pwsh in a pseudo-terminal (tests/Tools/pty_session.py) runs the same 40 x 200 ms batch
            # at ThrottleLimit 4 twice: first with progress silenced (its time is the work itself), then
            # with progress shown. While PowerShell's host blocks in WriteProgress no new request starts
            # (the pipeline thread is stuck), so every blocked write shows in the batch's time.
            $script:python = '/usr/bin/python3'
            $script:harness = Join-Path $PSScriptRoot 'Tools/pty_session.py'
            $script:pwshCommand = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
                @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
            } else { @([Environment]::ProcessPath) }
            $script:child = Join-Path $TestDrive 'progress-child.ps1'
            Set-Content -LiteralPath $child -Value @'
param($module, $base, $resultPath)
Import-Module $module
$uris = 1..40 | ForEach-Object { "$base/delay/200" }
$ProgressPreference = 'SilentlyContinue'
$watch = [Diagnostics.Stopwatch]::StartNew()
$null = $uris | Invoke-AsyncWebBatch -ThrottleLimit 4
$quiet = $watch.Elapsed.TotalSeconds
$ProgressPreference = 'Continue'
$watch.Restart()
$verbose = @($uris | Invoke-AsyncWebBatch -ThrottleLimit 4 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Progress is off*' })
@{ quiet = $quiet; shown = $watch.Elapsed.TotalSeconds; verbose = @($verbose.Message) } | ConvertTo-Json | Set-Content -LiteralPath $resultPath
'@

            function Invoke-InTerminal([switch] $NoAnswer) {
                $resultPath = Join-Path $TestDrive "progress-$([guid]::NewGuid().ToString('N')).json"
                $arguments = @($harness, '--timeout', '240')
                if ($NoAnswer) { $arguments += '--no-answer' }
                $arguments += @('--') + $pwshCommand + @('-NoProfile', '-File', $child, (Join-Path $PSScriptRoot '../out/AsyncWeb'), $base, $resultPath)
                $terminal = & $python @arguments | ConvertFrom-Json
                $terminal.exit | Should -Be 0 -Because 'the child pwsh finishes its batches'
                $resultPath | Should -Exist
                $run = Get-Content -Raw -LiteralPath $resultPath -ErrorAction Stop | ConvertFrom-Json
                [pscustomobject]@{ Quiet = $run.quiet; Shown = $run.shown; Verbose = @($run.verbose | Where-Object { $_ }); Queries = $terminal.queries }
            }
        }

        It 'stops writing progress after one blocked write when the terminal never answers the cursor-position query' -Skip:(-not (Test-Path '/usr/bin/python3')) {
            $run = Invoke-InTerminal -NoAnswer
            $run.Verbose | Should -HaveCount 1
            $run.Verbose[0] -match 'blocked for (\d+(\.\d+)?) s' | Should -BeTrue -Because $run.Verbose[0]
            $stall = [double]$Matches[1]
            $stall | Should -BeGreaterThan 1
            # One blocked write, then the rest of the work at full speed: not a blocked write (2 s or more) per update,
            # which would add tens of seconds to the 40 updates; 15 s leaves room for a loaded machine.
            ($run.Shown - $stall) | Should -BeLessThan ($run.Quiet + 15) -Because "the batch took $($run.Shown) s with progress, $($run.Quiet) s without, and one write blocked for $stall s"
        }

        It 'keeps showing progress in a terminal that answers' -Skip:(-not (Test-Path '/usr/bin/python3')) {
            $run = Invoke-InTerminal
            $run.Verbose | Should -BeNullOrEmpty
            # Each rendered record asks for the cursor position: the batch drew several updates.
            $run.Queries | Should -BeGreaterThan 2
        }
    }
}

Describe 'Hostile input' -Tag 'Fault', 'Slow' {
    It 'turns 10,000 random malformed URI strings into one error each, never an unhandled exception' {
        $random = [Random]::new(8)
        $alphabet = [char[]]'abcxyz:/?#[]@!$&''()*+,;=%-._~ 09' + [char]0 + [char]9 + [char]10 + [char]13 + [char]0x7f + [char]0xe9 + [char]0x202e
        $prefixes = '', 'http://', 'https://', 'http://[', 'ftp://', '//', 'http://127.0.0.1:99999', 'http:///'
        $inputs = foreach ($i in 1..10000) {
            $prefixes[$random.Next($prefixes.Count)] + (-join (1..($random.Next(0, 25)) | ForEach-Object { $alphabet[$random.Next($alphabet.Length)] }))
        }
        $results = $inputs | Invoke-AsyncWebBatch -FailuresAsResults -ConnectTimeoutSec 1 -OperationTimeoutSec 1 -ThrottleLimit 64
        $results | Should -HaveCount 10000
        ($results.Index | Sort-Object -Unique) | Should -HaveCount 10000
        $results | Where-Object { -not $_.Error -and $_.StatusCode -eq 0 } | Should -BeNullOrEmpty
        $results | Where-Object { $_.Error.Message -match 'internal error' } | Should -BeNullOrEmpty
    }

    It 'refuses CR or LF in a header name' {
        $null = @{ Uri = "$base/echo"; Headers = @{ "X-A`r`nInjected" = '1' } } | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader,*'
        $ev[0].Exception.Message | Should -Match '\\r\\n'
    }
}

Describe 'Secrets in every stream' -Tag 'Fault' {
    It 'never shows a token, password or cookie value in the default view, verbose, debug, warning or error streams' {
        $token = ConvertTo-SecureString 'TOKEN-abc123' -AsPlainText -Force
        $session = New-AsyncWebSession -BaseUri $base -Token $token -AllowUnencryptedAuthentication
        try {
            $all = @(
                '/json', '/status/500', 'http://user:PASSWORD-xyz@127.0.0.1:1/' |
                    Invoke-AsyncWebBatch -Session $session -Headers @{ Cookie = 'sid=COOKIE-789' } -Verbose -Debug -ErrorAction Continue *>&1
            )
            $text = ($all | ForEach-Object {
                    if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.Message; $_.ToString() }
                    elseif ($_ -is [AsyncWeb.WebBatchResult]) { $_ | Out-String }
                    else { "$_" }
                }) -join "`n"
            $all | Should -Not -BeNullOrEmpty
            $text | Should -Not -Match 'TOKEN-abc123'
            $text | Should -Not -Match 'PASSWORD-xyz'
            $text | Should -Not -Match 'COOKIE-789'
        }
        finally { $session.Dispose() }
    }
}

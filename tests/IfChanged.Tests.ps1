BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath

    function New-TestDirectory([string]$Name) {
        (New-Item -ItemType Directory -Path (Join-Path TestDrive: $Name) -Force).FullName
    }

    # A name of its own per test: /files/{name} keeps a version per name on the server.
    function New-FileName([string]$Prefix) { "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }

    # The bytes /files/{name} serves at version $Version: the pattern from offset $Version - 1.
    function Get-VersionBytes([int]$Size, [int]$Version) {
        $all = Get-PatternBytes ($Size + $Version - 1)
        [byte[]]$all[($Version - 1)..($all.Length - 1)]
    }

    function Get-Sha256([byte[]]$Bytes) {
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes))
    }

    # Every file below a directory that is not -IfChanged's own record: what the user sees of the mirror.
    function Get-MirrorFile([string]$Directory) {
        @(Get-ChildItem -LiteralPath $Directory -Force -File | Where-Object Name -NotLike '.asyncweb-*' | Sort-Object Name)
    }
}

Describe 'Re-fetching only what changed (-IfChanged)' {
    Context 'a mirror into -OutDirectory' {
        It 'transfers no body byte on a second run, in a new process, when nothing changed' {
            $dir = New-TestDirectory 'mirror'
            $prefix = New-FileName 'm'
            $uris = 1..100 | ForEach-Object { "$base/files/$prefix-$_" }

            $first = $uris | Invoke-AsyncWebBatch -OutDirectory $dir -IfChanged -ThrottleLimit 16
            $first | Should -HaveCount 100
            $first | Where-Object { $_.StatusCode -eq 200 -and -not $_.Skipped } | Should -HaveCount 100
            $before = Get-MirrorFile $dir | Select-Object Name, Length, LastWriteTimeUtc
            $before | Should -HaveCount 100

            Reset-TestServerStats -Server $server
            $script = "Import-Module '$modulePath'; `$uris = Get-Content -LiteralPath '$dir.txt'; `$uris | Invoke-AsyncWebBatch -OutDirectory '$dir' -IfChanged -ThrottleLimit 16 | ForEach-Object { '{0}|{1}|{2}|{3}|{4}' -f `$_.StatusCode, `$_.Skipped, `$_.SkipReason, `$_.ContentLength, `$_.OutFile }"
            Set-Content -LiteralPath "$dir.txt" -Value $uris
            $lines = Invoke-FreshPwsh $script

            $lines | Should -HaveCount 100
            $lines | ForEach-Object { $_ | Should -Match "^304\|True\|NotModified\|0\|$([regex]::Escape($dir))" }
            $stats = Get-TestServerStats -Server $server
            $stats.bytesSent | Should -Be 0 -Because 'every answer was 304 Not Modified, without a body'
            @($stats.requestsByPath.PSObject.Properties | Where-Object Name -Like "/files/$prefix-*" | ForEach-Object Value | Measure-Object -Sum).Sum | Should -Be 100
            Get-MirrorFile $dir | Select-Object Name, Length, LastWriteTimeUtc | ConvertTo-Json | Should -Be ($before | ConvertTo-Json) -Because 'the files stand untouched'
        }

        It 'fetches again what changed on the server, and only that' {
            $dir = New-TestDirectory 'changed'
            $names = 1..3 | ForEach-Object { New-FileName 'c' }
            $uris = $names | ForEach-Object { "$base/files/$_" }
            $null = $uris | Invoke-AsyncWebBatch -OutDirectory $dir -IfChanged
            $null = Invoke-RestMethod "$base/files/$($names[1])/touch" -NoProxy

            Reset-TestServerStats -Server $server
            $second = $uris | Invoke-AsyncWebBatch -OutDirectory $dir -IfChanged -Ordered

            @($second | ForEach-Object { "$($_.StatusCode):$($_.Skipped)" }) | Should -Be @('304:True', '200:False', '304:True')
            (Get-TestServerStats -Server $server).bytesSent | Should -Be 1000
            $expected = Get-Sha256 (Get-VersionBytes 1000 2)
            $second[1].Sha256 | Should -Be $expected
            (Get-FileHash -LiteralPath (Join-Path $dir $names[1])).Hash | Should -Be $expected
            $second[0].Sha256 | Should -Be (Get-Sha256 (Get-VersionBytes 1000 1)) -Because 'a skipped file reports the SHA-256 recorded with it'

            $third = $uris | Invoke-AsyncWebBatch -OutDirectory $dir -IfChanged
            $third | ForEach-Object { $_.SkipReason | Should -Be 'NotModified' }
        }

        It 'keys the record by URL, so a file named by Content-Disposition is found before the response names it' {
            $dir = New-TestDirectory 'disposition'
            $name = New-FileName 'd'
            $uri = "$base/files/$name`?filename=report.csv"
            $first = Invoke-AsyncWebBatch $uri -OutDirectory $dir -IfChanged
            $first.OutFile | Should -Be (Join-Path $dir 'report.csv')

            $second = Invoke-AsyncWebBatch $uri -OutDirectory $dir -IfChanged

            $second.StatusCode | Should -Be 304
            $second.Skipped | Should -BeTrue
            $second.OutFile | Should -Be (Join-Path $dir 'report.csv')
        }

        It 'fetches a file again, unconditionally, when it was deleted or changed locally' {
            $dir = New-TestDirectory 'local'
            $deleted, $edited, $touched = 1..3 | ForEach-Object { New-FileName 'l' }
            $uris = $deleted, $edited, $touched | ForEach-Object { "$base/files/$_" }
            $null = $uris | Invoke-AsyncWebBatch -OutDirectory $dir -IfChanged
            Remove-Item -LiteralPath (Join-Path $dir $deleted)
            [IO.File]::AppendAllText((Join-Path $dir $edited), 'local edit')
            (Get-Item -LiteralPath (Join-Path $dir $touched)).LastWriteTimeUtc = [datetime]::UtcNow.AddDays(-1)

            $second = $uris | Invoke-AsyncWebBatch -OutDirectory $dir -IfChanged -Ordered

            $second | ForEach-Object { $_.StatusCode | Should -Be 200; $_.Skipped | Should -BeFalse }
            $expected = Get-Sha256 (Get-VersionBytes 1000 1)
            foreach ($name in $deleted, $edited, $touched) {
                (Get-FileHash -LiteralPath (Join-Path $dir $name)).Hash | Should -Be $expected
            }
            ($uris | Invoke-AsyncWebBatch -OutDirectory $dir -IfChanged).Skipped | Should -Not -Contain $false
        }
    }

    Context 'with -OutFile' {
        It 'skips an unchanged file and asks again after a change, with the ETag or with Last-Modified alone (<Validators>)' -ForEach @(
            @{ Validators = 'both' }
            @{ Validators = 'etag' }
            @{ Validators = 'lastmodified' }
        ) {
            $dir = New-TestDirectory "outfile-$Validators"
            $name = New-FileName 'o'
            $target = Join-Path $dir 'copy.bin'
            $uri = "$base/files/$name`?validators=$Validators"
            (Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged).StatusCode | Should -Be 200

            $same = Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged
            $same.StatusCode | Should -Be 304
            $same.SkipReason | Should -Be 'NotModified'
            $same.OutFile | Should -Be $target

            $null = Invoke-RestMethod "$base/files/$name/touch" -NoProxy
            $changed = Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged
            $changed.StatusCode | Should -Be 200
            (Get-FileHash -LiteralPath $target).Hash | Should -Be (Get-Sha256 (Get-VersionBytes 1000 2))
        }

        It 'keeps no record when the server sends no validator, and says so with -Verbose' {
            $dir = New-TestDirectory 'none'
            $uri = "$base/files/$(New-FileName 'n')?validators=none"
            $output = Invoke-AsyncWebBatch $uri -OutFile (Join-Path $dir 'x.bin') -IfChanged -Verbose 4>&1
            @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'no ETag or Last-Modified' }) | Should -HaveCount 1

            (Invoke-AsyncWebBatch $uri -OutFile (Join-Path $dir 'x.bin') -IfChanged).StatusCode | Should -Be 200
        }

        It 'keeps a record only for a committed download: a SHA-256 mismatch leaves neither file nor record' {
            $dir = New-TestDirectory 'mismatch'
            $uri = "$base/files/$(New-FileName 'h')"
            $failed = Invoke-AsyncWebBatch $uri -OutFile (Join-Path $dir 'h.bin') -IfChanged -Sha256 ('0' * 64) -FailuresAsResults

            $failed.ErrorId | Should -Be 'HashMismatch'
            @(Get-ChildItem -LiteralPath $dir -Force -Recurse -File) | Should -HaveCount 0
        }

        It 'asks only when the recorded SHA-256 is the one -Sha256 expects' {
            $dir = New-TestDirectory 'sha'
            $target = Join-Path $dir 'f.bin'
            $uri = "$base/files/$(New-FileName 's')"
            $v1 = Get-Sha256 (Get-VersionBytes 1000 1)
            $null = Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged -Sha256 $v1

            (Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged -Sha256 $v1).StatusCode | Should -Be 304

            Reset-TestServerStats -Server $server
            $other = Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged -Sha256 ('A' * 64) -FailuresAsResults
            $other.ErrorId | Should -Be 'HashMismatch' -Because 'the file on disk is not the one expected, so it was fetched without asking'
            (Get-TestServerStats -Server $server).bytesSent | Should -Be 1000
            (Get-FileHash -LiteralPath $target).Hash | Should -Be $v1 -Because 'a failed download never replaces the file'
        }

        It 'continues a -Resume partial file instead of asking whether the old file changed' {
            $dir = New-TestDirectory 'resume'
            $target = Join-Path $dir 'big.bin'
            $name = New-FileName 'r'
            $uri = "$base/files/$name`?size=100000"
            $null = Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged
            $null = Invoke-RestMethod "$base/files/$name/touch" -NoProxy
            $v2 = Get-VersionBytes 100000 2
            [IO.File]::WriteAllBytes("$target.asyncweb-partial", [byte[]]$v2[0..39999])
            [IO.File]::WriteAllText("$target.asyncweb-partial.validator", "`"$name-v2`"")

            $result = Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged -Resume

            $result.StatusCode | Should -Be 206
            $result.Resumed | Should -BeTrue
            (Get-FileHash -LiteralPath $target).Hash | Should -Be (Get-Sha256 $v2)
            (Invoke-AsyncWebBatch $uri -OutFile $target -IfChanged -Resume).StatusCode | Should -Be 304
        }

        It 'refuses -IfChanged with -SkipExisting before sending anything' {
            { Invoke-AsyncWebBatch "$base/files/x" -OutFile (Join-Path $TestDrive 'x') -IfChanged -SkipExisting } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath

    function New-TestDirectory([string]$Name) {
        (New-Item -ItemType Directory -Path (Join-Path TestDrive: $Name) -Force).FullName
    }

    # Every file below a directory, hidden ones (temporary, partial) included.
    function Get-FileName([string]$Directory) {
        @(Get-ChildItem -LiteralPath $Directory -Force -File -Recurse | ForEach-Object Name)
    }

    # Writes the first $Length bytes of the /bytes/$Total body as the partial file of $Target, with a validator.
    function New-PartialFile([string]$Target, [long]$Length, [string]$Validator) {
        [IO.File]::WriteAllBytes("$Target.asyncweb-partial", (Get-PatternBytes $Length))
        if ($Validator) {
            [IO.File]::WriteAllText("$Target.asyncweb-partial.validator", $Validator)
        }
    }

    # Starts a download in a child pwsh process, which a test may kill hard (SIGKILL, as kill -9).
    function Start-ChildDownload([string]$Uri, [string]$Target) {
        $exe = [Environment]::ProcessPath
        $script = "Import-Module '$modulePath'; Invoke-AsyncWebBatch '$Uri' -OutFile '$Target' -OperationTimeoutSec 60"
        $arguments = @('-NoProfile', '-NonInteractive', '-Command', $script)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments }
        Start-Process -FilePath $exe -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path TestDrive: "child-$([guid]::NewGuid()).out")
    }

    # The temporary file a download of $Target is writing, once it holds some bytes.
    function Get-TempFile([string]$Target) {
        Get-ChildItem -LiteralPath (Split-Path $Target) -Force -Filter ".$(Split-Path -Leaf $Target).*.asyncweb-tmp" | Where-Object Length -GT 0
    }

    # Starts a download in another runspace of this process, as a console user's pipeline.
    function Start-BackgroundDownload([string]$Uri, [string]$Target, [switch]$Resume) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($ModulePath, $Uri, $Target, $Resume)
                Import-Module $ModulePath
                Invoke-AsyncWebBatch $Uri -OutFile $Target -Resume:$Resume
            }).AddArgument($modulePath).AddArgument($Uri).AddArgument($Target).AddArgument([bool]$Resume)
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }
}

Describe 'Downloading to -OutFile' {
    Context 'content on disk' {
        It 'writes exactly the server''s bytes and reports OutFile and ContentLength, with no Sha256 unless asked' {
            $dir = New-TestDirectory 'exact'
            $expected = Get-PatternSha256 100000

            $result = Invoke-AsyncWebBatch "$base/bytes/100000" -OutFile (Join-Path $dir 'data.bin')

            $result.Success | Should -BeTrue
            [IO.Path]::IsPathFullyQualified($result.OutFile) | Should -BeTrue
            $result.OutFile | Should -Be (Join-Path $dir 'data.bin')
            $result.ContentLength | Should -Be 100000
            $result.Sha256 | Should -BeNullOrEmpty -Because 'hashing costs a core-second per GiB: only -ComputeSha256 or an expected hash asks for it'
            (Get-FileHash -LiteralPath $result.OutFile -Algorithm SHA256).Hash | Should -Be $expected
            $result.Content | Should -BeNullOrEmpty
            $result.RawContent | Should -BeNullOrEmpty
            Get-FileName $dir | Should -Be 'data.bin'
        }

        It 'reports the SHA-256 of what it wrote with -ComputeSha256, for -OutFile and -OutDirectory alike' {
            $dir = New-TestDirectory 'compute'

            $results = @(
                Invoke-AsyncWebBatch "$base/bytes/1000000" -OutFile (Join-Path $dir 'file.bin') -ComputeSha256
                Invoke-AsyncWebBatch "$base/bytes/777777" -OutDirectory $dir -ComputeSha256
            )

            $results[0].Sha256 | Should -Be (Get-PatternSha256 1000000)
            $results[1].Sha256 | Should -Be (Get-PatternSha256 777777)
            $results | ForEach-Object { (Get-FileHash -LiteralPath $_.OutFile).Hash | Should -Be $_.Sha256 }
        }

        It 'streams a chunked body without Content-Length byte for byte' {
            $dir = New-TestDirectory 'chunked'
            $expected = Get-PatternSha256 300000

            $result = Invoke-AsyncWebBatch "$base/stream/300000" -OutFile (Join-Path $dir 'stream.bin') -ComputeSha256

            $result.Headers.ContainsKey('Content-Length') | Should -BeFalse
            $result.ContentLength | Should -Be 300000
            $result.Sha256 | Should -Be $expected
            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be $expected
            Get-FileName $dir | Should -Be 'stream.bin'
        }

        It 'writes the same bytes over HTTP/2' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack speaks HTTP/1.x only: the netstandard2.0 build refuses -HttpVersion 2.0 (tested below)' }
            $dir = New-TestDirectory 'h2c'

            $result = Invoke-AsyncWebBatch "$($server.H2c)/bytes/300000" -OutFile (Join-Path $dir 'h2.bin') -HttpVersion 2.0

            $result.ProtocolVersion | Should -Be ([version]'2.0')
            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be (Get-PatternSha256 300000)
        }

        It 'writes an empty body as an empty file' {
            $dir = New-TestDirectory 'empty'

            $result = Invoke-AsyncWebBatch "$base/bytes/0" -OutFile (Join-Path $dir 'empty.bin') -ComputeSha256

            $result.ContentLength | Should -Be 0
            $result.Sha256 | Should -Be (Get-PatternSha256 0)
            (Get-Item -LiteralPath $result.OutFile).Length | Should -Be 0
        }

        It 'resolves relative -OutFile and per-item OutFile paths against the current PowerShell location' {
            $dir = New-TestDirectory 'relative'
            Push-Location (Join-Path TestDrive: 'relative')
            try {
                $results = @(@{ Uri = "$base/bytes/10"; OutFile = 'item.bin' } | Invoke-AsyncWebBatch)
                $results += Invoke-AsyncWebBatch "$base/bytes/20" -OutFile 'param.bin'
            }
            finally {
                Pop-Location
            }

            $results.OutFile | Should -Be (Join-Path $dir 'item.bin'), (Join-Path $dir 'param.bin')
            (Get-Item -LiteralPath (Join-Path $dir 'item.bin')).Length | Should -Be 10
            (Get-Item -LiteralPath (Join-Path $dir 'param.bin')).Length | Should -Be 20
        }
    }

    Context 'a failure leaves no broken file' {
        It 'leaves neither the final file nor a temporary file when <Case>' -ForEach @(
            @{ Case = 'the connection resets mid-body'; Path = '/reset'; Listener = 'Http'; ErrorId = 'ConnectionReset'; Extra = @{} }
            @{ Case = 'the connection resets before the headers'; Path = '/reset?when=headers'; Listener = 'Http'; ErrorId = '*'; Extra = @{} }
            @{ Case = 'a raw server resets mid-body'; Path = '/reset-body'; Listener = 'Raw'; ErrorId = 'ConnectionReset'; Extra = @{} }
            @{ Case = 'the server falls silent mid-body'; Path = '/drip?bytes=100&intervalMs=3000'; Listener = 'Http'; ErrorId = 'OperationTimeout'; Extra = @{ OperationTimeoutSec = 0.5 } }
            @{ Case = 'the server answers 404'; Path = '/status/404'; Listener = 'Http'; ErrorId = 'HttpStatus'; Extra = @{} }
        ) {
            $dir = New-TestDirectory "failure-$([guid]::NewGuid().ToString('N').Substring(0, 8))"

            $result = Invoke-AsyncWebBatch "$($server.$Listener)$Path" -OutFile (Join-Path $dir 'data.bin') -FailuresAsResults @Extra

            $result.Success | Should -BeFalse
            $result.Error.ErrorId | Should -BeLike $ErrorId
            Get-FileName $dir | Should -BeNullOrEmpty
        }

        It 'keeps only the partial file (never the final name) with -Resume when the connection resets' {
            $dir = New-TestDirectory 'reset-resume'

            $result = Invoke-AsyncWebBatch "$base/reset" -OutFile (Join-Path $dir 'reset.bin') -Resume -FailuresAsResults

            $result.Error.ErrorId | Should -Be 'ConnectionReset'
            Get-FileName $dir | Should -Be 'reset.bin.asyncweb-partial'
            (Get-Item -LiteralPath (Join-Path $dir 'reset.bin.asyncweb-partial')).Length | Should -BeLessThan 100000
        }

        It 'fails a SHA-256 mismatch with HashMismatch and leaves no file under the final name' {
            $dir = New-TestDirectory 'mismatch'
            $target = Join-Path $dir 'bad.bin'

            $result = Invoke-AsyncWebBatch "$base/bytes/5000" -OutFile $target -Sha256 ('0' * 64) -ErrorVariable ev -ErrorAction SilentlyContinue

            $result | Should -BeNullOrEmpty
            $ev | Should -HaveCount 1
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'HashMismatch,*'
            $ev[0].Exception.Message | Should -Match (Get-PatternSha256 5000)
            Get-FileName $dir | Should -BeNullOrEmpty
        }

        It 'fails a SHA-256 mismatch with -Resume without keeping the partial file' {
            $dir = New-TestDirectory 'mismatch-resume'

            $result = Invoke-AsyncWebBatch "$base/bytes/5000" -OutFile (Join-Path $dir 'bad.bin') -Sha256 ('F' * 64) -Resume -FailuresAsResults

            $result.Error.ErrorId | Should -Be 'HashMismatch'
            Get-FileName $dir | Should -BeNullOrEmpty
        }

        It 'accepts a matching expected SHA-256 in lower case' {
            $dir = New-TestDirectory 'match'
            $expected = Get-PatternSha256 5000

            $result = Invoke-AsyncWebBatch "$base/bytes/5000" -OutFile (Join-Path $dir 'good.bin') -Sha256 $expected.ToLowerInvariant()

            $result.Success | Should -BeTrue
            $result.Sha256 | Should -Be $expected
            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be $expected
        }

        It 'removes the temporary files of the whole batch when -ErrorAction Stop ends it' {
            $dir = New-TestDirectory 'erroraction-stop'
            $items = @{ Uri = "$base/drip?bytes=100000&intervalMs=5"; OutFile = Join-Path $dir 'slow.bin' },
                     @{ Uri = "$base/reset?when=headers"; OutFile = Join-Path $dir 'broken.bin' }

            { $items | Invoke-AsyncWebBatch -ErrorAction Stop } | Should -Throw

            Wait-Until { @(Get-FileName $dir).Count -eq 0 } -TimeoutSec 5 -Because 'the cancelled download removes its temporary file'
            Get-FileName $dir | Should -BeNullOrEmpty
        }
    }

    Context 'an existing target' {
        It 'refuses to overwrite it without -Force: FileExists, the file untouched, nothing requested' {
            $dir = New-TestDirectory 'exists'
            $target = Join-Path $dir 'keep.txt'
            Set-Content -LiteralPath $target -Value 'precious' -NoNewline
            Reset-TestServerStats -Server $server

            $result = Invoke-AsyncWebBatch "$base/bytes/1000" -OutFile $target -ErrorVariable ev -ErrorAction SilentlyContinue

            $result | Should -BeNullOrEmpty
            $ev | Should -HaveCount 1
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
            $ev[0].Exception.Message | Should -BeLike "*$target*"
            Get-Content -LiteralPath $target -Raw | Should -Be 'precious'
            (Get-TestServerStats -Server $server).requests | Should -Be 0
            Get-FileName $dir | Should -Be 'keep.txt'
        }

        It 'overwrites it with -Force' {
            $dir = New-TestDirectory 'force'
            $target = Join-Path $dir 'replace.bin'
            Set-Content -LiteralPath $target -Value ('x' * 50000) -NoNewline

            $result = Invoke-AsyncWebBatch "$base/bytes/1000" -OutFile $target -Force

            $result.Success | Should -BeTrue
            (Get-FileHash -LiteralPath $target).Hash | Should -Be (Get-PatternSha256 1000)
            Get-FileName $dir | Should -Be 'replace.bin'
        }

        It 'fetches only the missing files when a job is re-run with -SkipExisting' {
            $dir = New-TestDirectory 'skip'
            $items = 0..9 | ForEach-Object { [pscustomobject]@{ Uri = "$base/bytes/$(1000 + $_)"; OutFile = Join-Path $dir "f$_.bin" } }
            $null = $items | Invoke-AsyncWebBatch
            Remove-Item -LiteralPath $items[2].OutFile, $items[5].OutFile, $items[9].OutFile
            Set-Content -LiteralPath $items[0].OutFile -Value 'changed locally' -NoNewline
            Reset-TestServerStats -Server $server

            $results = $items | Invoke-AsyncWebBatch -SkipExisting

            $results | Should -HaveCount 10
            ($results | Where-Object Skipped).Index | Sort-Object | Should -Be 0, 1, 3, 4, 6, 7, 8
            ($results | Where-Object Skipped | ForEach-Object Attempts | Sort-Object -Unique) | Should -Be 0
            ($results | Where-Object Skipped).OutFile | Sort-Object | Should -Be ($items[0, 1, 3, 4, 6, 7, 8].OutFile | Sort-Object)
            $stats = Get-TestServerStats -Server $server
            $stats.requests | Should -Be 3
            $stats.requestsByPath.'/bytes/1002' | Should -Be 1
            $stats.requestsByPath.'/bytes/1005' | Should -Be 1
            $stats.requestsByPath.'/bytes/1009' | Should -Be 1
            Get-Content -LiteralPath $items[0].OutFile -Raw | Should -Be 'changed locally'
            foreach ($i in 1..9) {
                (Get-FileHash -LiteralPath $items[$i].OutFile).Hash | Should -Be (Get-PatternSha256 (1000 + $i))
            }
        }

        It 'rejects -Force together with -SkipExisting' {
            { Invoke-AsyncWebBatch "$base/bytes/1" -OutFile (Join-Path TestDrive: 'never.bin') -Force -SkipExisting -ErrorAction Stop } |
                Should -Throw -ErrorId 'ConflictingParameters,*'
        }
    }

    Context 'one file, one writer' {
        It 'fails the later item aiming at the same OutFile with DuplicateOutFile' {
            $dir = New-TestDirectory 'duplicate'
            $target = Join-Path $dir 'same.bin'
            $items = @{ Uri = "$base/bytes/100"; OutFile = $target },
                     @{ Uri = "$base/bytes/200"; OutFile = $target }

            $results = $items | Invoke-AsyncWebBatch -FailuresAsResults -Ordered

            $results[0].Success | Should -BeTrue
            $results[1].Error.ErrorId | Should -Be 'DuplicateOutFile'
            $results[1].Error.Message | Should -BeLike "*$target*item 0*"
            (Get-FileHash -LiteralPath $target).Hash | Should -Be (Get-PatternSha256 100)
            Get-FileName $dir | Should -Be 'same.bin'
        }

        It 'recognises the same file under a different spelling of its path' {
            $dir = New-TestDirectory 'duplicate-spelling'
            New-Item -ItemType Directory -Path (Join-Path $dir 'sub') | Out-Null
            $items = @{ Uri = "$base/bytes/100"; OutFile = Join-Path $dir 'same.bin' },
                     @{ Uri = "$base/bytes/200"; OutFile = Join-Path $dir 'sub/../same.bin' },
                     @{ Uri = "$base/bytes/300"; OutFile = Join-Path $dir './same.bin' }

            $results = $items | Invoke-AsyncWebBatch -FailuresAsResults -Ordered

            $results[0].Success | Should -BeTrue
            $results[1].Error.ErrorId | Should -Be 'DuplicateOutFile'
            $results[2].Error.ErrorId | Should -Be 'DuplicateOutFile'
            (Get-Item -LiteralPath (Join-Path $dir 'same.bin')).Length | Should -Be 100
        }
    }

    Context 'an unusable destination' {
        It 'creates the missing folder of an -OutFile before sending, and fails only the item whose folder cannot be made, before sending it' {
            $dir = New-TestDirectory 'unusable'
            $notADirectory = Join-Path $dir 'plain-file'
            Set-Content -LiteralPath $notADirectory -Value 'not a directory'
            $missing = Join-Path $dir 'missing/deeper/x.bin'
            $underFile = Join-Path $notADirectory 'x.bin'
            $items = @{ Uri = "$base/bytes/1000"; OutFile = Join-Path $dir 'ok1.bin' },
                     @{ Uri = "$base/bytes/1000"; OutFile = $missing },
                     @{ Uri = "$base/bytes/1000"; OutFile = $underFile },
                     @{ Uri = "$base/bytes/1000"; OutFile = Join-Path $dir 'ok2.bin' }
            Reset-TestServerStats -Server $server

            $results = $items | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue

            $results | Should -HaveCount 3
            $results.OutFile | Sort-Object | Should -Be (Join-Path $dir 'missing/deeper/x.bin'), (Join-Path $dir 'ok1.bin'), (Join-Path $dir 'ok2.bin')
            (Get-FileHash -LiteralPath $missing).Hash | Should -Be (Get-PatternSha256 1000)
            $ev | Should -HaveCount 1
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'OutDirectoryUnusable,*'
            $ev[0].Exception.Message | Should -BeLike '`[#2`]*'
            $ev[0].Exception.Message | Should -BeLike "*'$notADirectory'*"
            $ev[0].Exception.Message | Should -Not -BeLike '*asyncweb-tmp*'
            (Get-TestServerStats -Server $server).requests | Should -Be 3
            Get-FileName $dir | Sort-Object | Should -Be 'ok1.bin', 'ok2.bin', 'plain-file', 'x.bin'
        }
    }

    Context 'an -OutFile that names an existing folder' {
        It 'saves inside it, named as -OutDirectory names (Content-Disposition, else the URL''s last segment)' {
            $dir = New-TestDirectory 'outfile-folder'

            $results = "$base/bytes/4321?x=1", "$base/content-disposition?name=report.pdf" | Invoke-AsyncWebBatch -OutFile $dir -Ordered

            $results.OutFile | Should -Be (Join-Path $dir '4321'), (Join-Path $dir 'report.pdf')
            (Get-FileHash -LiteralPath $results[0].OutFile).Hash | Should -Be (Get-PatternSha256 4321)
            Get-FileName $dir | Sort-Object | Should -Be '4321', 'report.pdf'
        }

        It 'applies the existing-file rule inside it: FileExists without -Force, Skipped with -SkipExisting' {
            $dir = New-TestDirectory 'outfile-folder-exists'
            Set-Content -LiteralPath (Join-Path $dir '1000') -Value 'precious' -NoNewline

            $null = Invoke-AsyncWebBatch "$base/bytes/1000" -OutFile $dir -ErrorVariable ev -ErrorAction SilentlyContinue
            $skipped = @{ Uri = "$base/bytes/1000"; OutFile = $dir } | Invoke-AsyncWebBatch -SkipExisting

            $ev[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
            $skipped.Skipped | Should -BeTrue
            Get-Content -LiteralPath (Join-Path $dir '1000') -Raw | Should -Be 'precious'
        }
    }

    Context 'a long target name' {
        It 'downloads to a name of <Bytes> UTF-8 bytes<Mode>, though its temporary file needs a longer one' -ForEach @(
            @{ Bytes = 250; Mode = ''; Resume = $false }
            @{ Bytes = 250; Mode = ' with -Resume'; Resume = $true }
        ) {
            $dir = New-TestDirectory "long-name-$Resume"
            $target = Join-Path $dir (('é' * 123) + '.bin')
            [Text.Encoding]::UTF8.GetByteCount((Split-Path -Leaf $target)) | Should -Be $Bytes

            $result = Invoke-AsyncWebBatch "$base/bytes/3000" -OutFile $target -Resume:$Resume

            $result.OutFile | Should -Be $target
            (Get-FileHash -LiteralPath $target).Hash | Should -Be (Get-PatternSha256 3000)
            Get-FileName $dir | Should -Be (Split-Path -Leaf $target)
        }

        It 'keeps and resumes the partial file of a name too long for the usual partial suffix' {
            $dir = New-TestDirectory 'long-name-resume'
            $target = Join-Path $dir (('x' * 240) + '.bin')

            $failed = Invoke-AsyncWebBatch "$base/reset" -OutFile $target -Resume -FailuresAsResults
            $partial = @(Get-ChildItem -LiteralPath $dir -Force -File)

            $failed.Error.ErrorId | Should -Be 'ConnectionReset'
            $partial | Should -HaveCount 1
            $partial[0].Name | Should -BeLike '*.asyncweb-partial'
            [Text.Encoding]::UTF8.GetByteCount($partial[0].Name + '.validator') | Should -BeLessOrEqual 255

            [IO.File]::WriteAllBytes($partial[0].FullName, (Get-PatternBytes 30000))
            [IO.File]::WriteAllText($partial[0].FullName + '.validator', '"bytes-100000"')
            $result = Invoke-AsyncWebBatch "$base/bytes/100000" -OutFile $target -Resume

            $result.Resumed | Should -BeTrue
            (Get-FileHash -LiteralPath $target).Hash | Should -Be (Get-PatternSha256 100000)
            Get-FileName $dir | Should -Be (Split-Path -Leaf $target)
        }
    }

    Context 'many downloads at once' {
        It 'downloads 200 files concurrently with per-item OutFile and Sha256, all byte-exact' {
            $dir = New-TestDirectory 'many-outfile'
            $largest = 1000 + 199 * 97
            $pattern = Get-PatternBytes $largest
            $sha = [Security.Cryptography.SHA256]::Create()
            $items = foreach ($i in 0..199) {
                $size = 1000 + $i * 97
                [pscustomobject]@{
                    Uri     = "$base/bytes/$size"
                    OutFile = Join-Path $dir "file-$i.bin"
                    Sha256  = [Convert]::ToHexString($sha.ComputeHash($pattern, 0, $size))
                }
            }

            $results = $items | Invoke-AsyncWebBatch -ThrottleLimit 16 -ErrorVariable ev

            $ev | Should -BeNullOrEmpty
            $results | Should -HaveCount 200
            foreach ($result in $results) {
                $item = $items[$result.Index]
                $result.OutFile | Should -Be $item.OutFile
                $result.Sha256 | Should -Be $item.Sha256
                (Get-FileHash -LiteralPath $item.OutFile).Hash | Should -Be $item.Sha256
            }

            Get-FileName $dir | Should -HaveCount 200
        }
    }
}

Describe 'Downloading into -OutDirectory' {
    Context 'naming' {
        It 'names the file after the URL''s last segment' {
            $dir = New-TestDirectory 'by-url'

            $result = Invoke-AsyncWebBatch "$base/bytes/4321?x=1" -OutDirectory $dir

            $result.OutFile | Should -Be (Join-Path $dir '4321')
            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be (Get-PatternSha256 4321)
        }

        It 'names the file after Content-Disposition' {
            $dir = New-TestDirectory 'by-disposition'

            $results = "$base/content-disposition?name=report.pdf", "$base/content-disposition?name=r%C3%A9sum%C3%A9.txt&star=1" |
                Invoke-AsyncWebBatch -OutDirectory $dir -Ordered

            $results.OutFile | Should -Be (Join-Path $dir 'report.pdf'), (Join-Path $dir 'résumé.txt')
            $results | ForEach-Object { (Get-FileHash -LiteralPath $_.OutFile).Hash | Should -Be (Get-PatternSha256 1000) }
        }

        It 'creates a missing -OutDirectory, resolved against the current location' {
            $null = New-TestDirectory 'outdir-relative'
            Push-Location (Join-Path TestDrive: 'outdir-relative')
            try {
                $result = Invoke-AsyncWebBatch "$base/bytes/10" -OutDirectory 'new/deeper'
            }
            finally {
                Pop-Location
            }

            $result.OutFile | Should -Be (Join-Path (Join-Path TestDrive: 'outdir-relative/new/deeper') '10' | Resolve-Path).ProviderPath
        }
    }

    Context 'hostile Content-Disposition names' {
        It 'keeps <Label> inside the directory' -ForEach @(
            @{ Label = '../../x'; Name = '../../x' }
            @{ Label = '../../../../../../x'; Name = '../../../../../../x' }
            @{ Label = '..\..\x'; Name = '..\..\x' }
            @{ Label = '/etc/passwd'; Name = '/etc/passwd' }
            @{ Label = 'a name with a newline'; Name = "evil`nname.txt" }
            @{ Label = 'a name with CR LF'; Name = "evil`r`nSet-Cookie: x=1" }
            @{ Label = 'a name with NUL'; Name = "evil`0.txt" }
            @{ Label = 'a name with control characters'; Name = "a`u{1}b`u{7f}c`u{1b}[31m.txt" }
            @{ Label = 'CON'; Name = 'CON' }
            @{ Label = 'con.txt'; Name = 'con.txt' }
            @{ Label = 'LPT1'; Name = 'LPT1' }
            @{ Label = '..'; Name = '..' }
            @{ Label = '.'; Name = '.' }
            @{ Label = 'a trailing ..'; Name = 'x/..' }
            @{ Label = 'a hidden dot file'; Name = '.bashrc' }
            @{ Label = 'a right-to-left override that disguises the extension'; Name = "invoice`u{202E}fdp.exe" }
            @{ Label = 'a very long ASCII name'; Name = ('a' * 400) + '.bin' }
            @{ Label = 'a very long multi-byte name'; Name = ('é' * 200) + '.bin' }
            @{ Label = 'a very long name of 4-byte characters'; Name = ([string][char]::ConvertFromUtf32(0x1F600) * 100) + '.bin' }
        ) {
            # A sandbox deep enough that '../../x' would still land inside it if it escaped.
            $sandbox = New-TestDirectory "hostile-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
            $dir = New-TestDirectory (Join-Path (Split-Path $sandbox -Leaf) 'a/b/out')
            $passwd = Get-Item -LiteralPath '/etc/passwd' -ErrorAction SilentlyContinue
            $star = if ($Name -match '[^\x20-\x7e]') { '&star=1' } else { '' }

            $result = Invoke-AsyncWebBatch "$base/content-disposition?name=$([uri]::EscapeDataString($Name))$star" -OutDirectory $dir -ErrorVariable ev -ErrorAction SilentlyContinue

            $ev | Should -BeNullOrEmpty
            Split-Path -Parent $result.OutFile | Should -Be $dir
            $leaf = Split-Path -Leaf $result.OutFile
            $leaf | Should -Not -BeIn '', '.', '..'
            $leaf | Should -Not -Match '[\x00-\x1f\x7f/\\\u202a-\u202e\u2066-\u2069]'
            $leaf | Should -Not -Match '^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\..*)?$'
            [Text.Encoding]::UTF8.GetByteCount($leaf) | Should -BeLessOrEqual 255
            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be (Get-PatternSha256 1000)
            # Nothing anywhere else: the one file in the sandbox is the result's.
            @(Get-ChildItem -LiteralPath $sandbox -Recurse -Force -File).FullName | Should -Be $result.OutFile
            @(Get-ChildItem -LiteralPath TestDrive:/ -Force -File -Filter 'x').Count | Should -Be 0
            if ($passwd) {
                (Get-Item -LiteralPath '/etc/passwd').LastWriteTimeUtc | Should -Be $passwd.LastWriteTimeUtc
            }
        }
    }

    Context 'batches' {
        It 'downloads 200 files concurrently into one directory, all byte-exact' {
            $dir = New-TestDirectory 'many-outdir'
            $sizes = 0..199 | ForEach-Object { 2000 + $_ * 89 }

            $results = $sizes | ForEach-Object { "$base/bytes/$_" } | Invoke-AsyncWebBatch -OutDirectory $dir -ThrottleLimit 16 -ErrorVariable ev -ComputeSha256

            $ev | Should -BeNullOrEmpty
            $results | Should -HaveCount 200
            $pattern = Get-PatternBytes ($sizes[-1])
            $sha = [Security.Cryptography.SHA256]::Create()
            foreach ($result in $results) {
                $size = $sizes[$result.Index]
                $expected = [Convert]::ToHexString($sha.ComputeHash($pattern, 0, $size))
                $result.OutFile | Should -Be (Join-Path $dir "$size")
                $result.ContentLength | Should -Be $size
                $result.Sha256 | Should -Be $expected
                (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be $expected
            }

            Get-FileName $dir | Should -HaveCount 200
        }

        It 'fails the later of two items whose server names collide with DuplicateOutFile' {
            $dir = New-TestDirectory 'outdir-duplicate'

            $results = "$base/content-disposition?name=same.bin&i=1", "$base/content-disposition?name=same.bin&i=2" |
                Invoke-AsyncWebBatch -OutDirectory $dir -FailuresAsResults

            @($results | Where-Object Success).Count | Should -Be 1
            @($results | Where-Object { $_.Error -and $_.Error.ErrorId -eq 'DuplicateOutFile' }).Count | Should -Be 1
            Get-FileName $dir | Should -Be 'same.bin'
        }

        It 'leaves existing files alone with -SkipExisting and reports them Skipped' {
            $dir = New-TestDirectory 'outdir-skip'
            Set-Content -LiteralPath (Join-Path $dir '100') -Value 'mine' -NoNewline

            $results = "$base/bytes/100", "$base/bytes/200" | Invoke-AsyncWebBatch -OutDirectory $dir -SkipExisting -Ordered

            $results[0].Skipped | Should -BeTrue
            $results[0].OutFile | Should -Be (Join-Path $dir '100')
            $results[1].Skipped | Should -BeFalse
            Get-Content -LiteralPath (Join-Path $dir '100') -Raw | Should -Be 'mine'
            (Get-Item -LiteralPath (Join-Path $dir '200')).Length | Should -Be 200
        }

        It 'fails an existing file with FileExists and leaves it untouched' {
            $dir = New-TestDirectory 'outdir-exists'
            Set-Content -LiteralPath (Join-Path $dir '100') -Value 'mine' -NoNewline

            $result = Invoke-AsyncWebBatch "$base/bytes/100" -OutDirectory $dir -FailuresAsResults

            $result.Error.ErrorId | Should -Be 'FileExists'
            Get-Content -LiteralPath (Join-Path $dir '100') -Raw | Should -Be 'mine'
            Get-FileName $dir | Should -Be '100'
        }
    }
}

Describe 'Resuming downloads (-Resume)' {
    BeforeAll {
        $script:total = 100000
        $script:expected = Get-PatternSha256 $total
    }

    Context 'the server supports ranges and the file is unchanged' {
        It 'continues a partial file validated by <Kind> with a Range request' -ForEach @(
            @{ Kind = 'ETag'; Validator = '"bytes-100000"' }
            @{ Kind = 'Last-Modified'; Validator = $null }
        ) {
            $dir = New-TestDirectory "resume-$Kind"
            $target = Join-Path $dir 'data.bin'
            if (-not $Validator) {
                $Validator = (Invoke-WebRequest "$base/bytes/$total" -Method Head -NoProxy).Headers['Last-Modified'][0]
            }

            New-PartialFile $target 30000 $Validator

            $result = Invoke-AsyncWebBatch "$base/bytes/$total" -OutFile $target -Resume -ComputeSha256

            $result.Resumed | Should -BeTrue
            $result.StatusCode | Should -Be 206
            $result.ContentLength | Should -Be $total
            $result.Sha256 | Should -Be $expected
            (Get-FileHash -LiteralPath $target).Hash | Should -Be $expected
            Get-FileName $dir | Should -Be 'data.bin'
        }

        It 'finishes a partial file that already holds every byte' {
            $dir = New-TestDirectory 'resume-complete'
            $target = Join-Path $dir 'data.bin'
            New-PartialFile $target $total '"bytes-100000"'

            $result = Invoke-AsyncWebBatch "$base/bytes/$total" -OutFile $target -Resume -ComputeSha256

            $result.Success | Should -BeTrue
            $result.ContentLength | Should -Be $total
            $result.Sha256 | Should -Be $expected
            (Get-FileHash -LiteralPath $target).Hash | Should -Be $expected
            Get-FileName $dir | Should -Be 'data.bin'
        }

        It 'continues a partial file in -OutDirectory once the response has named it' {
            $dir = New-TestDirectory 'resume-outdir'
            New-PartialFile (Join-Path $dir "$total") 40000 '"bytes-100000"'
            Reset-TestServerStats -Server $server

            $result = Invoke-AsyncWebBatch "$base/bytes/$total" -OutDirectory $dir -Resume -ComputeSha256

            $result.Resumed | Should -BeTrue
            $result.OutFile | Should -Be (Join-Path $dir "$total")
            $result.Sha256 | Should -Be $expected
            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be $expected
            (Get-TestServerStats -Server $server).requestsByPath."/bytes/$total" | Should -Be 2
            Get-FileName $dir | Should -Be "$total"
        }

        It 'continues a partial file in -OutDirectory over one connection per host: the first response is let go before the Range request (<Mode>)' -ForEach @(
            @{ Mode = 'plain' }
            @{ Mode = '-Ordered with retries' }
        ) {
            # One connection to the server: the Range request can only go out once the first response gave it back.
            $dir = New-TestDirectory "resume-outdir-one-connection-$($Mode -replace '\W', '')"
            New-PartialFile (Join-Path $dir "$total") 40000 '"bytes-100000"'
            $session = New-AsyncWebSession -MaximumConnectionsPerHost 1
            $extra = if ($Mode -eq 'plain') { @{} } else { @{ Ordered = $true; MaximumRetryCount = 2; RetryIntervalSec = 0.1 } }
            Reset-TestServerStats -Server $server

            $results = @("$base/bytes/$total", "$base/bytes/2000") |
                Invoke-AsyncWebBatch -Session $session -OutDirectory $dir -Resume -ComputeSha256 -TimeoutSec 5 -ThrottleLimitPerHost 1 -FailuresAsResults @extra |
                Sort-Object Index

            $results | Should -HaveCount 2
            $results[0].Error | Should -BeNullOrEmpty -Because 'the Range request must not wait for the connection the first response holds'
            $results[0].Success | Should -BeTrue
            $results[0].Resumed | Should -BeTrue
            $results[0].Attempts | Should -Be 1
            $results[0].Sha256 | Should -Be $expected
            $results[1].Success | Should -BeTrue
            (Get-FileHash -LiteralPath (Join-Path $dir "$total")).Hash | Should -Be $expected
            (Get-TestServerStats -Server $server).requestsByPath."/bytes/$total" | Should -Be 2
        }

        It 'checks -Sha256 over the whole file, the bytes kept from before included, or continues without hashing' {
            $dir = New-TestDirectory 'resume-hash'
            $checked = Join-Path $dir 'checked.bin'
            $plain = Join-Path $dir 'plain.bin'
            New-PartialFile $checked 30000 '"bytes-100000"'
            New-PartialFile $plain 30000 '"bytes-100000"'

            $results = @(
                Invoke-AsyncWebBatch "$base/bytes/$total" -OutFile $checked -Resume -Sha256 $expected
                Invoke-AsyncWebBatch "$base/bytes/$total" -OutFile $plain -Resume
            )

            $results | ForEach-Object { $_.Resumed | Should -BeTrue; $_.ContentLength | Should -Be $total }
            $results[0].Sha256 | Should -Be $expected
            $results[1].Sha256 | Should -BeNullOrEmpty
            (Get-FileHash -LiteralPath $checked).Hash | Should -Be $expected
            (Get-FileHash -LiteralPath $plain).Hash | Should -Be $expected
        }

        It 'downloads normally and leaves no partial file when there is nothing to resume' {
            $dir = New-TestDirectory 'resume-fresh'

            $result = Invoke-AsyncWebBatch "$base/bytes/$total" -OutFile (Join-Path $dir 'data.bin') -Resume -ComputeSha256

            $result.Resumed | Should -BeFalse
            $result.Sha256 | Should -Be $expected
            Get-FileName $dir | Should -Be 'data.bin'
        }
    }

    Context 'the partial file cannot be continued' {
        It 'starts over cleanly when <Case>' -ForEach @(
            @{ Case = 'the server does not support ranges'; Query = '?noranges=1'; Length = 30000; Validator = '"bytes-100000"' }
            @{ Case = 'the file changed on the server (another ETag)'; Query = '?etag=other'; Length = 30000; Validator = '"bytes-100000"' }
            @{ Case = 'the partial file is longer than the server''s (416)'; Query = ''; Length = 100500; Validator = '"bytes-100000"' }
            @{ Case = 'the partial file has no validator'; Query = ''; Length = 30000; Validator = $null }
        ) {
            $dir = New-TestDirectory "restart-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
            $target = Join-Path $dir 'data.bin'
            New-PartialFile $target $Length $Validator
            # A wrong prefix proves the old bytes are not kept: were they, the hash would differ.
            $bytes = [IO.File]::ReadAllBytes("$target.asyncweb-partial"); $bytes[0] = 255
            [IO.File]::WriteAllBytes("$target.asyncweb-partial", $bytes)

            $result = Invoke-AsyncWebBatch "$base/bytes/$total$Query" -OutFile $target -Resume -ComputeSha256

            $result.Resumed | Should -BeFalse
            $result.StatusCode | Should -Be 200
            $result.ContentLength | Should -Be $total
            $result.Sha256 | Should -Be $expected
            (Get-FileHash -LiteralPath $target).Hash | Should -Be $expected
            Get-FileName $dir | Should -Be 'data.bin'
        }
    }
}

Describe 'Stopping a download (Ctrl+C)' {
    It 'returns promptly and leaves neither the final file nor a temporary file' {
        $dir = New-TestDirectory 'stop'
        $target = Join-Path $dir 'drip.bin'
        $run = Start-BackgroundDownload "$base/drip?bytes=100000&intervalMs=5" $target
        try {
            Wait-Until { Get-ChildItem -LiteralPath $dir -Force -Filter '.drip.bin.*.asyncweb-tmp' | Where-Object Length -GT 0 } -TimeoutSec 20 -Because 'the download writes its temporary file'

            $watch = [Diagnostics.Stopwatch]::StartNew()
            $run.PowerShell.Stop()
            $watch.Stop()

            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-FileName $dir | Should -BeNullOrEmpty
        }
        finally {
            $run.PowerShell.Dispose()
        }
    }

    It 'keeps the partial file with -Resume, by design, and never the final name' {
        $dir = New-TestDirectory 'stop-resume'
        $target = Join-Path $dir 'drip.bin'
        $run = Start-BackgroundDownload "$base/drip?bytes=100000&intervalMs=5" $target -Resume
        try {
            Wait-Until { (Get-Item -LiteralPath "$target.asyncweb-partial" -Force -ErrorAction Ignore).Length -gt 0 } -TimeoutSec 20 -Because 'the download writes its partial file'

            $watch = [Diagnostics.Stopwatch]::StartNew()
            $run.PowerShell.Stop()
            $watch.Stop()

            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            Get-FileName $dir | Should -Be 'drip.bin.asyncweb-partial'
            $partial = [IO.File]::ReadAllBytes("$target.asyncweb-partial")
            $partial.Length | Should -BeLessThan 100000
            [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($partial)) | Should -Be (Get-PatternSha256 $partial.Length)
        }
        finally {
            $run.PowerShell.Dispose()
        }
    }
}

Describe 'Temporary files of a download killed hard' -Tag 'Slow' {
    It 'are removed by the next download into that directory, while a live process''s are kept' {
        $dir = New-TestDirectory 'killed'
        $victimTarget = Join-Path $dir 'victim.bin'
        $aliveTarget = Join-Path $dir 'alive.bin'
        $victim = Start-ChildDownload "$base/drip?bytes=100000&intervalMs=5" $victimTarget
        $alive = Start-ChildDownload "$base/drip?bytes=100000&intervalMs=20" $aliveTarget
        try {
            Wait-Until { (Get-TempFile $victimTarget) -and (Get-TempFile $aliveTarget) } -TimeoutSec 60 -Because 'both children write their temporary files'
            $stale = (Get-TempFile $victimTarget).FullName
            $victim.Kill()   # SIGKILL: no finally block, no cleanup
            $victim.WaitForExit(10000) | Should -BeTrue
            Test-Path -LiteralPath $stale | Should -BeTrue -Because 'a killed process cleans up nothing'

            $result = Invoke-AsyncWebBatch "$base/bytes/1000" -OutFile (Join-Path $dir 'next.bin')

            $result.Success | Should -BeTrue
            Test-Path -LiteralPath $stale | Should -BeFalse -Because 'the next run removes a temporary file its process left'
            Get-TempFile $aliveTarget | Should -Not -BeNullOrEmpty -Because 'a live download keeps its temporary file'
            Test-Path -LiteralPath $victimTarget | Should -BeFalse
            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be (Get-PatternSha256 1000)
        }
        finally {
            foreach ($child in $victim, $alive) {
                if (-not $child.HasExited) { $child.Kill(); $null = $child.WaitForExit(10000) }
            }
        }
    }

    It 'leaves -Resume partial files alone: they are kept on purpose' {
        $dir = New-TestDirectory 'killed-partial'
        New-PartialFile (Join-Path $dir 'data.bin') 3000 '"bytes-100000"'

        $null = Invoke-AsyncWebBatch "$base/bytes/10" -OutFile (Join-Path $dir 'other.bin')

        Get-FileName $dir | Sort-Object | Should -Be 'data.bin.asyncweb-partial', 'data.bin.asyncweb-partial.validator', 'other.bin'
    }
}

Describe 'Memory while downloading' -Tag 'Slow' {
    It 'keeps the peak working set far below the size of a 256 MiB download' -Skip:(-not $IsLinux) {
        $dir = New-TestDirectory 'memory'
        $size = 256MB
        $expected = Get-PatternSha256 $size
        $null = Invoke-AsyncWebBatch "$base/bytes/1000" -OutFile (Join-Path $dir 'warm-up.bin')
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $process.Refresh()
        $before = $process.WorkingSet64
        # Resets the kernel's peak RSS (VmHWM) to the current RSS, so the peak measured is this download's.
        [IO.File]::WriteAllText('/proc/self/clear_refs', '5')

        $result = Invoke-AsyncWebBatch "$base/bytes/$size" -OutFile (Join-Path $dir 'big.bin') -ComputeSha256

        $process.Refresh()
        $growthMB = ($process.PeakWorkingSet64 - $before) / 1MB
        $result.ContentLength | Should -Be $size
        $result.Sha256 | Should -Be $expected
        $growthMB | Should -BeLessThan 150 -Because "a streamed download should not hold the body (peak grew by $([int]$growthMB) MB)"
        Remove-Item -LiteralPath $result.OutFile
    }
}

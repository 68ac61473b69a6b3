BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath

    # A file of $Length random bytes (seeded) under TestDrive; returns its FileInfo.
    function New-UploadFile([string]$Name, [long]$Length, [int]$Seed = 12) {
        $path = Join-Path (Resolve-Path TestDrive:).ProviderPath $Name
        $random = [Random]::new($Seed)
        $chunk = [byte[]]::new([Math]::Min($Length, 1MB))
        $stream = [IO.File]::Create($path)
        try {
            for ($left = $Length; $left -gt 0; $left -= $n) {
                $n = [int][Math]::Min($left, $chunk.Length)
                $random.NextBytes($chunk)
                $stream.Write($chunk, 0, $n)
            }
        }
        finally { $stream.Dispose() }
        Get-Item -LiteralPath $path
    }

    function Get-Sha256([string]$Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }
}

Describe 'Uploads' {
    Context '-InFile' {
        BeforeAll {
            $script:file = New-UploadFile 'payload.bin' 3MB
            $script:fileSha = Get-Sha256 $file.FullName
        }

        It 'streams the file as the body, with Content-Length from the file, byte for byte' {
            $result = "$base/echo" | Invoke-AsyncWebBatch -Method PUT -InFile $file.FullName
            $result.StatusCode | Should -Be 200
            $echo = $result.ContentObject
            $echo.bodyLength | Should -Be $file.Length
            $echo.bodySha256 | Should -Be $fileSha
            $echo.headers.'Content-Length' | Should -Be "$($file.Length)"
            $echo.headers.PSObject.Properties.Name | Should -Not -Contain 'Transfer-Encoding'
            $result.BytesSent | Should -Be $file.Length
        }

        It 'resolves a relative path against the PowerShell location' {
            Push-Location (Split-Path $file.FullName)
            try { $result = "$base/echo" | Invoke-AsyncWebBatch -Method PUT -InFile ./payload.bin }
            finally { Pop-Location }
            $result.ContentObject.bodySha256 | Should -Be $fileSha
        }

        It 'sets Content-Type as Invoke-WebRequest does: none for PUT, form-urlencoded for POST, -ContentType or the item''s when given' {
            $results = @(
                @{ Uri = "$base/echo"; Method = 'PUT' }
                @{ Uri = "$base/echo"; Method = 'POST' }
                @{ Uri = "$base/echo"; Method = 'PUT'; ContentType = 'application/zip' }
            ) | Invoke-AsyncWebBatch -InFile $file.FullName -Ordered
            $results[0].ContentObject.contentType | Should -BeNullOrEmpty
            $results[1].ContentObject.contentType | Should -Be 'application/x-www-form-urlencoded'
            $results[2].ContentObject.contentType | Should -Be 'application/zip'

            $given = "$base/echo" | Invoke-AsyncWebBatch -Method PUT -InFile $file.FullName -ContentType 'application/octet-stream'
            $given.ContentObject.contentType | Should -Be 'application/octet-stream'
        }

        It 'uploads the InFile column of each CSV row' {
            $other = New-UploadFile 'other.bin' 200KB -Seed 5
            $csv = Join-Path (Resolve-Path TestDrive:).ProviderPath 'uploads.csv'
            @(
                [pscustomobject]@{ Url = "$base/echo?n=1"; Method = 'PUT'; InFile = $file.FullName }
                [pscustomobject]@{ Url = "$base/echo?n=2"; Method = 'PUT'; InFile = $other.FullName }
            ) | Export-Csv -LiteralPath $csv
            $results = Import-Csv -LiteralPath $csv | Invoke-AsyncWebBatch -Ordered
            $results.ContentObject.bodySha256 | Should -Be @($fileSha, (Get-Sha256 $other.FullName))
            $results.BytesSent | Should -Be @($file.Length, $other.Length)
        }

        It 'fails an item whose file is missing or a directory with InvalidInFile naming it and its index; the others are sent' {
            Reset-TestServerStats
            $missing = Join-Path (Resolve-Path TestDrive:).ProviderPath 'no-such-file.bin'
            $null = @(
                @{ Uri = "$base/echo?n=0"; InFile = $file.FullName }
                @{ Uri = "$base/echo?n=1"; InFile = $missing }
                @{ Uri = "$base/echo?n=2"; InFile = (Resolve-Path TestDrive:).ProviderPath }
                @{ Uri = "$base/echo?n=3"; InFile = $file.FullName }
            ) | Invoke-AsyncWebBatch -Method PUT -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count | Should -Be 2
            $byIndex = $failed | Sort-Object { $_.TargetObject.Index }
            $byIndex.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'InvalidInFile,*' }
            $byIndex[0].Exception.Message | Should -BeLike '`[#1`]*no-such-file.bin*does not exist*'
            $byIndex[1].Exception.Message | Should -BeLike '`[#2`]*is a directory*'
            $byIndex.CategoryInfo.Category | ForEach-Object { $_ | Should -Be 'InvalidArgument' }
            (Get-TestServerStats).requestsByPath.'/echo' | Should -Be 2
        }

        It 'stops before sending anything when -InFile itself is missing' {
            { "$base/echo" | Invoke-AsyncWebBatch -Method PUT -InFile (Join-Path TestDrive: 'absent.bin') -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidInFile,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage '*absent.bin*does not exist*'
        }

        It 'refuses -InFile with -Body or -Form, and an item with two bodies' {
            { "$base/echo" | Invoke-AsyncWebBatch -InFile $file.FullName -Body 'x' } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            { "$base/echo" | Invoke-AsyncWebBatch -InFile $file.FullName -Form @{ a = 1 } } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            $result = @{ Uri = "$base/echo"; Body = 'x'; InFile = $file.FullName } | Invoke-AsyncWebBatch -FailuresAsResults
            $result.ErrorId | Should -Be 'InvalidBody'
            $result.Error.Message | Should -Match 'Body, InFile and Form'
        }

        It 'lets an item''s own Body replace -InFile' {
            $results = "$base/echo", @{ Uri = "$base/echo"; Body = 'own body' } | Invoke-AsyncWebBatch -Method PUT -InFile $file.FullName -Ordered
            $results[0].ContentObject.bodyLength | Should -Be $file.Length
            $results[1].ContentObject.body | Should -Be 'own body'
            $results[1].BytesSent | Should -Be 8
        }

        It 're-sends every byte of the file on each retry' {
            $key = New-Guid
            $result = "$base/retry-body/${key}?failures=2&status=503" |
                Invoke-AsyncWebBatch -Method PUT -InFile $file.FullName -MaximumRetryCount 3 -RetryIntervalSec 0.05
            $result.StatusCode | Should -Be 200
            $result.Attempts | Should -Be 3
            $attempts = (Invoke-RestMethod "$base/retry-body/$key/attempts").attempts
            $attempts.Count | Should -Be 3
            $attempts | ForEach-Object length | Should -Be @($file.Length, $file.Length, $file.Length)
            $attempts.sha256 | Should -Be @($fileSha, $fileSha, $fileSha)
            $result.BytesSent | Should -Be $file.Length
        }

        It 're-sends the file to the target of a 307 redirect' {
            $target = [uri]::EscapeDataString("$base/echo")
            $result = "$base/redirect-to?status=307&url=$target" | Invoke-AsyncWebBatch -Method PUT -InFile $file.FullName
            $result.FinalUri.AbsolutePath | Should -Be '/echo'
            $result.ContentObject.bodySha256 | Should -Be $fileSha
            $result.BytesSent | Should -Be $file.Length
        }
    }

    Context 'time limits while the body is sent' {
        BeforeAll {
            $script:slowFile = New-UploadFile 'slow.bin' 48MB -Seed 3
        }

        It 'does not count a long upload as server silence: -OperationTimeoutSec starts once the body is sent' {
            # The server reads 48 MiB evenly over 3 s: three times the silence limit, yet never silent for long.
            $result = "$base/read-slowly?seconds=3" | Invoke-AsyncWebBatch -Method PUT -InFile $slowFile.FullName -OperationTimeoutSec 1
            $result.StatusCode | Should -Be 200
            $result.ContentObject.length | Should -Be $slowFile.Length
            # Reading took about 3 s (the server's timers may fire a millisecond early): more than twice the limit.
            $result.ContentObject.elapsedMs | Should -BeGreaterThan 2000
            $result.ElapsedMs | Should -BeGreaterThan $result.ContentObject.elapsedMs
        }

        It 'still ends an upload that outlasts -TimeoutSec with RequestTimeout' {
            $result = "$base/read-slowly?seconds=3" | Invoke-AsyncWebBatch -Method PUT -InFile $slowFile.FullName -TimeoutSec 1 -FailuresAsResults
            $result.ErrorId | Should -Be 'RequestTimeout'
            $result.BytesSent | Should -BeGreaterThan 0
            $result.BytesSent | Should -BeLessThan $slowFile.Length
        }

        It 'shows the bytes sent in the progress bar' {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($module, $base, $path)
                        Import-Module $module
                        $ProgressPreference = 'Continue'
                        "$base/read-slowly?seconds=2" | Invoke-AsyncWebBatch -Method PUT -InFile $path | Out-Null
                    }).AddArgument($modulePath).AddArgument($base).AddArgument($slowFile.FullName)
                $null = $ps.Invoke()
                $statuses = @($ps.Streams.Progress | Where-Object RecordType -EQ 'Processing' | ForEach-Object StatusDescription)
            }
            finally { $ps.Dispose() }
            $statuses | Should -Not -BeNullOrEmpty
            $statuses[-1] | Should -Match '\d+(\.\d)? MB sent \(.*/s\), .* received'
        }
    }

    Context '-Form' {
        BeforeAll {
            $script:report = New-UploadFile 'report.csv' 10KB -Seed 7
            $script:logo = New-UploadFile 'logo.png' 300KB -Seed 8
            $script:blob = New-UploadFile 'data.bin' 2MB -Seed 9
        }

        It 'sends text fields, repeated fields and streamed files as multipart/form-data, parsed by a real multipart reader' {
            $form = [ordered]@{
                host    = 'web01'
                tags    = 'a', 'b'
                report  = $report
                images  = Get-ChildItem -LiteralPath $logo.FullName
                meta    = @{ Value = '{"env":"test"}'; ContentType = 'application/json' }
                renamed = @{ File = $blob.FullName; FileName = 'backup.tar'; ContentType = 'application/x-tar' }
            }
            $result = "$base/multipart" | Invoke-AsyncWebBatch -Method POST -Form $form
            $result.StatusCode | Should -Be 200
            $echo = $result.ContentObject
            $echo.contentType | Should -Match '^multipart/form-data; boundary='
            $parts = $echo.parts
            $parts.name | Should -Be @('host', 'tags', 'tags', 'report', 'images', 'meta', 'renamed')
            $parts[0].value | Should -Be 'web01'
            $parts[0].contentType | Should -Be 'text/plain; charset=utf-8'
            $parts[1].value, $parts[2].value | Should -Be @('a', 'b')
            $parts[3].fileName | Should -Be 'report.csv'
            $parts[3].contentType | Should -Be 'text/csv'
            $parts[3].length | Should -Be $report.Length
            $parts[3].sha256 | Should -Be (Get-Sha256 $report.FullName)
            $parts[4].fileName | Should -Be 'logo.png'
            $parts[4].contentType | Should -Be 'image/png'
            $parts[4].sha256 | Should -Be (Get-Sha256 $logo.FullName)
            $parts[5].value | Should -Be '{"env":"test"}'
            $parts[5].contentType | Should -Be 'application/json'
            $parts[6].fileName | Should -Be 'backup.tar'
            $parts[6].contentType | Should -Be 'application/x-tar'
            $parts[6].length | Should -Be $blob.Length
            $parts[6].sha256 | Should -Be (Get-Sha256 $blob.FullName)
            # Every part's length is known, so the body has a Content-Length (not chunked), and all of it was sent.
            $echo.contentLength | Should -BeGreaterThan ($report.Length + $logo.Length + $blob.Length)
            $result.BytesSent | Should -Be $echo.contentLength
        }

        It 'sends application/octet-stream for a file whose extension is not known' {
            $odd = New-UploadFile 'firmware.xyz' 1KB
            $result = "$base/multipart" | Invoke-AsyncWebBatch -Method POST -Form @{ image = $odd }
            $result.ContentObject.parts[0].contentType | Should -Be 'application/octet-stream'
            $result.ContentObject.parts[0].fileName | Should -Be 'firmware.xyz'
        }

        It 'sends each item''s own Form' {
            $results = @(
                @{ Uri = "$base/multipart"; Form = @{ file = $report } }
                @{ Uri = "$base/multipart"; Form = @{ file = $logo; note = 'second' } }
            ) | Invoke-AsyncWebBatch -Method POST -Ordered
            $results[0].ContentObject.parts.sha256 | Should -Be (Get-Sha256 $report.FullName)
            ($results[1].ContentObject.parts | Where-Object name -EQ 'file').sha256 | Should -Be (Get-Sha256 $logo.FullName)
            ($results[1].ContentObject.parts | Where-Object name -EQ 'note').value | Should -Be 'second'
        }

        It 're-sends the whole form, files re-read, on each retry' {
            $key = New-Guid
            $result = "$base/retry-body/${key}?failures=1" |
                Invoke-AsyncWebBatch -Method PUT -Form @{ file = $blob } -MaximumRetryCount 2 -RetryIntervalSec 0.05
            $result.Attempts | Should -Be 2
            $attempts = (Invoke-RestMethod "$base/retry-body/$key/attempts").attempts
            $attempts.Count | Should -Be 2
            $attempts[0].length | Should -BeGreaterThan $blob.Length
            $attempts[1].length | Should -Be $attempts[0].length
            $result.BytesSent | Should -Be $attempts[1].length
        }

        It 'refuses -Form with -Body or -ContentType' {
            { "$base/multipart" | Invoke-AsyncWebBatch -Form @{ a = 1 } -Body 'x' } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            { "$base/multipart" | Invoke-AsyncWebBatch -Form @{ a = 1 } -ContentType 'multipart/form-data' } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }

        It 'fails only the item whose form names a missing file, or holds a part it cannot understand' {
            $missing = Join-Path (Resolve-Path TestDrive:).ProviderPath 'gone.png'
            $results = @(
                @{ Uri = "$base/multipart"; Form = @{ file = $report } }
                @{ Uri = "$base/multipart"; Form = @{ file = @{ File = $missing } } }
                @{ Uri = "$base/multipart"; Form = @{ file = @{ Path = $report.FullName } } }
                @{ Uri = "$base/multipart"; Form = @{ file = $report }; ContentType = 'text/plain' }
            ) | Invoke-AsyncWebBatch -Method POST -FailuresAsResults -Ordered
            $results | ForEach-Object { "$($_.ErrorId)" } | Should -Be @('', 'InvalidInFile', 'InvalidBody', 'InvalidBody')
            $results[1].Error.Message | Should -Match "gone\.png' does not exist"
            $results[2].Error.Message | Should -Match "unknown key 'Path'"
            $results[3].Error.Message | Should -Match 'leave out its ContentType'
        }

        It 'fails an item whose form field name holds a quote, a line break or a bad part type before sending it, once, and sends the rest' {
            Reset-TestServerStats
            $results = @(
                @{ Uri = "$base/multipart"; Form = @{ 'a"b' = 'x' } }
                @{ Uri = "$base/multipart"; Form = @{ note = 'fine' } }
                @{ Uri = "$base/multipart"; Form = @{ "line`r`nX-Injected: 1" = 'x' } }
                @{ Uri = "$base/multipart"; Form = @{ note = @{ Value = 'x'; ContentType = 'not a type' } } }
                @{ Uri = "$base/multipart"; Form = @{ file = @{ File = $report.FullName; FileName = 'a"b.txt' } } }
            ) | Invoke-AsyncWebBatch -Method POST -FailuresAsResults -Ordered -MaximumRetryCount 3 -RetryIntervalSec 0.1 -RetryAllMethods

            $results.Index | Should -Be 0, 1, 2, 3, 4
            $results | ForEach-Object { "$($_.ErrorId)" } | Should -Be @('InvalidBody', '', 'InvalidBody', 'InvalidHeader', 'InvalidBody')
            $results[0].Error.Message | Should -Match 'a"b'
            $results[0].Attempts | Should -Be 0
            $results[1].StatusCode | Should -Be 200
            (Get-TestServerStats).requestsByPath.'/multipart' | Should -Be 1
        }
    }

    Context 'request body bytes' {
        It 'counts a -Body in BytesSent, and sends nothing for a GET without one' {
            $results = @(
                @{ Uri = "$base/echo"; Method = 'POST'; Body = 'héllo' }
                @{ Uri = "$base/echo"; Method = 'POST'; Body = [byte[]](1..200) }
                @{ Uri = "$base/echo" }
            ) | Invoke-AsyncWebBatch -Ordered
            $results.BytesSent | Should -Be @(6, 200, 0)
            $results.ContentObject.bodyLength | Should -Be @(6, 200, 0)
        }
    }

    Context 'serialized results' {
        It 'keeps BytesSent in a result that travels (remoting, Export-Clixml, jobs)' {
            $result = "$base/echo" | Invoke-AsyncWebBatch -Method POST -Body 'abc'
            $copy = [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize($result))
            $copy.BytesSent | Should -Be 3
        }
    }

    Context 'memory' -Tag 'Slow' {
        It 'streams a 256 MiB PUT in flat memory (peak working set measured in a fresh process)' {
            $path = (New-UploadFile 'large.bin' 256MB -Seed 21).FullName
            $expected = Get-Sha256 $path
            $script = @"
Import-Module '$modulePath'
`$process = [Diagnostics.Process]::GetCurrentProcess()
`$null = '$base/echo' | Invoke-AsyncWebBatch -Method PUT -Body ([byte[]]::new(1MB))   # JIT and pools warmed with a small upload
[GC]::Collect()
`$process.Refresh(); `$before = `$process.PeakWorkingSet64
`$result = '$base/echo' | Invoke-AsyncWebBatch -Method PUT -InFile '$path' -ErrorAction Stop
`$process.Refresh(); `$after = `$process.PeakWorkingSet64
"`$before `$after `$(`$result.BytesSent) `$(`$result.ContentObject.bodyLength) `$(`$result.ContentObject.bodySha256)"
"@
            $environment = if (Test-NetstandardBuild) { @{ ASYNCWEB_LOAD_NETSTANDARD = '1' } } else { @{} }
            $line = Invoke-FreshPwsh $script -Environment $environment -TimeoutSec 300 | Select-Object -Last 1
            $before, $after, $sent, $received, $sha = $line -split ' '
            $sha | Should -Be $expected
            [long]$received | Should -Be 256MB
            [long]$sent | Should -Be 256MB
            $grewMB = ([long]$after - [long]$before) / 1MB
            Write-Host ("    256 MiB PUT: peak working set {0:N0} MB before, {1:N0} MB after (+{2:N1} MB)" -f ([long]$before / 1MB), ([long]$after / 1MB), $grewMB)
            # A buffered body would add at least 256 MB; streaming adds a few buffers.
            $grewMB | Should -BeLessThan 64
        }
    }
}

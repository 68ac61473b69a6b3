# HTTP exactness: a download is the server's bytes, a response without a body writes no file, and a body
# cut short is an error on every path.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http

    function New-TestDirectory([string]$Name) {
        (New-Item -ItemType Directory -Path (Join-Path TestDrive: "$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))") -Force).FullName
    }

    function Get-FileName([string]$Directory) {
        @(Get-ChildItem -LiteralPath $Directory -Force -File -Recurse | ForEach-Object Name)
    }

    # The body as the server sends it (HttpClient's default handler decodes nothing), and its headers.
    function Get-RawResponse([string]$Uri) {
        $client = [Net.Http.HttpClient]::new()
        try {
            $response = $client.GetAsync($Uri).GetAwaiter().GetResult()
            [pscustomobject]@{
                Bytes   = $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
                Headers = $response.Headers
            }
        }
        finally {
            $client.Dispose()
        }
    }

    function Expand-Gzip([byte[]]$Bytes) {
        $gzip = [IO.Compression.GZipStream]::new([IO.MemoryStream]::new($Bytes), [IO.Compression.CompressionMode]::Decompress)
        $output = [IO.MemoryStream]::new()
        try { $gzip.CopyTo($output) } finally { $gzip.Dispose() }
        , $output.ToArray()
    }

    function Get-Sha256([byte[]]$Bytes) {
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes))
    }
}

Describe 'Downloads are the server''s bytes' {
    Context 'on the wire' {
        It 'asks for the body as stored, with exactly Accept-Encoding: identity, into <Target>' -ForEach @(
            @{ Target = '-OutFile' }
            @{ Target = '-OutDirectory' }
        ) {
            $dir = New-TestDirectory 'accept-encoding'
            $where = if ($Target -eq '-OutFile') { @{ OutFile = Join-Path $dir 'echo' } } else { @{ OutDirectory = $dir } }

            $result = Invoke-AsyncWebBatch "$base/echo" @where

            $echo = Get-Content -Raw -LiteralPath $result.OutFile | ConvertFrom-Json
            $echo.headers.'Accept-Encoding' | Should -BeExactly 'identity'
        }

        It 'still offers compression for bodies read into memory, and decodes them' {
            $offered = (Invoke-AsyncWebBatch "$base/echo").ContentObject.headers.'Accept-Encoding'
            $result = Invoke-AsyncWebBatch "$base/gzip/100000"

            $offered | Should -Match '^gzip, deflate'
            $result.Headers['Content-Encoding'] | Should -Be 'gzip'
            $result.ContentLength | Should -Be 100000
            Get-Sha256 $result.RawContent | Should -Be (Get-PatternSha256 100000)
        }
    }

    Context 'a server that compresses whatever it is asked' {
        BeforeAll {
            $script:raw = Get-RawResponse "$base/gzip/100000"
            $script:encodedSha = $raw.Headers.GetValues('X-Encoded-Sha256') | Select-Object -First 1
        }

        It 'writes the gzip bytes as received, as curl -o does, and checks -Sha256 against them' {
            $dir = New-TestDirectory 'gzip-outfile'
            $target = Join-Path $dir 'data.gz'
            (Get-Sha256 $raw.Bytes) | Should -Be $encodedSha -Because 'the test reads the raw body right'

            $result = Invoke-AsyncWebBatch "$base/gzip/100000" -OutFile $target -Sha256 $encodedSha

            $result.Success | Should -BeTrue
            $result.ContentLength | Should -Be $raw.Bytes.Length
            $result.Sha256 | Should -Be $encodedSha
            (Get-FileHash -LiteralPath $target).Hash | Should -Be $encodedSha
            Get-Sha256 (Expand-Gzip ([IO.File]::ReadAllBytes($target))) | Should -Be (Get-PatternSha256 100000)
        }

        It 'writes the gzip bytes into -OutDirectory too' {
            $dir = New-TestDirectory 'gzip-outdir'

            $result = Invoke-AsyncWebBatch "$base/gzip/100000" -OutDirectory $dir

            (Get-FileHash -LiteralPath $result.OutFile).Hash | Should -Be $encodedSha
        }

        It 'resumes such a download in the same unit, bytes of the encoding' {
            $dir = New-TestDirectory 'gzip-resume'
            $target = Join-Path $dir 'data.gz'
            [IO.File]::WriteAllBytes("$target.asyncweb-partial", $raw.Bytes[0..499])
            [IO.File]::WriteAllText("$target.asyncweb-partial.validator", '"gzip-100000"')

            $result = Invoke-AsyncWebBatch "$base/gzip/100000" -OutFile $target -Resume

            $result.Resumed | Should -BeTrue
            $result.StatusCode | Should -Be 206
            $result.ContentLength | Should -Be $raw.Bytes.Length
            (Get-FileHash -LiteralPath $target).Hash | Should -Be $encodedSha
            Get-FileName $dir | Should -Be 'data.gz'
        }
    }
}

Describe 'A hostile list of content codings' -Tag 'Fault' {
    It 'fails only that item with TooManyContentEncodings, once, and the process and the rest of the batch carry on' {
        # In a pwsh of its own: one decoder stacked per listed coding would end that process with a stack overflow.
        $modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath
        $dir = New-TestDirectory 'codings'
        $script = @"
Import-Module '$modulePath'
`$items = @(
    [pscustomobject]@{ Uri = '$base/codings/50000' }
    [pscustomobject]@{ Uri = '$base/codings/5' }
    [pscustomobject]@{ Uri = '$base/codings/6' }
    [pscustomobject]@{ Uri = '$base/json' }
    [pscustomobject]@{ Uri = '$base/codings/50000'; OutFile = '$dir/raw.bin' }
)
`$ok = `$items | Invoke-AsyncWebBatch -MaximumRetryCount 2 -RetryIntervalSec 1 -ErrorVariable failed -ErrorAction SilentlyContinue
@(`$ok) + @(`$failed.TargetObject) |
    Select-Object Index, StatusCode, Content, OutFile, Attempts, @{ n = 'ErrorId'; e = { `$_.Error.ErrorId } } |
    ConvertTo-Json -Compress | Write-Output
exit 0
"@
        $results = @(Invoke-FreshPwsh $script | ConvertFrom-Json | Sort-Object Index)

        $results.Index | Should -Be 0, 1, 2, 3, 4
        $results[0].ErrorId | Should -Be 'TooManyContentEncodings'
        $results[0].Attempts | Should -Be 1
        $results[1].Content | Should -Be 'coded 5 times'
        $results[2].ErrorId | Should -Be 'TooManyContentEncodings'
        $results[3].StatusCode | Should -Be 200
        $results[3].ErrorId | Should -BeNullOrEmpty
        # A download is the server's bytes: nothing is decoded, so the list does no harm there.
        $results[4].ErrorId | Should -BeNullOrEmpty
        [Text.Encoding]::UTF8.GetString((Expand-Gzip ([IO.File]::ReadAllBytes("$dir/raw.bin")))) | Should -Be 'coded 50000 times'
    }
}

Describe 'Responses without a body' {
    It 'leaves an existing -OutFile untouched (even with -Force) for <Case>, and says so in the result' -ForEach @(
        @{ Case = 'a HEAD'; Uri = '/bytes/1000'; Extra = @{ Method = 'HEAD' }; Status = 200; Content = $null }
        @{ Case = 'a 204'; Uri = '/status/204'; Extra = @{}; Status = 204; Content = $null }
        @{ Case = 'a 304'; Uri = '/status/304'; Extra = @{}; Status = 304; Content = $null }
        @{ Case = 'a 101 (1xx) answer to a GET'; Uri = 'raw:/switching-protocols'; Extra = @{}; Status = 101; Content = $null }
        @{ Case = 'a 302 returned with -MaximumRedirection 0'; Uri = '/redirect/1'; Extra = @{ MaximumRedirection = 0 }; Status = 302; Content = '' }
        @{ Case = 'a 302 without Location (its body is the result''s Content)'; Uri = '/status/302'; Extra = @{}; Status = 302; Content = "302 Found`n" }
    ) {
        $dir = New-TestDirectory 'no-body'
        $target = Join-Path $dir 'keep.bin'
        Set-Content -LiteralPath $target -Value 'precious' -NoNewline
        $uri = if ($Uri.StartsWith('raw:')) { $server.Raw + $Uri.Substring(4) } else { $base + $Uri }

        $result = Invoke-AsyncWebBatch $uri -OutFile $target -Force -OperationTimeoutSec 10 @Extra

        $result.Success | Should -BeTrue
        $result.StatusCode | Should -Be $Status
        $result.OutFile | Should -BeNullOrEmpty
        $result.Content | Should -BeExactly $Content
        $result.ContentLength | Should -Be ([Text.Encoding]::UTF8.GetByteCount([string]$Content))
        Get-Content -Raw -LiteralPath $target | Should -Be 'precious'
        Get-FileName $dir | Should -Be 'keep.bin'
    }

    It 'sends a HEAD although its -OutFile exists: a HEAD never writes, so the file is no conflict' {
        $dir = New-TestDirectory 'head-exists'
        $target = Join-Path $dir 'keep.bin'
        Set-Content -LiteralPath $target -Value 'precious' -NoNewline

        $result = Invoke-AsyncWebBatch "$base/bytes/1000" -Method HEAD -OutFile $target

        $result.StatusCode | Should -Be 200
        $result.Headers['Content-Length'] | Should -Be '1000'
        Get-Content -Raw -LiteralPath $target | Should -Be 'precious'
    }

    It 'writes no file into -OutDirectory for <Case>' -ForEach @(
        @{ Case = 'a 204'; Path = '/status/204'; Extra = @{} }
        @{ Case = 'a returned 302'; Path = '/redirect/1'; Extra = @{ MaximumRedirection = 0 } }
    ) {
        $dir = New-TestDirectory 'no-body-dir'

        $result = Invoke-AsyncWebBatch "$base$Path" -OutDirectory $dir @Extra

        $result.Success | Should -BeTrue
        $result.OutFile | Should -BeNullOrEmpty
        Get-FileName $dir | Should -BeNullOrEmpty
    }

    It 'reads no body for a HEAD of a resource larger than the in-memory limit' {
        $result = Invoke-AsyncWebBatch "$base/bytes/1073741824" -Method HEAD

        $result.Success | Should -BeTrue
        $result.Headers['Content-Length'] | Should -Be '1073741824'
        $result.ContentLength | Should -Be 0
    }
}

Describe 'A body cut short by a clean close' {
    It 'fails <Case> with ResponseTruncated, naming what arrived' -ForEach @(
        @{ Case = 'a binary body read into memory'; Path = '/short-body'; Download = $false }
        @{ Case = 'a text body read into memory'; Path = '/short-text'; Download = $false }
        @{ Case = 'a download, leaving no file'; Path = '/short-body'; Download = $true }
    ) {
        $dir = New-TestDirectory 'short'
        $where = if ($Download) { @{ OutFile = Join-Path $dir 'short.bin' } } else { @{} }

        $result = Invoke-AsyncWebBatch "$($server.Raw)$Path" -FailuresAsResults @where

        $result.Success | Should -BeFalse
        $result.Error.ErrorId | Should -Be 'ResponseTruncated'
        $result.Error.Message | Should -Match 'Content-Length'
        $result.Content | Should -BeNullOrEmpty
        $result.RawContent | Should -BeNullOrEmpty
        Get-FileName $dir | Should -BeNullOrEmpty
    }

    It 'keeps what arrived as the -Resume partial file, as after a reset' {
        $dir = New-TestDirectory 'short-resume'

        $result = Invoke-AsyncWebBatch "$($server.Raw)/short-body" -OutFile (Join-Path $dir 'short.bin') -Resume -FailuresAsResults

        $result.Error.ErrorId | Should -Be 'ResponseTruncated'
        Get-FileName $dir | Should -Be 'short.bin.asyncweb-partial'
        (Get-Item -LiteralPath (Join-Path $dir 'short.bin.asyncweb-partial')).Length | Should -Be 1000
    }

    It 'is retried as a transient failure' {
        $result = Invoke-AsyncWebBatch "$($server.Raw)/short-body" -MaximumRetryCount 2 -RetryIntervalSec 0 -FailuresAsResults

        $result.Error.ErrorId | Should -Be 'ResponseTruncated'
        $result.Attempts | Should -Be 3
    }
}

# HTTP versions: negotiated by default (h2 by ALPN over https, HTTP/1.1 over http), pinned by -HttpVersion.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
}

Describe 'HTTP version negotiation (no -HttpVersion)' {
    Context 'over https' {
        It 'speaks HTTP/2 when the server offers h2 by ALPN' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack speaks HTTP/1.x only (tested below)' }
            $result = "$($server.Https)/echo" | Invoke-AsyncWebBatch -SkipCertificateCheck
            $result.ProtocolVersion | Should -Be ([version]'2.0')
            $result.ContentObject.protocol | Should -Be 'HTTP/2'
        }

        It 'speaks HTTP/1.1 on the Windows PowerShell build, which has no HTTP/2' {
            if (-not (Test-NetstandardBuild)) { Set-ItResult -Skipped -Because 'only the netstandard2.0 build lacks HTTP/2' }
            $result = "$($server.Https)/echo" | Invoke-AsyncWebBatch -SkipCertificateCheck
            $result.ProtocolVersion | Should -Be ([version]'1.1')
            $result.ContentObject.protocol | Should -Be 'HTTP/1.1'
        }

        It 'falls back to HTTP/1.1 when the server offers only http/1.1' {
            # The httpsAia listener speaks HTTP/1.1 over TLS only; its certificate needs -SkipCertificateCheck.
            $result = "$($server.HttpsAia)/echo" | Invoke-AsyncWebBatch -SkipCertificateCheck
            $result.StatusCode | Should -Be 200
            $result.ProtocolVersion | Should -Be ([version]'1.1')
            $result.ContentObject.protocol | Should -Be 'HTTP/1.1'
        }

        It 'opens more HTTP/2 connections to a host when the streams of one are all in use' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack speaks HTTP/1.x only' }
            # Kestrel allows 100 concurrent streams per connection: 300 requests held for 2 s each need three.
            Reset-TestServerStats -Server $server
            $results = 1..300 | ForEach-Object { "$($server.Https)/delay/2000" } | Invoke-AsyncWebBatch -SkipCertificateCheck -ThrottleLimit 300
            $results | Where-Object StatusCode -EQ 200 | Should -HaveCount 300
            $results | Where-Object ProtocolVersion -NE ([version]'2.0') | Should -BeNullOrEmpty
            $stats = Get-TestServerStats -Server $server
            # More in flight at once than one connection's 100 streams allow, over more than one connection.
            $stats.peakInFlight | Should -BeGreaterThan 100
            $stats.connections | Should -BeGreaterThan 1
        }

        It 'downloads the server''s bytes over HTTP/2' {
            if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack speaks HTTP/1.x only' }
            $dir = Join-Path $TestDrive 'h2-download'
            New-Item -ItemType Directory -Path $dir | Out-Null
            $result = Invoke-AsyncWebBatch "$($server.Https)/bytes/3000000" -OutFile (Join-Path $dir 'h2.bin') -SkipCertificateCheck -ComputeSha256
            $result.ProtocolVersion | Should -Be ([version]'2.0')
            $result.ContentLength | Should -Be 3000000
            (Get-FileHash (Join-Path $dir 'h2.bin') -Algorithm SHA256).Hash | Should -Be (Get-PatternSha256 3000000)
        }
    }

    Context 'over plain http' {
        It 'speaks HTTP/1.1 and offers no h2c upgrade' {
            $result = "$($server.Http)/echo" | Invoke-AsyncWebBatch
            $result.ProtocolVersion | Should -Be ([version]'1.1')
            $result.ContentObject.protocol | Should -Be 'HTTP/1.1'
            $result.ContentObject.headers.PSObject.Properties.Name | Should -Not -Contain 'Upgrade'
            $result.ContentObject.headers.PSObject.Properties.Name | Should -Not -Contain 'HTTP2-Settings'
        }
    }
}

Describe 'A pinned -HttpVersion' {
    It '1.1 speaks HTTP/1.1 to a server that offers h2' {
        $result = "$($server.Https)/echo" | Invoke-AsyncWebBatch -SkipCertificateCheck -HttpVersion 1.1
        $result.ProtocolVersion | Should -Be ([version]'1.1')
        $result.ContentObject.protocol | Should -Be 'HTTP/1.1'
    }

    It '2.0 fails with HttpVersionNotSupported, naming the item, where the server offers only HTTP/1.1' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build refuses -HttpVersion 2.0 before sending (Invoke-AsyncWebBatch.Tests)' }
        $uris = "$($server.Https)/json", "$($server.HttpsAia)/json"
        $results = $uris | Invoke-AsyncWebBatch -SkipCertificateCheck -HttpVersion 2.0 -FailuresAsResults
        $results | Should -HaveCount 2
        $ok = $results | Where-Object Index -EQ 0
        $ok.StatusCode | Should -Be 200
        $ok.ProtocolVersion | Should -Be ([version]'2.0')
        $failed = $results | Where-Object Index -EQ 1
        $failed.Success | Should -BeFalse
        $failed.ErrorId | Should -Be 'HttpVersionNotSupported'
    }

    It '2.0 over plain http (h2c by prior knowledge) fails with HttpVersionNotSupported where the server speaks only HTTP/1.1, saying what to do' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build refuses -HttpVersion 2.0 before sending (Invoke-AsyncWebBatch.Tests)' }
        $results = "$($server.Http)/json", "$($server.H2c)/json" | Invoke-AsyncWebBatch -HttpVersion 2.0 -FailuresAsResults -Ordered
        $results[0].ErrorId | Should -Be 'HttpVersionNotSupported'
        $results[0].Error.Message | Should -BeLike '*does not speak HTTP/2.0*leave out -HttpVersion*'
        $results[0].Attempts | Should -Be 1
        $results[1].StatusCode | Should -Be 200
        $results[1].ProtocolVersion | Should -Be ([version]'2.0')
    }

    It 'offers the versions on Tab, each saying what it pins and what leaving it out does' {
        $line = 'Invoke-AsyncWebBatch -HttpVersion '
        $offered = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $expected = if (Test-NetstandardBuild) { '1.0', '1.1' } else { '1.0', '1.1', '2.0', '3.0' }
        $offered.CompletionText | Should -Be $expected
        $offered | ForEach-Object { $_.ToolTip | Should -BeLike '*without -HttpVersion*' }
    }
}

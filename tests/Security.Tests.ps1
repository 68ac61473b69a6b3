BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:port = ([uri]$base).Port
    $script:otherHost = "http://localhost:$port"
    $script:secret = 'Bearer S3CRET-TOKEN-VALUE'
}

Describe 'Redirects' {
    It 'follows redirects and reports the final URI' {
        $result = "$base/redirect/3" | Invoke-AsyncWebBatch
        $result.StatusCode | Should -Be 200
        $result.FinalUri.AbsolutePath | Should -Be '/redirect/0'
        $result.Uri.AbsolutePath | Should -Be '/redirect/3'
    }

    It 'ends a redirect chain at MaximumRedirection with TooManyRedirects' {
        $null = "$base/redirect/5" | Invoke-AsyncWebBatch -MaximumRedirection 2 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'TooManyRedirects,*'
        $ev[0].Exception.Message | Should -Match 'MaximumRedirection'
    }

    It 'returns the 3xx response itself with -MaximumRedirection 0' {
        $result = "$base/redirect/1" | Invoke-AsyncWebBatch -MaximumRedirection 0
        $result.StatusCode | Should -Be 302
        $result.Headers['Location'] | Should -Not -BeNullOrEmpty
    }

    It 'keeps Authorization and Cookie on a same-host redirect' {
        $target = [uri]::EscapeDataString("$base/echo")
        $result = "$base/redirect-to?url=$target" | Invoke-AsyncWebBatch -Headers @{ Authorization = $secret; Cookie = 'session=abc' }
        $result.ContentObject.headers.Authorization | Should -Be $secret
        $result.ContentObject.headers.Cookie | Should -Be 'session=abc'
    }

    It 'never forwards Authorization or Cookie to another host' {
        $target = [uri]::EscapeDataString("$otherHost/echo")
        $result = "$base/redirect-to?url=$target" | Invoke-AsyncWebBatch -Headers @{ Authorization = $secret; Cookie = 'session=abc'; 'X-Plain' = 'kept' }
        $result.FinalUri.Host | Should -Be 'localhost'
        $result.ContentObject.headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        $result.ContentObject.headers.PSObject.Properties.Name | Should -Not -Contain 'Cookie'
        $result.ContentObject.headers.'X-Plain' | Should -Be 'kept'
    }

    It 'refuses an HTTPS to HTTP redirect by default' {
        $target = [uri]::EscapeDataString("$base/echo")
        $null = "$($server.Https)/redirect-to?url=$target" | Invoke-AsyncWebBatch -SkipCertificateCheck -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'InsecureRedirect,*'
        $ev[0].Exception.Message | Should -Match 'AllowInsecureRedirect'
    }

    It 'follows an HTTPS to HTTP redirect with -AllowInsecureRedirect' {
        $target = [uri]::EscapeDataString("$base/echo")
        $result = "$($server.Https)/redirect-to?url=$target" | Invoke-AsyncWebBatch -SkipCertificateCheck -AllowInsecureRedirect
        $result.StatusCode | Should -Be 200
        $result.FinalUri.Scheme | Should -Be 'http'
    }

    It 'turns a POST into a GET on 303 and keeps it on 307' {
        $target = [uri]::EscapeDataString("$base/echo")
        $see = "$base/redirect-to?url=$target&status=303" | Invoke-AsyncWebBatch -Method POST -Body 'x'
        $see.ContentObject.method | Should -Be 'GET'
        $keep = "$base/redirect-to?url=$target&status=307" | Invoke-AsyncWebBatch -Method POST -Body 'x'
        $keep.ContentObject.method | Should -Be 'POST'
        $keep.ContentObject.body | Should -Be 'x'
    }
}

Describe 'Secrets stay out of output' {
    It 'shows each request start and end in -Verbose without Authorization or Cookie values' {
        $verbose = "$base/json" | Invoke-AsyncWebBatch -Headers @{ Authorization = $secret; Cookie = 'session=COOKIEVALUE' } -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = ($verbose | ForEach-Object Message) -join "`n"
        $text | Should -Match '#0 GET'
        $text | Should -Match '#0 200'
        $text | Should -Not -Match 'S3CRET'
        $text | Should -Not -Match 'COOKIEVALUE'
    }

    It 'hides user:password in URIs in verbose and error messages' {
        $closed = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $closed.Start(); $p = $closed.LocalEndpoint.Port; $closed.Stop()
        $all = "http://user:PASSW0RD@127.0.0.1:$p/" | Invoke-AsyncWebBatch -Verbose -ErrorAction SilentlyContinue -ErrorVariable ev 4>&1
        $text = (($all | ForEach-Object { "$_" }) + ($ev | ForEach-Object { $_.Exception.Message })) -join "`n"
        $text | Should -Match '\*\*\*@127\.0\.0\.1'
        $text | Should -Not -Match 'PASSW0RD'
    }

    It 'hides sensitive query values and user:password in every stream, message, ToString and view, and keeps the real Uri' {
        # Every character percent-encoded, so the secret is not in the item's own URI but in what the server sends back.
        function ConvertTo-Encoded([string] $Text) { -join ($Text.ToCharArray() | ForEach-Object { '%{0:X2}' -f [int]$_ }) }
        $lastHop = '/redirect-to?url=' + (ConvertTo-Encoded '/json?X-Amz-Signature=S3CRET')
        $items = @(
            "$base/json?sig=S3CRET&x=1"                            # a result
            "$base/status/500?Signature=S3CRET&x=1"                # an HttpStatus error
            'ftp://files.example/?token=S3CRET'                    # an invalid item: its message quotes the text
            "http://user:S3CRET@127.0.0.1:$port/json"              # user:password
            "$base/json?mytoken=S3CRET#access_token=S3CRET"        # a name added by the user, a fragment
            "$base/redirect-to?url=$(ConvertTo-Encoded $lastHop)"  # TooManyRedirects quotes the last Location
        )

        $all = @($items | Invoke-AsyncWebBatch -SensitiveQueryParameter mytoken -MaximumRedirection 1 -Verbose -Debug -ErrorAction Continue -ErrorVariable failures *>&1)
        $asResults = @($items | Invoke-AsyncWebBatch -SensitiveQueryParameter mytoken -MaximumRedirection 1 -FailuresAsResults)

        $failures | Should -HaveCount 3
        ($failures | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] } | Sort-Object) | Should -Be @('HttpStatus', 'TooManyRedirects', 'UnsupportedScheme')
        $asResults | Should -HaveCount 6
        ($asResults | Where-Object ErrorId -EQ 'TooManyRedirects').Error.Message | Should -Match 'X-Amz-Signature=\*\*\*'
        $text = @(
            foreach ($record in @($all) + @($failures) + @($asResults)) {
                "$record"
                $record | Out-String -Width 400
                if ($record -is [System.Management.Automation.ErrorRecord]) {
                    $record | Format-List * -Force | Out-String -Width 400
                    $record.Exception.Message
                    $record.CategoryInfo.ToString()
                    "$($record.TargetObject)"
                }
                if ($record -is [AsyncWeb.WebBatchResult]) {
                    $record | Format-List | Out-String -Width 400
                    $record.ToString()
                    $record.RedactedUri
                    "$($record.Error)"
                }
            }
        ) -join "`n"
        $text | Should -Match 'sig=\*\*\*&x=1'
        $text | Should -Match '//\*\*\*@127\.0\.0\.1'
        $text | Should -Match 'mytoken=\*\*\*#access_token=\*\*\*'
        $text | Should -Not -Match 'S3CRET'

        # Scripts still get the real URIs: the Uri, FinalUri and Input properties (and Format-List *, which shows them) are not redacted.
        ($asResults | Where-Object Index -EQ 0).Uri.Query | Should -Be '?sig=S3CRET&x=1'
    }

    It 'keeps the password of <Parameter> ''<Value>'' out of <Command>''s error, its ToString, TargetObject and every stream' -ForEach @(
        @{ Command = 'Invoke-AsyncWebBatch'; Parameter = 'BaseUri'; Value = 'ftp://user:S3CRET@files.example/' }
        @{ Command = 'New-AsyncWebSession'; Parameter = 'BaseUri'; Value = 'ftp://user:S3CRET@files.example/' }
        @{ Command = 'Invoke-AsyncWebBatch'; Parameter = 'BaseUri'; Value = 'user:S3CRET@files.example' }
        @{ Command = 'New-AsyncWebSession'; Parameter = 'BaseUri'; Value = 'user:S3CRET@files.example' }
        @{ Command = 'Invoke-AsyncWebBatch'; Parameter = 'BaseUri'; Value = 'http://user:S3CRET@files.example:99999/' }
        @{ Command = 'New-AsyncWebSession'; Parameter = 'BaseUri'; Value = 'http://user:S3CRET@files.example:99999/' }
        @{ Command = 'Invoke-AsyncWebBatch'; Parameter = 'Proxy'; Value = 'http://user:S3CRET@proxy.example:99999/' }
        @{ Command = 'New-AsyncWebSession'; Parameter = 'Proxy'; Value = 'http://user:S3CRET@proxy.example:99999/' }
    ) {
        # The value goes in through a variable: the command line an ErrorRecord shows is the caller's own text.
        $arguments = @{ $Parameter = $Value }
        if ($Command -eq 'Invoke-AsyncWebBatch') { $arguments.Uri = '/json' }
        $streams = [Collections.Generic.List[object]]::new()
        $thrown = $null
        try { & $Command @arguments -Verbose *>&1 | ForEach-Object { $streams.Add($_) } }
        catch { $thrown = $_ }

        $thrown | Should -Not -BeNullOrEmpty
        $text = @(
            "$thrown"
            $thrown.Exception.ToString()
            "$($thrown.TargetObject)"
            $thrown | Out-String -Width 400
            $thrown | Format-List * -Force | Out-String -Width 400
            $streams | ForEach-Object { "$_" }
        ) -join "`n"
        $text | Should -Not -Match 'S3CRET'
        $thrown.FullyQualifiedErrorId | Should -Match '^(InvalidBaseUri|ParameterArgumentTransformationError),'
    }

    It 'keeps the password of an item''s Uri ''<Given>'' out of its error, result, view and every stream' -ForEach @(
        @{ Given = 'user:S3CRET@127.0.0.1:9/x' }
        @{ Given = 'http://user:S3CRET@bad host/x' }
        @{ Given = 'http://user:S3CRET@/x' }
    ) {
        $streams = @(@($Given, @{ Uri = $Given }) | Invoke-AsyncWebBatch -FailuresAsResults -Verbose *>&1)
        $streams | Should -HaveCount 2 -Because 'each item is a failed result, and nothing else may be written'
        $failed = @($Given, @{ Uri = $Given }) | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
        $failed | Should -BeNullOrEmpty
        $ev | Should -HaveCount 2
        $text = @(
            # Input (shown by Format-List *) is the caller's own object, kept as given, like the Uri property.
            $streams | ForEach-Object { "$_"; $_ | Out-String -Width 400; $_ | Format-List | Out-String -Width 400; $_.Error.Message }
            $ev | ForEach-Object { "$_"; "$($_.TargetObject)"; $_ | Out-String -Width 400; $_ | Format-List * -Force | Out-String -Width 400; $_.Exception.ToString() }
        ) -join "`n"
        $text | Should -Not -Match 'S3CRET'
        $text | Should -Match '\*\*\*@'
    }

    It 'hides sensitive query values in the command line a job shows' {
        $job = Invoke-AsyncWebBatch "$base/json?sig=S3CRET" -AsJob
        try {
            $null = $job | Wait-Job -Timeout 30
            $job.Command | Should -Match 'sig=\*\*\*'
            ($job | Format-List * | Out-String) + ($job | Out-String) | Should -Not -Match 'S3CRET'
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    It 'does not echo the value of a rejected sensitive header' {
        # -Headers applies to every item, so a bad value there stops the batch before anything is sent.
        $thrown = { "$base/json" | Invoke-AsyncWebBatch -Headers @{ Authorization = "Bearer abc`r`nX-Injected: 1" } } | Should -Throw -ErrorId 'InvalidHeader,*' -PassThru
        $thrown.Exception.Message | Should -Match 'Authorization'
        $thrown.Exception.Message | Should -Not -Match 'abc'
    }
}

Describe 'Hostile responses' -Tag 'Fault' {
    It 'handles a very large response header' {
        $result = "$base/headers/large?size=200000" | Invoke-AsyncWebBatch
        $result.StatusCode | Should -Be 200
        $result.Headers['X-Large'][0].Length | Should -Be 200000
    }

    It 'refuses a response header over the limit with ResponseHeadersTooLarge' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build knows this failure from .NET Framework''s WebException (MessageLengthLimitExceeded); on PowerShell 7 it arrives as HttpRequestError, which netstandard2.0 cannot read' }
        $null = "$base/headers/large?size=2000000" | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'ResponseHeadersTooLarge,*'
    }

    It 'reports a reset in the middle of the headers' {
        $null = "$($server.Raw)/partial-headers" | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeIn @('ConnectionReset,AsyncWeb.Commands.InvokeAsyncWebBatchCommand', 'ProtocolError,AsyncWeb.Commands.InvokeAsyncWebBatchCommand')
    }
}

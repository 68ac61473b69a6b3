BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:token = ConvertTo-SecureString 'T0KEN-NEVER-SHOWN' -AsPlainText -Force
}

Describe 'New-AsyncWebSession' {
    It 'resolves relative URIs against the base URI' {
        $session = New-AsyncWebSession -BaseUri "$base/"
        try {
            $results = 'json', '/status/204', 'echo?x=1' | Invoke-AsyncWebBatch -Session $session -Ordered
            $results.StatusCode | Should -Be @(200, 204, 200)
            $results[2].ContentObject.query | Should -Be '?x=1'
        }
        finally { $session.Dispose() }
    }

    It 'sends its default headers, and a request header overrides one' {
        $session = New-AsyncWebSession -BaseUri $base -Headers @{ 'X-Team' = 'ops'; 'X-Env' = 'test' }
        try {
            $result = '/echo' | Invoke-AsyncWebBatch -Session $session -Headers @{ 'X-Env' = 'prod' }
            $result.ContentObject.headers.'X-Team' | Should -Be 'ops'
            $result.ContentObject.headers.'X-Env' | Should -Be 'prod'
        }
        finally { $session.Dispose() }
    }

    It 'carries cookies set by one response into later requests' {
        $session = New-AsyncWebSession -BaseUri $base
        try {
            $null = '/cookies/set?flavour=oat' | Invoke-AsyncWebBatch -Session $session
            $result = '/cookies' | Invoke-AsyncWebBatch -Session $session
            $result.ContentObject.cookies.flavour | Should -Be 'oat'
            $session.Cookies.Count | Should -Be 1
        }
        finally { $session.Dispose() }
    }

    It 'does not share cookies outside a session' {
        $null = "$base/cookies/set?leak=1" | Invoke-AsyncWebBatch
        $result = "$base/cookies" | Invoke-AsyncWebBatch
        $result.Content | Should -Not -Match 'leak'
    }

    It 'sends a bearer token and never shows it' {
        $session = New-AsyncWebSession -BaseUri $base -Token $token -AllowUnencryptedAuthentication
        try {
            $all = '/bearer' | Invoke-AsyncWebBatch -Session $session -Verbose 4>&1
            $result = $all | Where-Object { $_ -is [AsyncWeb.WebBatchResult] }
            $result.StatusCode | Should -Be 200
            $verbose = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
            $verbose | Should -Not -Match 'T0KEN'
            ($session | Format-List * | Out-String) | Should -Not -Match 'T0KEN'
            ($session | Out-String) | Should -Not -Match 'T0KEN'
            $session.HasToken | Should -BeTrue
        }
        finally { $session.Dispose() }
    }

    It 'sends basic credentials' {
        $credential = [pscredential]::new('ops', (ConvertTo-SecureString 'pa55' -AsPlainText -Force))
        $session = New-AsyncWebSession -BaseUri $base -Credential $credential -AllowUnencryptedAuthentication
        try {
            $result = '/basic-auth/ops/pa55' | Invoke-AsyncWebBatch -Session $session
            $result.StatusCode | Should -Be 200
            $session.UserName | Should -Be 'ops'
        }
        finally { $session.Dispose() }
    }

    It 'does not send the token to another host' {
        $port = ([uri]$base).Port
        $session = New-AsyncWebSession -BaseUri $base -Token $token -AllowUnencryptedAuthentication
        try {
            $result = "http://localhost:$port/echo" | Invoke-AsyncWebBatch -Session $session
            $result.ContentObject.headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }
        finally { $session.Dispose() }
    }

    It 'keeps its connection pool warm across calls' {
        $session = New-AsyncWebSession -BaseUri $base
        try {
            $null = '/json' | Invoke-AsyncWebBatch -Session $session
            Reset-TestServerStats -Server $server
            1..5 | ForEach-Object { $null = '/json' | Invoke-AsyncWebBatch -Session $session }
            # The one connection counted is Get-TestServerStats' own.
            (Get-TestServerStats -Server $server).connections | Should -BeLessOrEqual 1
        }
        finally { $session.Dispose() }
    }

    It 'refuses to run with a disposed session' {
        $session = New-AsyncWebSession -BaseUri $base
        $session.Dispose()
        { '/json' | Invoke-AsyncWebBatch -Session $session } | Should -Throw -ErrorId 'SessionDisposed*'
    }

    It 'rejects connection settings on the batch when a session owns the connections' {
        $session = New-AsyncWebSession -BaseUri $base
        try {
            { '/json' | Invoke-AsyncWebBatch -Session $session -SkipCertificateCheck } | Should -Throw '*New-AsyncWebSession*'
        }
        finally { $session.Dispose() }
    }

    It 'sends the token to its https base URI''s origin without any switch, and not to another origin' {
        $session = New-AsyncWebSession -BaseUri $server.Https -Token $token -SkipCertificateCheck
        try {
            $results = '/bearer', "$base/echo" | Invoke-AsyncWebBatch -Session $session -Ordered -FailuresAsResults
            $results[0].StatusCode | Should -Be 200
            $results[0].ContentObject.token | Should -Be 'T0KEN-NEVER-SHOWN'
            $results[1].StatusCode | Should -Be 200
            $results[1].ContentObject.headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }
        finally { $session.Dispose() }
    }

    It 'refuses -Token or -Credential without -BaseUri, which would send them to every host' {
        $credential = [pscredential]::new('ops', (ConvertTo-SecureString 'pa55' -AsPlainText -Force))
        { New-AsyncWebSession -Token $token } | Should -Throw -ErrorId 'CredentialWithoutBaseUri,*' -ExpectedMessage '*-BaseUri*'
        { New-AsyncWebSession -Credential $credential } | Should -Throw -ErrorId 'CredentialWithoutBaseUri,*'
    }

    It 'refuses -Token or -Credential with an http:// base URI unless -AllowUnencryptedAuthentication' {
        $credential = [pscredential]::new('ops', (ConvertTo-SecureString 'pa55' -AsPlainText -Force))
        { New-AsyncWebSession -BaseUri $base -Token $token } | Should -Throw -ErrorId 'UnencryptedAuthentication,*' -ExpectedMessage '*-AllowUnencryptedAuthentication*'
        $thrown = { New-AsyncWebSession -BaseUri "http://ops:PASSW0RD@127.0.0.1:1/" -Credential $credential } | Should -Throw -ErrorId 'UnencryptedAuthentication,*' -PassThru
        $thrown.Exception.Message | Should -Not -Match 'PASSW0RD'
        $session = New-AsyncWebSession -BaseUri $base -Token $token -AllowUnencryptedAuthentication
        try {
            $session.AllowUnencryptedAuthentication | Should -BeTrue
            ('/bearer' | Invoke-AsyncWebBatch -Session $session).ContentObject.authenticated | Should -BeTrue
        }
        finally { $session.Dispose() }
    }

    It 'rejects a base URI that is not absolute http(s)' {
        { New-AsyncWebSession -BaseUri 'ftp://example.com/' } | Should -Throw -ErrorId 'InvalidBaseUri*'
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:https = $server.Https
    $script:port = ([uri]$base).Port
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath
    $script:password = 'P4ss-NEVER-SHOWN'
    $script:credential = [pscredential]::new('alice', (ConvertTo-SecureString $password -AsPlainText -Force))
    $script:tokenText = 'T0KEN-NEVER-SHOWN'
    $script:token = ConvertTo-SecureString $tokenText -AsPlainText -Force
}

Describe 'Authentication' {
    Context 'Basic and Bearer, as Invoke-WebRequest sends them' {
        It 'sends -Credential as Basic to each item''s origin (alone, or with -Authentication Basic)' {
            $results = "$https/basic-auth/alice/$password", "$https/basic-auth/alice/$($password)?n=2" |
                Invoke-AsyncWebBatch -Credential $credential -SkipCertificateCheck -Ordered
            $results.StatusCode | Should -Be @(200, 200)
            $results[0].ContentObject.user | Should -Be 'alice'
            ("$https/basic-auth/alice/$password" | Invoke-AsyncWebBatch -Authentication Basic -Credential $credential -SkipCertificateCheck).StatusCode | Should -Be 200
        }

        It 'sends -Token as Bearer (alone, or with -Authentication Bearer or OAuth)' {
            foreach ($scheme in 'None', 'Bearer', 'OAuth') {
                $result = "$https/bearer" | Invoke-AsyncWebBatch -Authentication $scheme -Token $token -SkipCertificateCheck
                $result.ContentObject.token | Should -Be $tokenText -Because "-Authentication $scheme"
            }
        }

        It 'lets an item''s own Authorization header win' {
            $result = @{ Uri = "$https/bearer"; Headers = @{ Authorization = 'Bearer item-token' } } | Invoke-AsyncWebBatch -Token $token -SkipCertificateCheck
            $result.ContentObject.token | Should -Be 'item-token'
        }

        It 'refuses an http item with UnencryptedAuthentication and sends the https ones' {
            Reset-TestServerStats
            $results = "$https/bearer", "$base/bearer", "$https/bearer?n=3" |
                Invoke-AsyncWebBatch -Token $token -SkipCertificateCheck -FailuresAsResults -Ordered
            @($results | ForEach-Object { "$($_.ErrorId)" }) | Should -Be @('', 'UnencryptedAuthentication', '')
            $results[1].Error.Message | Should -Match 'AllowUnencryptedAuthentication'
            $results[1].Attempts | Should -Be 0
            (Get-TestServerStats).requestsByPath.'/bearer' | Should -Be 2
        }

        It 'writes the refusal as an error naming the item and its index' {
            $null = "$https/basic-auth/alice/$password", "$base/basic-auth/alice/$password" |
                Invoke-AsyncWebBatch -Credential $credential -SkipCertificateCheck -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'UnencryptedAuthentication,*'
            $failed[0].Exception.Message | Should -BeLike "``[#1``] GET '$base/basic-auth/*clear text*"
        }

        It 'sends credentials over http with -AllowUnencryptedAuthentication' {
            $result = "$base/basic-auth/alice/$password" | Invoke-AsyncWebBatch -Credential $credential -AllowUnencryptedAuthentication
            $result.StatusCode | Should -Be 200
        }

        It 'keeps them on a same-origin redirect and drops them on a redirect to another origin' {
            $same = [uri]::EscapeDataString("$base/echo")
            $other = [uri]::EscapeDataString("http://localhost:$port/echo")
            $results = "$base/redirect-to?url=$same", "$base/redirect-to?url=$other" |
                Invoke-AsyncWebBatch -Token $token -AllowUnencryptedAuthentication -Ordered
            $results[0].ContentObject.headers.Authorization | Should -Be "Bearer $tokenText"
            $results[1].FinalUri.Host | Should -Be 'localhost'
            $results[1].ContentObject.headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }

        It 'never shows the token or the password in any stream, error or result' {
            $all = & {
                "$https/bearer", "$base/bearer", "$https/status/500" |
                    Invoke-AsyncWebBatch -Token $token -SkipCertificateCheck -Verbose -Debug -ErrorAction Continue
                "$https/basic-auth/alice/x", "$base/basic-auth/alice/x" |
                    Invoke-AsyncWebBatch -Credential $credential -SkipCertificateCheck -FailuresAsResults -Verbose
            } *>&1
            @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] }).Count | Should -Be 2
            $shown = ($all | Out-String -Width 500) + ($all | ForEach-Object {
                    $_.ToString()
                    if ($_ -is [Management.Automation.ErrorRecord]) { $_.Exception.Message; $_.TargetObject.ToString(); $_.TargetObject | Format-List * | Out-String }
                } | Out-String)
            $shown | Should -Not -Match $tokenText
            $shown | Should -Not -Match $password
            $shown | Should -Not -Match ([regex]::Escape([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("alice:$password"))))
        }
    }

    Context 'the rules of the parameters' {
        It 'stops with <ErrorId> when <Case>' -ForEach @(
            @{ Case = 'Basic has no -Credential'; ErrorId = 'CredentialRequired'; Parameters = { @{ Authentication = 'Basic' } } }
            @{ Case = 'Bearer has no -Token'; ErrorId = 'TokenRequired'; Parameters = { @{ Authentication = 'Bearer' } } }
            @{ Case = 'NTLM has neither -Credential nor -UseDefaultCredentials'; ErrorId = 'CredentialRequired'; Parameters = { @{ Authentication = 'NTLM' } } }
            @{ Case = '-Token and -Credential are both given'; ErrorId = 'ConflictingParameters'; Parameters = { @{ Token = $token; Credential = $credential } } }
            @{ Case = '-Token goes with Basic'; ErrorId = 'ConflictingParameters'; Parameters = { @{ Authentication = 'Basic'; Token = $token } } }
            @{ Case = '-UseDefaultCredentials goes with -Credential'; ErrorId = 'ConflictingParameters'; Parameters = { @{ UseDefaultCredentials = $true; Credential = $credential } } }
            @{ Case = '-UseDefaultCredentials goes with Basic'; ErrorId = 'ConflictingParameters'; Parameters = { @{ UseDefaultCredentials = $true; Authentication = 'Basic' } } }
        ) {
            $parameters = & $Parameters
            { "$https/json" | Invoke-AsyncWebBatch @parameters -SkipCertificateCheck } |
                Should -Throw -ErrorId "$ErrorId,AsyncWeb.Commands.InvokeAsyncWebBatchCommand"
        }

        It 'refuses a session whose credentials have no origin of their own, or would cross http, or do not fit' {
            { New-AsyncWebSession -UseDefaultCredentials } | Should -Throw -ErrorId 'CredentialWithoutBaseUri,AsyncWeb.Commands.NewAsyncWebSessionCommand'
            { New-AsyncWebSession -BaseUri $base -Authentication NTLM -Credential $credential } |
                Should -Throw -ErrorId 'UnencryptedAuthentication,AsyncWeb.Commands.NewAsyncWebSessionCommand'
            { New-AsyncWebSession -BaseUri $https -Authentication Basic } | Should -Throw -ErrorId 'CredentialRequired,AsyncWeb.Commands.NewAsyncWebSessionCommand'
            { New-AsyncWebSession -BaseUri $https -Authentication Negotiate -Token $token } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.NewAsyncWebSessionCommand'
        }

        It 'shows a session''s scheme and user, never the password' {
            $session = New-AsyncWebSession -BaseUri $https -Authentication NTLM -Credential $credential
            try {
                $session.Authentication | Should -Be 'NTLM'
                $session.UserName | Should -Be 'alice'
                $session.UseDefaultCredentials | Should -BeFalse
                ($session | Format-List * | Out-String) + $session.ToString() | Should -Not -Match $password
            }
            finally { $session.Dispose() }
        }

        It 'leaves credentials to the session when -Session is given' {
            $session = New-AsyncWebSession -BaseUri $https -SkipCertificateCheck
            try {
                { '/json' | Invoke-AsyncWebBatch -Session $session -Credential $credential } |
                    Should -Throw -ErrorId 'ParameterConflictsWithSession,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            }
            finally { $session.Dispose() }
        }
    }

    Context 'Negotiate and NTLM, answered by the runtime''s handler' {
        BeforeAll {
            # .NET on Linux and macOS speaks NTLM through GSSAPI's gss-ntlmssp plugin, or its own managed NTLM
            # when the process opts in before its first NTLM use: a fresh pwsh does that, then runs every case.
            $script:ntlm = @{}
            $script_ = @"
[AppContext]::SetSwitch('System.Net.Security.UseManagedNtlm', `$true)
Import-Module '$modulePath'
`$credential = [pscredential]::new('CORP\alice', (ConvertTo-SecureString 'S3cret' -AsPlainText -Force))
`$wrong = [pscredential]::new('CORP\alice', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
`$cases = [ordered]@{
    ntlm      = { '$base/ntlm/alice/S3cret' | Invoke-AsyncWebBatch -Authentication NTLM -Credential `$credential -AllowUnencryptedAuthentication -FailuresAsResults }
    negotiate = { '$base/negotiate/alice/S3cret' | Invoke-AsyncWebBatch -Authentication Negotiate -Credential `$credential -AllowUnencryptedAuthentication -FailuresAsResults }
    wrong     = { '$base/ntlm/alice/S3cret' | Invoke-AsyncWebBatch -Authentication NTLM -Credential `$wrong -AllowUnencryptedAuthentication -FailuresAsResults }
    scheme    = { '$base/negotiate/alice/S3cret' | Invoke-AsyncWebBatch -Authentication NTLM -Credential `$credential -AllowUnencryptedAuthentication -FailuresAsResults }
    redirect  = { '$base/redirect-to?url=' + [uri]::EscapeDataString('http://localhost:$port/ntlm/alice/S3cret') | Invoke-AsyncWebBatch -Authentication NTLM -Credential `$credential -AllowUnencryptedAuthentication -FailuresAsResults }
    sameorigin = { '$base/redirect-to?url=' + [uri]::EscapeDataString('/ntlm/alice/S3cret') | Invoke-AsyncWebBatch -Authentication NTLM -Credential `$credential -AllowUnencryptedAuthentication -FailuresAsResults }
    plainhttp = { '$base/ntlm/alice/S3cret' | Invoke-AsyncWebBatch -Authentication NTLM -Credential `$credential -FailuresAsResults }
    session   = { '/ntlm/alice/S3cret' | Invoke-AsyncWebBatch -Session `$session -FailuresAsResults }
    sessionother = { 'http://localhost:$port/ntlm/alice/S3cret' | Invoke-AsyncWebBatch -Session `$session -FailuresAsResults }
}
`$session = New-AsyncWebSession -BaseUri '$base' -Authentication NTLM -Credential `$credential -AllowUnencryptedAuthentication
foreach (`$name in `$cases.Keys) {
    `$r = & `$cases[`$name]
    [pscustomobject]@{ Case = `$name; Status = `$r.StatusCode; ErrorId = `$r.ErrorId; User = `$r.ContentObject.user; Domain = `$r.ContentObject.domain; Scheme = `$r.ContentObject.scheme; Challenge = "`$(`$r.Headers['WWW-Authenticate'])"; Host = `$r.FinalUri.Host } | ConvertTo-Json -Compress
}
"@
            $environment = if (Test-NetstandardBuild) { @{ ASYNCWEB_LOAD_NETSTANDARD = '1' } } else { @{} }
            foreach ($line in Invoke-FreshPwsh $script_ -Environment $environment -TimeoutSec 180) {
                $case = $line | ConvertFrom-Json
                $ntlm[$case.Case] = $case
            }
        }

        It 'answers an NTLM challenge with the credential: the server verifies the NTLMv2 response' {
            $ntlm.ntlm.Status | Should -Be 200
            $ntlm.ntlm.User | Should -Be 'alice'
            $ntlm.ntlm.Domain | Should -Be 'CORP'
            $ntlm.ntlm.Scheme | Should -Be 'NTLM'
        }

        It 'answers a Negotiate challenge (SPNEGO around NTLM here, Kerberos where a domain offers it)' {
            $ntlm.negotiate.Status | Should -Be 200
            $ntlm.negotiate.Scheme | Should -Be 'Negotiate'
        }

        It 'fails with HttpStatus 401 when the server rejects the password' {
            $ntlm.wrong.Status | Should -Be 401
            $ntlm.wrong.ErrorId | Should -Be 'HttpStatus'
        }

        It 'answers only the scheme asked for: -Authentication NTLM does not answer Negotiate' {
            $ntlm.scheme.Status | Should -Be 401
            $ntlm.scheme.Challenge | Should -Be 'Negotiate'
        }

        It 'offers the credential only to the item''s origin: a redirect to another host is not answered' {
            $ntlm.redirect.Host | Should -Be 'localhost'
            $ntlm.redirect.Status | Should -Be 401
            # The server answers a NEGOTIATE message with a challenge token; a bare scheme means none was sent.
            $ntlm.redirect.Challenge | Should -Be 'NTLM'
            $ntlm.sameorigin.Status | Should -Be 200
        }

        It 'answers for a session, only on its base URI''s origin' {
            $ntlm.session.Status | Should -Be 200
            $ntlm.session.User | Should -Be 'alice'
            $ntlm.sessionother.Host | Should -Be 'localhost'
            $ntlm.sessionother.Status | Should -Be 401
            $ntlm.sessionother.Challenge | Should -Be 'NTLM'
        }

        It 'refuses them over http without -AllowUnencryptedAuthentication' {
            $ntlm.plainhttp.ErrorId | Should -Be 'UnencryptedAuthentication'
        }

        It 'answers with the platform''s own NTLM in this process where it has one (Windows, or gss-ntlmssp)' {
            $native = $IsWindows -or @(Get-ChildItem /etc/gss/mech.d -ErrorAction Ignore | Select-String -Pattern 'ntlmssp' -SimpleMatch -ErrorAction Ignore).Count -gt 0
            if (-not $native) {
                Set-ItResult -Skipped -Because 'this system has no GSSAPI NTLM plugin (gss-ntlmssp); the managed-NTLM cases above cover the handler'
                return
            }

            $credential2 = [pscredential]::new('alice', (ConvertTo-SecureString 'S3cret' -AsPlainText -Force))
            ("$base/ntlm/alice/S3cret" | Invoke-AsyncWebBatch -Authentication NTLM -Credential $credential2 -AllowUnencryptedAuthentication).StatusCode | Should -Be 200
        }
    }
}

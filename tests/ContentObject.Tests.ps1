BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http

    # A result whose body is $Body with Content-Type $Type (the server's /content endpoint).
    function script:Get-Body([string] $Type, [string] $Body) {
        Invoke-AsyncWebBatch "$base/content?type=$([uri]::EscapeDataString($Type))&body=$([uri]::EscapeDataString($Body))"
    }
}

Describe 'ContentObject: the body as Invoke-RestMethod returns it' {
    Context 'JSON' {
        It 'parses once: the same object every time it is read' {
            $result = Invoke-AsyncWebBatch "$base/json"
            $result.ContentObject.name | Should -Be 'asyncweb'
            [object]::ReferenceEquals($result.ContentObject, $result.ContentObject) | Should -BeTrue
            $result.ContentObject.items[0].name = 'changed'
            $result.ContentObject.items[0].name | Should -Be 'changed'
        }

        It 'parses JSON as deep as Invoke-RestMethod does (1024 levels on PowerShell 7), deeper as the text' {
            if ($PSVersionTable.PSEdition -eq 'Desktop') { Set-ItResult -Skipped -Because 'Windows PowerShell 5.1''s Invoke-RestMethod stops near 100 levels' }
            $deep = ('[' * 500) + '"bottom"' + (']' * 500)
            $node = (Get-Body 'application/json' $deep).ContentObject
            foreach ($level in 1..499) { $node = $node[0] }
            $node | Should -Be 'bottom'
            $tooDeep = ('[' * 1100) + (']' * 1100)
            (Get-Body 'application/json' $tooDeep).ContentObject | Should -Be $tooDeep
        }

        It 'returns the text when a JSON body does not parse, as Invoke-RestMethod does' {
            $result = Get-Body 'application/json' '{"truncated":'
            $result.ContentObject | Should -BeOfType [string]
            $result.ContentObject | Should -Be '{"truncated":'
        }

        It 'parses a JSON array, a number and the null literal' {
            (Get-Body 'application/json' '[1,2,3]').ContentObject | Should -Be @(1, 2, 3)
            (Get-Body 'text/plain' '42').ContentObject | Should -Be 42
            (Get-Body 'application/json' 'null').ContentObject | Should -BeNullOrEmpty
        }

        It 'works on another thread, in a runspace without the module' {
            if ($PSVersionTable.PSVersion.Major -lt 7) { Set-ItResult -Skipped -Because 'ForEach-Object -Parallel is PowerShell 7' }
            $result = Invoke-AsyncWebBatch "$base/json"
            $name = $result | ForEach-Object -Parallel { $_.ContentObject.name } -ThrottleLimit 1
            $name | Should -Be 'asyncweb'
        }
    }

    Context 'XML' {
        It 'parses an XML body into an XmlDocument' {
            $result = Get-Body 'application/xml' '<root><x>1</x><x>2</x></root>'
            $result.ContentObject | Should -BeOfType [xml]
            $result.ContentObject.root.x | Should -Be @('1', '2')
            [object]::ReferenceEquals($result.ContentObject, $result.ContentObject) | Should -BeTrue
        }

        It 'parses text/xml and +xml types, and XML sent as text/plain, as Invoke-RestMethod does' {
            (Get-Body 'text/xml; charset=utf-8' '<a><b>t</b></a>').ContentObject.a.b | Should -Be 't'
            (Get-Body 'application/atom+xml' '<a><b>t</b></a>').ContentObject.a.b | Should -Be 't'
            (Get-Body 'text/plain' '<a><b>t</b></a>').ContentObject.a.b | Should -Be 't'
        }

        It 'never expands an entity bomb: the body stays text' {
            $entities = (2..9 | ForEach-Object { "<!ENTITY lol$_ `"$(('&lol' + ($_ - 1) + ';') * 10)`">" }) -join ''
            $bomb = "<?xml version=`"1.0`"?><!DOCTYPE lolz [<!ENTITY lol1 `"lol`">$entities]><lolz>&lol9;</lolz>"
            $result = Get-Body 'application/xml' $bomb
            $result.ContentObject | Should -BeOfType [string]
            $result.ContentObject | Should -Be $bomb
        }

        It 'never reads an external entity (XXE)' {
            $secret = Join-Path $TestDrive 'secret.txt'
            Set-Content -LiteralPath $secret -Value 'XXE-FILE-CONTENT'
            $xxe = "<?xml version=`"1.0`"?><!DOCTYPE r [<!ENTITY xxe SYSTEM `"$(([uri]$secret).AbsoluteUri)`">]><r>&xxe;</r>"
            $result = Get-Body 'application/xml' $xxe
            "$($result.ContentObject)" + $(if ($result.ContentObject -is [xml]) { $result.ContentObject.OuterXml }) | Should -Not -Match 'XXE-FILE-CONTENT'
        }
    }

    Context 'other bodies' {
        It 'gives other text as the string' {
            (Get-Body 'text/plain' 'hello').ContentObject | Should -Be 'hello'
            (Get-Body 'text/html' '<p>unclosed').ContentObject | Should -Be '<p>unclosed'
        }

        It 'gives null for a binary body, which is in RawContent' {
            $result = Invoke-AsyncWebBatch "$base/bytes/16"
            $result.RawContent | Should -HaveCount 16
            $result.ContentObject | Should -BeNullOrEmpty
        }

        It 'is left out when the result is serialized, and the rest survives' {
            $result = Invoke-AsyncWebBatch "$base/json"
            $xml = [System.Management.Automation.PSSerializer]::Serialize($result)
            $xml | Should -Not -Match 'ContentObject'
            $copy = [System.Management.Automation.PSSerializer]::Deserialize($xml)
            $copy.StatusCode | Should -Be 200
            $copy.Content | Should -Be $result.Content
            $copy.Uri | Should -Be $result.Uri.ToString()
        }
    }
}

BeforeDiscovery {
    # The test cases are the exported cmdlets and the examples their help shows, as a user gets them.
    $modulePath = Join-Path $PSScriptRoot '../out/AsyncWeb'
    $module = Import-Module $modulePath -Force -PassThru
    $script:cmdlets = foreach ($name in $module.ExportedCmdlets.Keys | Sort-Object) {
        @{ Name = $name }
    }

    # Examples that need something the test server does not have: 'Cmdlet #N' = 'reason'. Keep it empty.
    $skips = @{}
    $script:examples = foreach ($name in $module.ExportedCmdlets.Keys | Sort-Object) {
        $index = 0
        foreach ($example in @((Get-Help $name -Full).examples.example)) {
            $index++
            @{
                Name       = $name
                Index      = $index
                Title      = ($example.title -replace '^[-\s]*Example \d+:\s*' -replace '[-\s]*$')
                Code       = [string]$example.code
                SkipReason = $skips["$name #$index"] ?? $(if ($env:ASYNCWEB_LOAD_NETSTANDARD -eq '1' -and [string]$example.code -match '-UnixSocket\b') {
                        'the netstandard2.0 build (Windows PowerShell 5.1) refuses -UnixSocket: its HTTP stack cannot reach a Unix socket' }
                    elseif ($env:ASYNCWEB_LOAD_NETSTANDARD -eq '1' -and [string]$example.code -match '-(Resolve|ConnectTo|EveryAddress)\b') {
                        'the netstandard2.0 build (Windows PowerShell 5.1) refuses -Resolve and -ConnectTo: its HTTP stack has no connect callback' })
            }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath
    $script:commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

    function Get-PublicParameter([string] $Name) {
        (Get-Command $Name).Parameters.Values | Where-Object Name -NotIn $commonParameters
    }

    function Get-Text($Node) {
        # Get-Help gives paragraphs as objects with a Text property.
        (@($Node) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n"
    }

    function Invoke-HelpExample([string] $Code, [string] $Directory, [double] $TimeoutSec = 300) {
        # A fresh runspace per example: only the module and the documented server line, as a user who pasted it would have.
        # The deadline only catches a hang: an example that starts process jobs (each a pwsh importing the module)
        # took close to a minute on a loaded machine.
        $runspace = New-DocumentedRunspace -Directory $Directory
        try {
            Invoke-DocumentedCode -Runspace $runspace -Code $Code -TimeoutSec $TimeoutSec
        }
        finally {
            $runspace.Dispose()
        }
    }
}

Describe 'Help' {
    Context 'every exported cmdlet, as Get-Help -Full shows it' -ForEach $cmdlets {
        BeforeAll {
            $script:help = Get-Help $Name -Full
        }

        It '<Name> has a synopsis of its own, not the generated syntax line' {
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))\s"
        }

        It '<Name> has a description' {
            Get-Text $help.description | Should -Match '\w{3,}'
        }

        It '<Name> has at least three examples' {
            @($help.examples.example).Count | Should -BeGreaterOrEqual 3
        }

        It '<Name> states the $base convention its examples rely on, and the one line that starts the server, as README does' {
            Get-Text $help.description | Should -Match ([regex]::Escape('$base'))
            Get-Text $help.description | Should -Match ([regex]::Escape((Get-DocumentedServerLine)))
            Get-Content -Raw (Join-Path $PSScriptRoot '../README.md') | Should -Match ([regex]::Escape((Get-DocumentedServerLine)))
        }

        It '<Name> describes every public parameter' {
            $undescribed = foreach ($parameter in Get-PublicParameter $Name) {
                $entry = @($help.parameters.parameter) | Where-Object name -EQ $parameter.Name
                if (-not $entry -or -not (Get-Text $entry.description).Trim()) { $parameter.Name }
            }

            $undescribed | Should -BeNullOrEmpty -Because 'every parameter needs a description in module/help'
        }

        It '<Name> shows each parameter''s type, required, position and pipeline input as the cmdlet has them' {
            $set = (Get-Command $Name).ParameterSets | Where-Object IsDefault | Select-Object -First 1
            $set ??= (Get-Command $Name).ParameterSets[0]
            $wrong = foreach ($parameter in $set.Parameters | Where-Object Name -NotIn $commonParameters) {
                $entry = @($help.parameters.parameter) | Where-Object name -EQ $parameter.Name
                $position = if ($parameter.Position -ge 0) { [string]$parameter.Position } else { 'named' }
                $pipeline = @(if ($parameter.ValueFromPipeline) { 'ByValue' }; if ($parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
                $expected = '{0} {1} {2} {3}' -f $parameter.ParameterType.Name, ([string]$parameter.IsMandatory).ToLower(), $position,
                    $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' })
                $shown = '{0} {1} {2} {3}' -f ($entry.type.name -replace '^.*\.'), $entry.required, $entry.position, $entry.pipelineInput
                if ($shown -ne $expected) { "-$($parameter.Name): help shows '$shown', the cmdlet has '$expected'" }
            }

            $wrong | Should -BeNullOrEmpty
        }

        It '<Name> gives every parameter the default the cmdlet really has, within its allowed range' {
            $command = Get-Command $Name
            # What a fresh instance holds before binding is the parameter's real default.
            $instance = [Activator]::CreateInstance($command.ImplementingType)
            foreach ($parameter in Get-PublicParameter $Name) {
                $shown = [string](Get-Help $Name -Parameter $parameter.Name).defaultValue
                $value = $instance.($parameter.Name)
                $real = if ($value -is [switch]) { [string]$value.IsPresent }
                    elseif ($value -is [Collections.IEnumerable] -and $value -isnot [string]) { (@($value) | ForEach-Object { [Convert]::ToString($_, [cultureinfo]::InvariantCulture) }) -join ', ' }
                    else { [Convert]::ToString($value, [cultureinfo]::InvariantCulture) }
                $unset = [string]::IsNullOrEmpty($real) -or $real -eq '0'
                $number = 0.0
                if ([double]::TryParse(($shown -split ' ')[0], [Globalization.NumberStyles]::Float, [cultureinfo]::InvariantCulture, [ref]$number)) {
                    # A number shown is the instance's own, and one the parameter accepts.
                    ($shown -split ' ')[0] | Should -Be $real -Because "-$($parameter.Name)'s help default is the cmdlet's"
                    $range = $parameter.Attributes | Where-Object { $_ -is [Management.Automation.ValidateRangeAttribute] } | Select-Object -First 1
                    if ($range) {
                        $number | Should -BeGreaterOrEqual ([double]$range.MinRange) -Because "-$($parameter.Name)'s help default must be in its allowed range"
                        $number | Should -BeLessOrEqual ([double]$range.MaxRange) -Because "-$($parameter.Name)'s help default must be in its allowed range"
                    }
                }
                elseif (-not $unset) {
                    $shown | Should -Be $real -Because "-$($parameter.Name)'s help default is the cmdlet's"
                }
                else {
                    # Unset in the instance (null, empty or 0): the help says in words what applies (None, or the rule).
                    $shown | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs its default in words"
                }
            }
        }

        It '<Name> lists its inputs and outputs, including every declared output type' {
            @($help.inputTypes.inputType).Count | Should -BeGreaterThan 0
            $outputs = @($help.returnValues.returnValue | ForEach-Object { $_.type.name })
            $outputs | Should -Not -BeNullOrEmpty
            foreach ($type in (Get-Command $Name).OutputType) {
                $outputs | Should -Contain $type.Name
            }
        }

        It '<Name> has examples whose code parses' {
            foreach ($example in @($help.examples.example)) {
                $tokens = $errors = $null
                $null = [System.Management.Automation.Language.Parser]::ParseInput([string]$example.code, [ref]$tokens, [ref]$errors)
                $errors | Should -BeNullOrEmpty -Because "example '$($example.title)' must parse"
            }
        }
    }

    Context 'the help file is where PowerShell looks for it' {
        It 'is found by Get-Help -Full in a fresh pwsh after Import-Module of the laid-out module' {
            $text = Start-Job -ArgumentList $modulePath -ScriptBlock {
                param($path)
                Import-Module $path
                Get-Help Invoke-AsyncWebBatch -Full | Out-String -Width 300
            } | Receive-Job -Wait -AutoRemoveJob

            $text | Should -Match 'Sends many HTTP requests concurrently'
            $text | Should -Match '-ThrottleLimit <Int32>'
            $text | Should -Match 'Example 1: One GET'
            $text | Should -Match 'Allowed range: 1 to 100000'
        }
    }

    Context 'the examples run against the test server' {
        It '<Name> example <Index> (<Title>) runs without error records' -ForEach $examples {
            if ($SkipReason) {
                Set-ItResult -Skipped -Because $SkipReason
                return
            }

            $directory = New-Item -ItemType Directory -Path (Join-Path $TestDrive "$Name-$Index")
            $run = Invoke-HelpExample -Code $Code -Directory $directory.FullName

            $run.Terminating | Should -BeNullOrEmpty -Because 'the example must not throw'
            $run.Errors | Should -BeNullOrEmpty -Because 'the example must write no error records'
            $run.Output | Should -Not -BeNullOrEmpty -Because 'the example shows something'
        }
    }
}

Describe 'Parameter completion and validation' {
    Context '-Method' {
        It 'offers the standard HTTP methods on Tab' {
            $line = 'Invoke-AsyncWebBatch -Method '
            $offered = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $offered | Should -Contain 'GET'
            $offered | Should -Contain 'POST'
            $offered | Should -Contain 'PUT'
            $offered | Should -Contain 'PATCH'
            $offered | Should -Contain 'DELETE'
            $offered | Should -Contain 'HEAD'
        }

        It 'offers only the methods that start with what was typed' {
            $line = 'Invoke-AsyncWebBatch -Method p'
            $offered = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $offered | Sort-Object | Should -Be @('PATCH', 'POST', 'PUT')
        }
    }

    Context '-ThrottleLimit' {
        It 'rejects 0 before any request, naming the parameter and the lowest allowed value' {
            { Invoke-AsyncWebBatch -Uri "$base/json" -ThrottleLimit 0 } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage "*'ThrottleLimit'*minimum allowed range of 1*"
        }

        It 'rejects a value above the range, naming the highest allowed value' {
            { Invoke-AsyncWebBatch -Uri "$base/json" -ThrottleLimit 100001 } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,AsyncWeb.Commands.InvokeAsyncWebBatchCommand' -ExpectedMessage '*maximum allowed range of 100000*'
        }

        It 'documents the whole allowed range in its help' {
            $entry = (Get-Help Invoke-AsyncWebBatch -Parameter ThrottleLimit)
            Get-Text $entry.description | Should -Match 'Allowed range: 1 to 100000'
        }
    }
}

#requires -Version 7.4
<#
.SYNOPSIS
    Builds AsyncWeb's MAML help (AsyncWeb.dll-Help.xml) from module/help/*.help.psd1 and the compiled cmdlets.
.DESCRIPTION
    The words come from one data file per cmdlet (<Cmdlet>.help.psd1: Synopsis, Description, Parameters,
    Inputs, Outputs, Notes, Examples, Links); everything a reader could get wrong by hand (syntax, parameter
    types, required, position, pipeline input, aliases, defaults, allowed ranges) comes from the laid-out
    module itself, read in a separate pwsh process so the build never pins an old AsyncWeb.dll.

    Throws (and so fails the build) when a cmdlet has no help file, a public parameter has no description,
    the source describes a parameter the cmdlet does not have, an example does not parse, or a required
    section (synopsis, description, three examples, inputs, outputs) is missing.
.EXAMPLE
    ./module/help/Build-Help.ps1 -Destination ./out/AsyncWeb/en-US -ModulePath ./out/AsyncWeb
#>
[CmdletBinding()]
param(
    # Folder that receives AsyncWeb.dll-Help.xml (PowerShell looks in <module base>/<culture>/).
    [Parameter(Mandatory)]
    [string] $Destination,

    # The laid-out module to document (default: out/AsyncWeb of this repository).
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/AsyncWeb'),

    # Folder holding the *.help.psd1 sources (default: beside this script).
    [string] $SourcePath = $PSScriptRoot,

    # Regenerate even when neither the sources nor the assembly changed.
    [switch] $Force
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$SourcePath = (Resolve-Path -LiteralPath $SourcePath).ProviderPath
$Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)
$sources = @(Get-ChildItem -LiteralPath $SourcePath -Filter '*.help.psd1' -File | Sort-Object Name)
$moduleFiles = @(Get-ChildItem -LiteralPath $ModulePath -File -Recurse -Include 'AsyncWeb*.dll', 'AsyncWeb.psd1', 'AsyncWeb.psm1')

# Skip the work (and the child pwsh) when nothing that feeds the help file changed since the last run.
$stampInput = foreach ($file in @($sources) + @($moduleFiles) + @(Get-Item -LiteralPath $PSCommandPath)) {
    '{0}={1}' -f $file.Name, (Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash
}
$stamp = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes(($stampInput -join "`n"))))

# --- 1. What the compiled cmdlets really look like -------------------------------------------------------
# A child process: the module's load context is once per process, so importing it here would pin this
# build's pwsh to today's AsyncWeb.dll and make the next build document stale metadata.
$readMetadata = {
    param([string] $ModulePath)
    $ErrorActionPreference = 'Stop'
    $module = Import-Module $ModulePath -PassThru -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

    function Format-Default([object] $value) {
        if ($null -eq $value) { return $null }
        if ($value -is [System.Management.Automation.SwitchParameter]) { return [string]$value.IsPresent }
        if ($value -is [System.Collections.ICollection] -and $value.Count -eq 0) { return $null }
        if ($value -is [System.Collections.IEnumerable] -and $value -isnot [string]) {
            return (@($value) | ForEach-Object { [System.Convert]::ToString($_, [cultureinfo]::InvariantCulture) }) -join ', '
        }
        $text = [System.Convert]::ToString($value, [cultureinfo]::InvariantCulture)
        if ([string]::IsNullOrEmpty($text)) { return $null }
        return $text
    }

    foreach ($command in $module.ExportedCmdlets.Values | Sort-Object Name) {
        # Defaults are whatever a fresh instance of the cmdlet class holds before binding.
        $instance = [System.Activator]::CreateInstance($command.ImplementingType)
        # PowerShell lists a base class's parameters after the cmdlet's own; help keeps the order the cmdlet had before it
        # shared them: the base's mandatory ones first (-Path, -InputObject), then the cmdlet's own, then the base's others.
        $rank = {
            param($Name)
            $property = $command.ImplementingType.GetProperty($Name)
            if (-not $property -or $property.DeclaringType -eq $command.ImplementingType) { return 1 }
            if ($command.Parameters[$Name].ParameterSets.Values.IsMandatory -contains $true) { 0 } else { 2 }
        }
        $parameters = foreach ($parameter in $command.Parameters.Values | Sort-Object -Stable { & $rank $_.Name }) {
            if ($parameter.Name -in $common) { continue }
            $range = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] } | Select-Object -First 1
            $set = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            $type = $parameter.ParameterType
            $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
            $validValues = if ($set) { $set.ValidValues } elseif ($element.IsEnum) { [System.Enum]::GetNames($element) }
            @{
                Name         = $parameter.Name
                Type         = $type.FullName
                TypeName     = if ($type -eq [System.Management.Automation.SwitchParameter]) { 'SwitchParameter' } else { $type.Name }
                IsSwitch     = $parameter.SwitchParameter
                Aliases      = @($parameter.Aliases)
                Wildcards    = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                Minimum      = if ($range) { [System.Convert]::ToString($range.MinRange, [cultureinfo]::InvariantCulture) } else { $null }
                Maximum      = if ($range) { [System.Convert]::ToString($range.MaxRange, [cultureinfo]::InvariantCulture) } else { $null }
                ValidValues  = [string[]]@($validValues | Where-Object { $null -ne $_ })
                DefaultValue = Format-Default $instance.($parameter.Name)
            }
        }

        $sets = foreach ($set in $command.ParameterSets) {
            @{
                Name       = $set.Name
                IsDefault  = $set.IsDefault
                Parameters = @(foreach ($p in $set.Parameters | Sort-Object -Stable { & $rank $_.Name }) {
                        if ($p.Name -in $common) { continue }
                        @{
                            Name                  = $p.Name
                            IsMandatory           = $p.IsMandatory
                            Position              = $p.Position
                            ByValue               = $p.ValueFromPipeline
                            ByPropertyName        = $p.ValueFromPipelineByPropertyName
                            ValueFromRemaining    = $p.ValueFromRemainingArguments
                        }
                    })
            }
        }

        @{
            Name       = $command.Name
            Verb       = $command.Verb
            Noun       = $command.Noun
            HelpFile   = $command.HelpFile
            Version    = [string]$command.ImplementingType.Assembly.GetName().Version
            OutputType = @($command.OutputType | ForEach-Object { if ($_.Type) { $_.Type.FullName } else { $_.Name } })
            Parameters = @($parameters)
            Sets       = @($sets)
        }
    }
}

function Get-CmdletMetadata([string] $ModulePath) {
    $job = Start-Job -ScriptBlock $readMetadata -ArgumentList $ModulePath
    try {
        if (-not (Wait-Job $job -Timeout 120)) { throw "Reading the cmdlet metadata of '$ModulePath' took more than 120 s" }
        # Receive-Job rethrows a failure of the job (for example a module that does not import).
        @(Receive-Job $job -ErrorAction Stop)
    }
    finally {
        Remove-Job $job -Force
    }
}

# --- 2. The maintained words, checked against the metadata ------------------------------------------------
function Test-HelpSource([hashtable] $Source, [hashtable] $Command, [string] $File) {
    $problems = [System.Collections.Generic.List[string]]::new()
    $name = $Command.Name
    foreach ($key in 'Synopsis', 'Description') {
        if (-not $Source[$key] -or [string]::IsNullOrWhiteSpace([string]$Source[$key])) {
            $problems.Add("${name}: no $key in $File")
        }
    }

    $described = if ($Source['Parameters'] -is [hashtable]) { $Source['Parameters'] } else { @{} }
    $known = @{}
    foreach ($parameter in $Command.Parameters) {
        $known[$parameter.Name] = $true
        $text = $described[$parameter.Name]
        $standard = $script:standardParameters[$parameter.Name]
        if ([string]::IsNullOrWhiteSpace([string]$text) -and -not $standard) {
            $problems.Add("${name}: the public parameter -$($parameter.Name) has no description in $File (Parameters = @{ $($parameter.Name) = '...' })")
        }
    }

    foreach ($key in $described.Keys) {
        if (-not $known[$key]) { $problems.Add("${name}: $File describes -$key, which the cmdlet does not have") }
    }

    foreach ($key in 'Inputs', 'Outputs') {
        foreach ($entry in @($Source[$key])) {
            if ($entry -isnot [hashtable] -or -not $entry['Type'] -or [string]::IsNullOrWhiteSpace([string]$entry['Description'])) {
                $problems.Add("${name}: every entry of $key in $File needs a Type and a Description")
            }
        }

        if (@($Source[$key]).Count -eq 0) { $problems.Add("${name}: no $key in $File") }
    }

    $documentedOutputs = @($Source['Outputs'] | Where-Object { $_ -is [hashtable] } | ForEach-Object { [string]$_['Type'] })
    foreach ($type in $Command.OutputType) {
        if ($type -notin $documentedOutputs) { $problems.Add("${name}: [OutputType] $type is not listed in Outputs of $File") }
    }

    $examples = @($Source['Examples'])
    if ($examples.Count -lt 3) { $problems.Add("${name}: $File has $($examples.Count) example(s); at least 3 are needed") }
    $i = 0
    foreach ($example in $examples) {
        $i++
        if ($example -isnot [hashtable] -or [string]::IsNullOrWhiteSpace([string]$example['Title']) -or
            [string]::IsNullOrWhiteSpace([string]$example['Code']) -or [string]::IsNullOrWhiteSpace([string]$example['Remarks'])) {
            $problems.Add("${name}: example $i in $File needs a Title, Code and Remarks")
            continue
        }

        $tokens = $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput([string]$example['Code'], [ref]$tokens, [ref]$errors)
        foreach ($parseError in $errors) {
            $problems.Add("${name}: example $i ('$($example['Title'])') in $File does not parse: line $($parseError.Extent.StartLineNumber): $($parseError.Message)")
        }
    }

    foreach ($link in @($Source['Links'])) {
        if ($null -ne $link -and ($link -isnot [hashtable] -or -not $link['Text'])) { $problems.Add("${name}: every entry of Links in $File needs a Text") }
    }

    return $problems
}

# Words for the parameters PowerShell adds to ShouldProcess cmdlets; a help file may still override them.
$script:standardParameters = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

# --- 3. MAML --------------------------------------------------------------------------------------------
$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Split-Paragraph([string] $Text) {
    # Blank lines separate paragraphs; the line breaks inside one (lists, aligned text) are kept.
    $normal = ($Text -replace "`r`n", "`n").Trim()
    if (-not $normal) { return @() }
    @($normal -split "`n[ `t]*`n" | ForEach-Object { ($_ -split "`n" | ForEach-Object { $_.TrimEnd() }) -join "`n" } | Where-Object { $_ })
}

function Write-Paragraphs([System.Xml.XmlWriter] $Writer, [string] $Text) {
    foreach ($para in Split-Paragraph $Text) { $Writer.WriteElementString('maml', 'para', $ns.maml, $para) }
}

function Write-Description([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $Writer.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paragraphs $Writer $Text
    $Writer.WriteEndElement()
}

function Get-PipelineText([hashtable] $Usage) {
    $ways = @(if ($Usage.ByValue) { 'ByValue' }; if ($Usage.ByPropertyName) { 'ByPropertyName' })
    if ($ways) { "True ($($ways -join ', '))" } else { 'False' }
}

function Get-ParameterText([hashtable] $Parameter, [hashtable] $Source, [hashtable] $Command) {
    $described = if ($Source['Parameters'] -is [hashtable]) { $Source['Parameters'] } else { @{} }
    $text = [string]$described[$Parameter.Name]
    if ([string]::IsNullOrWhiteSpace($text)) { $text = $script:standardParameters[$Parameter.Name] }
    $facts = @()
    if ($null -ne $Parameter.Minimum) { $facts += "Allowed range: $($Parameter.Minimum) to $($Parameter.Maximum)." }
    if (@($Parameter.ValidValues | Where-Object { $_ }).Count -gt 0) { $facts += "Allowed values: $($Parameter.ValidValues -join ', ')." }
    if ($facts) { $text = $text.TrimEnd() + "`n`n" + ($facts -join ' ') }
    return $text
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, [hashtable] $Parameter, [hashtable] $Usage, [hashtable] $Source, [hashtable] $Command, [bool] $InSyntax) {
    $position = if ($Usage.Position -ge 0) { [string]$Usage.Position } else { 'named' }
    $aliases = if (@($Parameter.Aliases).Count) { $Parameter.Aliases -join ', ' } else { 'None' }
    $Writer.WriteStartElement('command', 'parameter', $ns.command)
    $Writer.WriteAttributeString('required', ([string]$Usage.IsMandatory).ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', ([string]$Usage.ValueFromRemaining).ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', ([string]$Parameter.Wildcards).ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineText $Usage))
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $ns.maml, $Parameter.Name)
    Write-Description $Writer (Get-ParameterText $Parameter $Source $Command)
    if (@($Parameter.ValidValues | Where-Object { $_ }).Count -gt 0) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($value in $Parameter.ValidValues) {
            $Writer.WriteStartElement('command', 'parameterValue', $ns.command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString([string]$value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    if (-not ($InSyntax -and $Parameter.IsSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $ns.command)
        $Writer.WriteAttributeString('required', ([string](-not $Parameter.IsSwitch)).ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Parameter.TypeName)
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('dev', 'type', $ns.dev)
    $Writer.WriteElementString('maml', 'name', $ns.maml, $Parameter.Type)
    $Writer.WriteElementString('maml', 'uri', $ns.maml, '')
    $Writer.WriteEndElement()
    if (-not $InSyntax) {
        $defaults = if ($Source['DefaultValues'] -is [hashtable]) { $Source['DefaultValues'] } else { @{} }
        $default = if ($defaults[$Parameter.Name]) { [string]$defaults[$Parameter.Name] } elseif ($null -ne $Parameter.DefaultValue) { $Parameter.DefaultValue } else { 'None' }
        $Writer.WriteElementString('dev', 'defaultValue', $ns.dev, $default)
    }

    $Writer.WriteEndElement()
}

function Get-DisplayOrder([object[]] $Usages) {
    # As Get-Command -Syntax shows them: positional ones by position, then the rest in declaration order.
    $index = 0
    $Usages | ForEach-Object { [pscustomobject]@{ Usage = $_; Index = $index++ } } |
        Sort-Object @{ Expression = { if ($_.Usage.Position -ge 0) { 0 } else { 1 } } }, @{ Expression = { $_.Usage.Position } }, Index |
        ForEach-Object Usage
}

function Write-TypeList([System.Xml.XmlWriter] $Writer, [string] $Outer, [string] $Inner, [object[]] $Entries) {
    $Writer.WriteStartElement('command', $Outer, $ns.command)
    foreach ($entry in $Entries) {
        $Writer.WriteStartElement('command', $Inner, $ns.command)
        $Writer.WriteStartElement('dev', 'type', $ns.dev)
        $Writer.WriteElementString('maml', 'name', $ns.maml, [string]$entry['Type'])
        $Writer.WriteElementString('maml', 'uri', $ns.maml, '')
        $Writer.WriteEndElement()
        Write-Description $Writer ([string]$entry['Description'])
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $Writer, [hashtable] $Command, [hashtable] $Source) {
    $Writer.WriteStartElement('command', 'command', $ns.command)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $ns.command)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)

    $Writer.WriteStartElement('command', 'details', $ns.command)
    $Writer.WriteElementString('command', 'name', $ns.command, $Command.Name)
    Write-Description $Writer ([string]$Source['Synopsis'])
    $Writer.WriteElementString('command', 'verb', $ns.command, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $ns.command, $Command.Noun)
    $Writer.WriteElementString('dev', 'version', $ns.dev, $Command.Version)
    $Writer.WriteEndElement()

    Write-Description $Writer ([string]$Source['Description'])

    $byName = @{}
    foreach ($parameter in $Command.Parameters) { $byName[$parameter.Name] = $parameter }

    $Writer.WriteStartElement('command', 'syntax', $ns.command)
    $sets = @($Command.Sets | Sort-Object @{ Expression = { -not $_.IsDefault } }, Name)
    foreach ($set in $sets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $ns.command)
        $Writer.WriteElementString('maml', 'name', $ns.maml, $Command.Name)
        foreach ($usage in Get-DisplayOrder $set.Parameters) {
            Write-Parameter $Writer $byName[$usage.Name] $usage $Source $Command $true
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    # One entry per parameter; where parameter sets disagree, the default set's usage is shown.
    $Writer.WriteStartElement('command', 'parameters', $ns.command)
    $seen = @{}
    $ordered = foreach ($set in $sets) { Get-DisplayOrder $set.Parameters }
    foreach ($usage in $ordered) {
        if ($seen[$usage.Name]) { continue }
        $seen[$usage.Name] = $true
        Write-Parameter $Writer $byName[$usage.Name] $usage $Source $Command $false
    }
    $Writer.WriteEndElement()

    Write-TypeList $Writer 'inputTypes' 'inputType' @($Source['Inputs'])
    Write-TypeList $Writer 'returnValues' 'returnValue' @($Source['Outputs'])

    if ($Source['Notes']) {
        $Writer.WriteStartElement('maml', 'alertSet', $ns.maml)
        $Writer.WriteStartElement('maml', 'alert', $ns.maml)
        Write-Paragraphs $Writer ([string]$Source['Notes'])
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($example in @($Source['Examples'])) {
        $i++
        $Writer.WriteStartElement('command', 'example', $ns.command)
        $Writer.WriteElementString('maml', 'title', $ns.maml, "---------- Example ${i}: $($example['Title']) ----------")
        $Writer.WriteElementString('dev', 'code', $ns.dev, (([string]$example['Code']) -replace "`r`n", "`n").Trim())
        $Writer.WriteStartElement('dev', 'remarks', $ns.dev)
        Write-Paragraphs $Writer ([string]$example['Remarks'])
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in @($Source['Links'] | Where-Object { $_ })) {
        $Writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $Writer.WriteElementString('maml', 'linkText', $ns.maml, [string]$link['Text'])
        $Writer.WriteElementString('maml', 'uri', $ns.maml, [string]$link['Uri'])
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

# --- Run ------------------------------------------------------------------------------------------------
$helpFileName = 'AsyncWeb.dll-Help.xml'
$target = Join-Path $Destination $helpFileName
if (-not $Force -and (Test-Path -LiteralPath $target) -and
    (Select-String -LiteralPath $target -SimpleMatch "<!-- source-stamp: $stamp -->" -Quiet)) {
    Write-Verbose "Help is up to date: $target"
    return
}

$commands = @(Get-CmdletMetadata $ModulePath)
if ($commands.Count -eq 0) { throw "The module at '$ModulePath' exports no cmdlets to document" }

$problems = [System.Collections.Generic.List[string]]::new()
$pairs = foreach ($command in $commands) {
    if ($command.HelpFile -and $command.HelpFile -ne $helpFileName) {
        $problems.Add("$($command.Name): PowerShell looks for its help in '$($command.HelpFile)', not '$helpFileName'")
    }

    $file = Join-Path $SourcePath "$($command.Name).help.psd1"
    if (-not (Test-Path -LiteralPath $file)) {
        $problems.Add("$($command.Name): no help source; add module/help/$($command.Name).help.psd1")
        continue
    }

    $source = Import-PowerShellDataFile -LiteralPath $file
    foreach ($problem in Test-HelpSource $source $command (Split-Path -Leaf $file)) { $problems.Add($problem) }
    [pscustomobject]@{ Command = $command; Source = $source }
}

foreach ($file in $sources) {
    $name = $file.Name -replace '\.help\.psd1$'
    if ($name -notin $commands.Name) { $problems.Add("$($file.Name) documents '$name', which the module does not export") }
}

if ($problems.Count -gt 0) {
    throw "The help source in $SourcePath is incomplete:`n  - " + ($problems -join "`n  - ")
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
New-Item -ItemType Directory -Force -Path $Destination | Out-Null
$temp = "$target.$PID.tmp"
$writer = [System.Xml.XmlWriter]::Create($temp, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteComment(' Generated by module/help/Build-Help.ps1 from module/help/*.help.psd1 and the compiled cmdlets; edit those, not this file. ')
    $writer.WriteComment(" source-stamp: $stamp ")
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($pair in $pairs) { Write-Command $writer $pair.Command $pair.Source }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

# Well-formed, or the build fails here rather than in a user's Get-Help.
$null = [xml](Get-Content -Raw -LiteralPath $temp)
Move-Item -LiteralPath $temp -Destination $target -Force
Write-Host "Help written to $target ($($commands.Count) cmdlets)"

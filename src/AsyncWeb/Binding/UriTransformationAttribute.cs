using System;
using System.Management.Automation;
using AsyncWeb.Security;

namespace AsyncWeb.Binding;

/// <summary>
/// Binds text to a [Uri] parameter (-BaseUri, -Proxy) as PowerShell would, but a value that is no URI at all is
/// refused with its user-info and sensitive values hidden: PowerShell's own conversion error quotes the value.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class UriTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string text)
        {
            return inputData;
        }

        return Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var uri)
            ? uri
            : throw new ArgumentTransformationMetadataException($"'{UriRedactor.Default.RedactText(text)}' is not a valid URI");
    }
}

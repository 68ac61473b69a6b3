using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AsyncWeb.Commands;

/// <summary>Tab completion for -Method: the standard verbs (any other token is accepted too).</summary>
public sealed class MethodCompleter : IArgumentCompleter
{
    private static readonly string[] s_methods = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE" };

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Complete(s_methods, wordToComplete);

    internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> values, string word) =>
        values.Where(v => v.StartsWith(word ?? string.Empty, StringComparison.OrdinalIgnoreCase))
              .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
}

/// <summary>
/// Tab completion for -HttpVersion: each version says what pinning it means, since leaving the
/// parameter out (negotiation) is the default and has no value to complete.
/// </summary>
public sealed class HttpVersionCompleter : IArgumentCompleter
{
    private static readonly (string Value, string ToolTip)[] s_versions =
    {
        ("1.0", "HTTP/1.0 only"),
        ("1.1", "HTTP/1.1 only (no h2 by ALPN over https)"),
#if NET
        ("2.0", "HTTP/2 only: h2 by ALPN over https, h2c by prior knowledge over http; a server without it is HttpVersionNotSupported"),
        ("3.0", "HTTP/3 only, where the runtime supports QUIC"),
#endif
    };

    private const string DefaultNote =
#if NET
        " (without -HttpVersion: HTTP/2 over https when the server offers it, HTTP/1.1 otherwise)";
#else
        " (without -HttpVersion: HTTP/1.1)";
#endif

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        s_versions.Where(v => v.Value.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                  .Select(v => new CompletionResult(v.Value, v.Value, CompletionResultType.ParameterValue, v.ToolTip + DefaultNote));
}

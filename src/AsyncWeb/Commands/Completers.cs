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

/// <summary>Tab completion for -HttpVersion.</summary>
public sealed class HttpVersionCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
#if NET
        MethodCompleter.Complete(new[] { "1.0", "1.1", "2.0", "3.0" }, wordToComplete);
#else
        MethodCompleter.Complete(new[] { "1.0", "1.1" }, wordToComplete);
#endif
}

using System;

namespace AsyncWeb.Commands;

/// <summary>The exception inside every AsyncWeb ErrorRecord; carries the failed item's result.</summary>
public sealed class AsyncWebException : Exception
{
    internal AsyncWebException(string message, WebBatchResult result, Exception? inner)
        : base(message, inner)
    {
        Result = result;
    }

    /// <summary>The failed item's result (also the ErrorRecord's TargetObject).</summary>
    public WebBatchResult Result { get; }
}

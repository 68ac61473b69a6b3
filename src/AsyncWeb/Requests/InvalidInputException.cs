using System;

namespace AsyncWeb.Requests;

/// <summary>
/// Raised for input that cannot be used, with the ErrorId to report: an unusable item becomes that item's error and
/// the batch goes on; a parameter that cannot be used ends the command before anything is sent.
/// </summary>
internal sealed class InvalidInputException : Exception
{
    public InvalidInputException(string errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    public string ErrorId { get; }
}

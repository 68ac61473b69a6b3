using System;

namespace AsyncWeb.Requests;

/// <summary>Raised for an unusable input item; becomes that item's error, the batch goes on.</summary>
internal sealed class InvalidItemException : Exception
{
    public InvalidItemException(string errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    public string ErrorId { get; }
}

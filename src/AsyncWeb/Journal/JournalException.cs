using System;

namespace AsyncWeb.Journal;

/// <summary>Why a journal cannot be used: the terminating error's id and a message naming the file.</summary>
internal sealed class JournalException : Exception
{
    public JournalException(string errorId, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
    }

    public string ErrorId { get; }
}

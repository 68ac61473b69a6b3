using System;
using AsyncWeb.Batch;
using AsyncWeb.Downloads;
using AsyncWeb.Requests;
using AsyncWeb.Resilience;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Sending;

/// <summary>What an attempt that threw becomes: an outcome with its ErrorId, never an exception that loses the item.</summary>
internal static class AttemptFailure
{
    /// <summary>The outcome of an attempt that threw: its ErrorId, category and reason, and whether a retry may help.</summary>
    public static AttemptOutcome Of(Exception ex, RequestSpec spec, AttemptDeadline deadline, BatchOptions options)
    {
        if (ex is FileWriteException write)
        {
            return AttemptOutcome.Fail(ErrorIds.FileWriteFailed, FailureCategory.File, write.Message, write.InnerException);
        }

        if (ex is InvalidInputException unreadable)
        {
            // An -InFile or form file that vanished or became unreadable since the item was checked.
            return AttemptOutcome.Fail(unreadable.ErrorId, FailureCategory.InvalidInput, unreadable.Message);
        }

        var (errorId, category, reason) = FailureClassifier.Classify(ex, deadline.Fired(), options.OperationTimeout, options.Timeout, deadline.Silence());
        if (FailureClassifier.VersionRefused(ex, errorId, options.HttpVersion, spec.Uri) is { } refusedVersion)
        {
            (errorId, reason) = (ErrorIds.HttpVersionNotSupported, refusedVersion);
        }

        return AttemptOutcome.Fail(errorId, category, reason, ex) with
        {
            Transient = FailureClassifier.IsTransient(ex, errorId, category),
            BytesSent = deadline.BytesSent,
        };
    }
}

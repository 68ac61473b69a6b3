using System.Management.Automation;
using AsyncWeb.Commands;

namespace AsyncWeb.Binding;

/// <summary>Maps failed results to ErrorRecords with stable ErrorIds and fitting categories.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord For(WebBatchResult result)
    {
        var error = result.Error!;
        var target = result.Uri is null ? result.Redactor.RedactText(RequestSpecBuilder.Describe(result.Input)) : result.RedactedUri;
        var page = result.PageIndex > 0 ? " page " + result.PageIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        var message = $"[#{result.Index}{page}] {result.Method} {target}: {error.Message}";
        var record = new ErrorRecord(new AsyncWebException(message, result, error.Exception), error.ErrorId, Category(error, result.StatusCode), result);
        if (error.Details is not null)
        {
            // As Invoke-RestMethod: the server's error body, for `$_.ErrorDetails.Message | ConvertFrom-Json`.
            record.ErrorDetails = new ErrorDetails(error.Details);
        }

        return record;
    }

    private static ErrorCategory Category(WebBatchError error, int status) => error.Category switch
    {
        FailureCategory.InvalidInput => ErrorCategory.InvalidArgument,
        FailureCategory.Connection => ErrorCategory.ConnectionError,
        FailureCategory.Timeout => ErrorCategory.OperationTimeout,
        FailureCategory.HttpStatus => status switch
        {
            401 or 403 => ErrorCategory.PermissionDenied,
            404 or 410 => ErrorCategory.ObjectNotFound,
            408 => ErrorCategory.OperationTimeout,
            409 => ErrorCategory.ResourceExists,
            429 => ErrorCategory.LimitsExceeded,
            >= 500 => ErrorCategory.ResourceUnavailable,
            _ => ErrorCategory.InvalidResult,
        },
        FailureCategory.Protocol => ErrorCategory.ProtocolError,
        FailureCategory.File => error.ErrorId == ErrorIds.FileExists ? ErrorCategory.ResourceExists : ErrorCategory.WriteError,
        FailureCategory.Refused => ErrorCategory.LimitsExceeded,
        FailureCategory.Canceled => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };
}

using System;
using System.Management.Automation;
using AsyncWeb.Batch;
using AsyncWeb.Downloads;
using AsyncWeb.Resilience;

namespace AsyncWeb.Commands;

// How the parameters become the engine's BatchOptions; the contradictions between them are refused here.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>The batch's options from the parameters; a contradiction ends the command before anything is sent.</summary>
    private BatchOptions CreateOptions()
    {
        if (CircuitBreakerThreshold is > 0 and < ResilienceProvider.MinimumBreakerThreshold)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-CircuitBreakerThreshold must be 0 (no breaker) or at least {ResilienceProvider.MinimumBreakerThreshold}: a breaker opens after that many failures in a row"),
                ErrorIds.InvalidCircuitBreakerThreshold, ErrorCategory.InvalidArgument, CircuitBreakerThreshold));
        }

        if (Force && SkipExisting)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Force and -SkipExisting contradict each other; choose one"), ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        if (IfChanged && SkipExisting)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-IfChanged replaces a file that changed on the server; -SkipExisting never replaces one: choose one"),
                ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        var pagination = PaginationParameters();
        _stream = StreamParameters();

        var adaptive = AdaptiveSettings();

        return new BatchOptions
        {
            ThrottleLimit = ThrottleLimit,
            ThrottleLimitPerHost = ThrottleLimitPerHost,
            Ordered = Ordered,
            Timeout = Seconds(TimeoutSec),
            OperationTimeout = Seconds(OperationTimeoutSec),
            TotalTimeout = Seconds(TotalTimeoutSec),
            ConnectTimeout = Session?.ConnectTimeout ?? Seconds(ConnectTimeoutSec),
            SkipHttpErrorCheck = SkipHttpErrorCheck,
            MaximumRedirection = MaximumRedirection,
            AllowInsecureRedirect = AllowInsecureRedirect,
            HttpVersion = ValidVersion(HttpVersion),
            ExistingFile = Force || IfChanged ? ExistingFileAction.Overwrite : SkipExisting ? ExistingFileAction.Skip : ExistingFileAction.Fail,
            Resume = Resume,
            ComputeSha256 = ComputeSha256,
            MaximumResponseSize = MaximumResponseSize,
            MaximumBufferSize = MaximumBufferSize,
            MaximumStreamItemBytes = MaximumStreamItemBytes,
            VerboseEvents = IsVerbose(),
            Redactor = _redactor,
            Retry = new RetrySettings(
                MaximumRetryCount,
                Seconds(RetryIntervalSec),
                Seconds(MaximumRetryDelaySec),
                Seconds(MaximumRetryAfterSec),
                RetryStatusCode ?? RetrySettings.DefaultStatusCodes,
                RetryAllMethods),
            CircuitBreaker = CircuitBreakerThreshold > 0
                ? new CircuitBreakerSettings(CircuitBreakerFailureRatio, TimeSpan.FromMinutes(5), CircuitBreakerThreshold, Seconds(CircuitBreakerBreakSec))
                : null,
            RequestsPerSecond = RequestsPerSecond,
            RateLimitPerHost = RateLimitPerHost,
            Pagination = pagination,
            IfChanged = IfChanged,
            AdaptiveThrottle = adaptive,
            Journal = _journal = OpenJournal(),
            Trace = StartTrace(),
        };
    }

    private bool IsVerbose()
    {
        if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var value))
        {
            return value is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(value);
        }

        return GetVariableValue("VerbosePreference") is ActionPreference preference && preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private void Conflict(string message) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
}

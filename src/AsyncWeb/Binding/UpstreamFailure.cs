using System;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace AsyncWeb.Binding;

/// <summary>
/// The terminating error that ended a cmdlet's pipeline before EndProcessing (an upstream command threw).
/// PowerShell keeps it on the pipeline (its "first terminating error") but offers no public way to ask, and
/// a downstream cmdlet never sees the exception; an -AsJob batch outlives the pipeline and must say why
/// its input stopped. Read by reflection on both editions (the field was renamed between Windows
/// PowerShell 5.1 and PowerShell 7): null when the pipeline recorded none, a stand-in exception when
/// it cannot be read (the input was cut short either way, so the job must not look complete).
/// </summary>
internal static class UpstreamFailure
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    public static Exception? Of(Cmdlet cmdlet)
    {
        try
        {
            var runtime = cmdlet.CommandRuntime;
            var processor = runtime?.GetType().GetProperty("PipelineProcessor", Instance)?.GetValue(runtime);
            var type = processor?.GetType();
            var field = type?.GetField("_firstTerminatingError", Instance) ?? type?.GetField("firstTerminatingError", Instance);
            if (field is null)
            {
                return Unknown();
            }

            return field.GetValue(processor) switch
            {
                ExceptionDispatchInfo info => info.SourceException,
                Exception exception => exception,
                _ => null,
            };
        }
        catch (Exception ex) when (ex is MemberAccessException or TargetInvocationException or ArgumentException or InvalidOperationException)
        {
            return Unknown();
        }
    }

    private static Exception Unknown() =>
        new InvalidOperationException("the pipeline that fed the job ended before all of its input was read, and PowerShell did not say why");

    /// <summary>True for the ways a pipeline ends that are not a failure of the input: Ctrl+C, Select-Object -First, exit/break.</summary>
    public static bool IsStop(Exception? exception) => exception is null or PipelineStoppedException or FlowControlException;
}

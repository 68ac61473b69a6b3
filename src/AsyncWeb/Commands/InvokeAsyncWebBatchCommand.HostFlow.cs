using System.Management.Automation;
using AsyncWeb.Hosts;

namespace AsyncWeb.Commands;

// Host-aware flow control: -AdaptiveThrottle and its bounds, and how they become the engine's settings.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Adapt each host's concurrency limit to its answers: halved on 429, 503 and timeouts, one more after a clean window (AIMD); starts at -ThrottleLimitPerHost (else the maximum).</summary>
    [Parameter]
    public SwitchParameter AdaptiveThrottle { get; set; }

    /// <summary>With -AdaptiveThrottle: the lowest a host's limit goes. Default 1.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int MinimumThrottleLimitPerHost { get; set; } = 1;

    /// <summary>With -AdaptiveThrottle: the highest a host's limit goes. Default: -ThrottleLimit.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int MaximumThrottleLimitPerHost { get; set; }

    /// <summary>-AdaptiveThrottle's bounds (null without it); bounds without it, or crossed, end the command before anything is sent.</summary>
    private AdaptiveThrottleSettings? AdaptiveSettings()
    {
        var bounded = MyInvocation.BoundParameters.ContainsKey(nameof(MinimumThrottleLimitPerHost)) || MyInvocation.BoundParameters.ContainsKey(nameof(MaximumThrottleLimitPerHost));
        if (!AdaptiveThrottle)
        {
            if (bounded)
            {
                Conflict("-MinimumThrottleLimitPerHost and -MaximumThrottleLimitPerHost bound -AdaptiveThrottle; add -AdaptiveThrottle, or use -ThrottleLimitPerHost for a fixed limit");
            }

            return null;
        }

        var maximum = MaximumThrottleLimitPerHost > 0 ? MaximumThrottleLimitPerHost : ThrottleLimit;
        if (MinimumThrottleLimitPerHost > maximum)
        {
            Conflict($"-MinimumThrottleLimitPerHost {MinimumThrottleLimitPerHost} is above the maximum {maximum} (-MaximumThrottleLimitPerHost, else -ThrottleLimit)");
        }

        return new AdaptiveThrottleSettings(ThrottleLimitPerHost > 0 ? ThrottleLimitPerHost : maximum, MinimumThrottleLimitPerHost, maximum);
    }
}

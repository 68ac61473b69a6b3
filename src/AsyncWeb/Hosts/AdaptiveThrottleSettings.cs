namespace AsyncWeb.Hosts;

/// <summary>-AdaptiveThrottle's bounds: where each host's limit starts, and how low and high it may go.</summary>
internal sealed record AdaptiveThrottleSettings(int Start, int Minimum, int Maximum);

using System.Management.Automation;
using AsyncWeb.Batch;

namespace AsyncWeb.Commands;

// Limits on concurrency, time and memory, and the order results leave in.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Most requests in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>Most requests in flight to one host (host:port); 0 for only the global limit.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int ThrottleLimitPerHost { get; set; }

    /// <summary>Longest time for one attempt, headers and body; 0 for none (the default).</summary>
    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double TimeoutSec { get; set; }

    /// <summary>Longest time for the whole item across retries and their delays; 0 for none (the default).</summary>
    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double TotalTimeoutSec { get; set; }

    /// <summary>Longest time to open a TCP connection, DNS included; 0 for none. Default 10.</summary>
    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double ConnectTimeoutSec { get; set; } = 10;

    /// <summary>Longest silence from the server: waiting for headers, and between body reads; 0 for none. Default 30.</summary>
    [Parameter]
    [Alias("OperationTimeoutSeconds")]
    [ValidateRange(0.0, 2147483.0)]
    public double OperationTimeoutSec { get; set; } = 30;

    /// <summary>Emit results in input order (memory stays bounded: at most 4 × ThrottleLimit results wait).</summary>
    [Parameter]
    public SwitchParameter Ordered { get; set; }

    /// <summary>The largest body kept in memory, in bytes (default 256 MiB); a larger one fails with ResponseTooLarge.</summary>
    [Parameter]
    [ValidateRange(1L, 2147483591L)]
    public long MaximumResponseSize { get; set; } = BatchOptions.DefaultMaximumResponseSize;

    /// <summary>The most body bytes the batch holds in memory at once (default 512 MiB): admission waits while they exceed it.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaximumBufferSize { get; set; } = BatchOptions.DefaultMaximumBufferSize;
}

using System;
using System.Management.Automation;
using AsyncWeb.Batch;

namespace AsyncWeb.Commands;

// -Partition and -PartitionKey: which shard of the input this call sends.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Send only shard i of N of the input: 'i/N' (i from 0), or '*/N' with i from $env:JOB_COMPLETION_INDEX. Items go to shards by host (or -PartitionKey) with a fixed hash; Index stays the input position.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }

    /// <summary>With -Partition: the property (or hashtable key) whose value assigns an item to a shard, instead of its host.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PartitionKey { get; set; }

    /// <summary>-Partition 'i/N' (or '*/N' from $env:JOB_COMPLETION_INDEX); a bad value ends the command before anything is sent.</summary>
    private ShardPartition? ParsePartition()
    {
        try
        {
            if (Partition is null)
            {
                return PartitionKey is null ? null : throw new ArgumentException("-PartitionKey says how to split the input; give -Partition 'i/N' too");
            }

            return ShardPartition.Parse(Partition, Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(invalid, ErrorIds.InvalidPartition, ErrorCategory.InvalidArgument, Partition));
            return null;
        }
    }
}

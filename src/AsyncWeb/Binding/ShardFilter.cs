using AsyncWeb.Batch;
using AsyncWeb.Requests;

namespace AsyncWeb.Binding;

/// <summary>
/// -Partition and -PartitionKey on the pipeline thread: reads each input item's key (its host, or the
/// named property) and asks <see cref="ShardPartition"/> whether this run keeps it.
/// </summary>
internal sealed class ShardFilter
{
    private readonly ShardPartition _partition;
    private readonly string? _keyProperty;
    private readonly RequestSpecBuilder _builder;
    private long _missingKeys;

    public ShardFilter(ShardPartition partition, string? keyProperty, RequestSpecBuilder builder)
    {
        _partition = partition;
        _keyProperty = keyProperty;
        _builder = builder;
    }

    /// <summary>True when the item belongs to this run's shard. An item without a usable URI (or key) belongs to shard 0.</summary>
    public bool Keeps(object? item)
    {
        string? key;
        if (_keyProperty is null)
        {
            key = _builder.UriOf(item) is { } uri ? HostKey.NameOf(uri) : null;
        }
        else
        {
            key = RequestSpecBuilder.PropertyText(item, _keyProperty);
            if (key is null)
            {
                _missingKeys++;
            }
        }

        return _partition.Keeps(key);
    }

    /// <summary>Said once at the end when -PartitionKey found items without that property: a misspelt name would put everything in shard 0.</summary>
    public string? Warning => _missingKeys == 0 ? null :
        $"-PartitionKey '{_keyProperty}': {_missingKeys} input item(s) had no {_keyProperty} value; such items belong to shard 0 of {_partition.Count}";
}

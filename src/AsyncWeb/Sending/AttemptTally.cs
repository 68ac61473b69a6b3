using AsyncWeb.Tracing;

namespace AsyncWeb.Sending;

/// <summary>How many attempts an item made through the resilience pipeline, and the span of the last one that returned: read even when the attempts end in an exception.</summary>
internal sealed class AttemptTally
{
    public int Count { get; set; }

    public AttemptSpan Last { get; set; }
}

namespace AsyncWeb.Timeouts;

/// <summary>What the silence deadline of an attempt is waiting for (a byte: it sits beside the attempt's state in one word).</summary>
internal enum SilenceStage : byte
{
    Connecting,
    Headers,
    Body,
}

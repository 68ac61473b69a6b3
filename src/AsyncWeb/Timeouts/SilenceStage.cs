namespace AsyncWeb.Timeouts;

/// <summary>What the silence deadline of an attempt is waiting for.</summary>
internal enum SilenceStage
{
    Connecting,
    Headers,
    Body,
}

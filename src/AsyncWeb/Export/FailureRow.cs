namespace AsyncWeb.Export;

/// <summary>Failures of one ErrorId, with the first one's URI and message (redacted).</summary>
internal sealed class FailureRow
{
    public FailureRow(string errorId, string exampleUrl, string exampleMessage) =>
        (ErrorId, ExampleUrl, ExampleMessage) = (errorId, exampleUrl, exampleMessage);

    public string ErrorId { get; }
    public string ExampleUrl { get; }
    public string ExampleMessage { get; }
    public int Count { get; set; }
}

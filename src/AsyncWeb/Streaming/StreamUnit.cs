namespace AsyncWeb.Streaming;

/// <summary>
/// One unit cut from a streamed body: an event, a line, a JSON text or one array element. The caller numbers
/// the units and parses <see cref="Data"/>; a framer only cuts and decodes. A struct: a unit lives only until its
/// item is built, so its strings are the only allocation framing makes per unit.
/// </summary>
internal readonly struct StreamUnit
{
    public StreamUnit(string data, string? eventName = null, string? id = null)
    {
        Data = data;
        EventName = eventName;
        Id = id;
    }

    /// <summary>The text of the unit: an event's data lines joined with LF, a line without its end, a record without RS, an element's raw JSON.</summary>
    public string Data { get; }

    /// <summary>Server-sent events: the event type ("message" when the event names none); null for other formats.</summary>
    public string? EventName { get; }

    /// <summary>Server-sent events: the last event ID when the event was dispatched (null while the server has set none).</summary>
    public string? Id { get; }

    public override string ToString() => EventName is null ? Data : EventName + ": " + Data;
}

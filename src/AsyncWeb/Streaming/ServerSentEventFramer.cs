using System;
using System.Collections.Generic;
using System.Text;

namespace AsyncWeb.Streaming;

/// <summary>
/// Server-sent events as the WHATWG HTML standard's "event stream interpretation" reads them: UTF-8 with an
/// optional BOM; CR, LF or CRLF line ends; ':' comments; "field: value" with one optional space; data lines
/// joined with LF; an empty line dispatches, unless no data was given; an unterminated event at the end is
/// discarded. <see cref="LastEventId"/> and <see cref="ReconnectionTime"/> survive <see cref="BeginNewConnection"/>.
/// </summary>
internal sealed class ServerSentEventFramer : LineFramer
{
    /// <summary>Room on a line for the longest field name and its colon and space, beyond the data limit.</summary>
    private const int FieldNameBytes = 8;

    private const string DefaultEventName = "message";

    private readonly UnitBuffer _data = new();
    private string? _eventName;
    private byte[] _lastEventNameBytes = Array.Empty<byte>();
    private string _lastEventName = string.Empty;
    private string _idBuffer = string.Empty;

    public ServerSentEventFramer(int maximumUnitBytes)
        : base(maximumUnitBytes, maximumUnitBytes > int.MaxValue - FieldNameBytes ? int.MaxValue : maximumUnitBytes + FieldNameBytes, crEndsLine: true)
    {
    }

    /// <summary>The last event ID of the last dispatched event ("" while none): the Last-Event-ID to send when reconnecting.</summary>
    public string LastEventId { get; private set; } = string.Empty;

    /// <summary>The reconnection time the server asked for with a "retry" field; null while it has sent none.</summary>
    public TimeSpan? ReconnectionTime { get; private set; }

    protected override string UnitKind => "event";

    /// <summary>
    /// The connection dropped and a new one begins: the partial line and the undispatched event are discarded,
    /// and the new body may start with a BOM; the last event ID and reconnection time are kept.
    /// </summary>
    public void BeginNewConnection()
    {
        DiscardPendingLine();
        ResetEvent();
        RestartBody();

        // An id in the undispatched event never became the last event ID; the new body starts from the dispatched one.
        _idBuffer = LastEventId;
    }

    protected override void OnLine(ReadOnlySpan<byte> line, ICollection<StreamUnit> output)
    {
        if (line.IsEmpty)
        {
            Dispatch(output);
            return;
        }

        if (line[0] == (byte)':')
        {
            return;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line.Slice(0, colon);
        var value = colon < 0 ? ReadOnlySpan<byte>.Empty : line.Slice(colon + 1);
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value.Slice(1);
        }

        if (field.SequenceEqual("data"u8))
        {
            // The data so far plus this value, without the LF that a dispatch removes.
            if ((long)_data.Length + value.Length > MaximumUnitBytes)
            {
                throw new StreamUnitTooLargeException(UnitKind, MaximumUnitBytes);
            }

            _data.Append(value);
            _data.Append((byte)'\n');
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventName = EventName(value);
        }
        else if (field.SequenceEqual("id"u8))
        {
            if (value.IndexOf((byte)0) < 0)
            {
                _idBuffer = value.IsEmpty ? string.Empty : Encoding.UTF8.GetString(value);
            }
        }
        else if (field.SequenceEqual("retry"u8))
        {
            SetReconnectionTime(value);
        }
    }

    protected override void OnUnterminatedLine(ReadOnlySpan<byte> line, ICollection<StreamUnit> output)
    {
        // The standard discards an event the stream ends in the middle of; a last field line cannot complete one.
    }

    protected override void CompleteCore(ICollection<StreamUnit> output)
    {
        base.CompleteCore(output);
        ResetEvent();
    }

    private void Dispatch(ICollection<StreamUnit> output)
    {
        LastEventId = _idBuffer;
        if (_data.Length == 0)
        {
            _eventName = null;
            return;
        }

        var data = _data.Decode(_data.Length - 1);
        output.Add(new StreamUnit(data, string.IsNullOrEmpty(_eventName) ? DefaultEventName : _eventName, LastEventId.Length == 0 ? null : LastEventId));
        ResetEvent();
    }

    private void ResetEvent()
    {
        _data.Clear();
        _eventName = null;
    }

    /// <summary>The event name as a string, reusing the last one when the server repeats it (most streams name few events).</summary>
    private string EventName(ReadOnlySpan<byte> value)
    {
        if (!value.SequenceEqual(_lastEventNameBytes))
        {
            _lastEventNameBytes = value.ToArray();
            _lastEventName = value.IsEmpty ? string.Empty : Encoding.UTF8.GetString(value);
        }

        return _lastEventName;
    }

    private void SetReconnectionTime(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        long milliseconds = 0;
        foreach (var b in value)
        {
            if (b < (byte)'0' || b > (byte)'9')
            {
                return;
            }

            // Beyond a day the exact figure no longer matters; the clamp keeps a long string of digits from overflowing.
            milliseconds = Math.Min(milliseconds * 10 + (b - '0'), (long)TimeSpan.FromDays(1).TotalMilliseconds);
        }

        ReconnectionTime = TimeSpan.FromMilliseconds(milliseconds);
    }
}

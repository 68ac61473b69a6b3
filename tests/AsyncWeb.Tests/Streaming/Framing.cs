using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

/// <summary>Feeds framers whole, split at every byte position, and byte by byte; units compare as "event|id|data".</summary>
internal static class Framing
{
    public const int Unlimited = int.MaxValue;

    public static string[] Frame(StreamFramer framer, byte[] body, params int[] splits)
    {
        var output = new List<StreamUnit>();
        var start = 0;
        foreach (var split in splits.Append(body.Length))
        {
            framer.Feed(body.AsSpan(start, split - start), output);
            start = split;
        }

        framer.Complete(output);
        return output.Select(Show).ToArray();
    }

    public static string[] Frame(WebStreamFormat format, string body, int maximumUnitBytes = Unlimited) =>
        Frame(StreamFramer.Create(format, maximumUnitBytes, null), Encoding.UTF8.GetBytes(body));

    /// <summary>
    /// The units of <paramref name="body"/> fed whole; asserts that every split into two chunks, and byte by byte,
    /// gives the same units.
    /// </summary>
    public static string[] FrameAtEverySplit(WebStreamFormat format, byte[] body, Encoding? charset = null)
    {
        var whole = Frame(StreamFramer.Create(format, Unlimited, charset), body);
        for (var split = 0; split <= body.Length; split++)
        {
            Assert.Equal(whole, Frame(StreamFramer.Create(format, Unlimited, charset), body, split));
        }

        Assert.Equal(whole, Frame(StreamFramer.Create(format, Unlimited, charset), body, Enumerable.Range(1, Math.Max(0, body.Length - 1)).ToArray()));
        return whole;
    }

    public static string[] FrameAtEverySplit(WebStreamFormat format, string body) => FrameAtEverySplit(format, Encoding.UTF8.GetBytes(body));

    /// <summary>The exception that framing <paramref name="body"/> throws, fed whole and byte by byte (the same type both ways).</summary>
    public static TException Fails<TException>(WebStreamFormat format, string body, int maximumUnitBytes = Unlimited)
        where TException : Exception
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Throws<TException>(() => Frame(StreamFramer.Create(format, maximumUnitBytes, null), bytes, Enumerable.Range(1, Math.Max(0, bytes.Length - 1)).ToArray()));
        return Assert.Throws<TException>(() => Frame(StreamFramer.Create(format, maximumUnitBytes, null), bytes));
    }

    public static string Show(StreamUnit unit) => unit.EventName is null && unit.Id is null ? unit.Data : $"{unit.EventName}|{unit.Id}|{unit.Data}";
}

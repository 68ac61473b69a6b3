using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using Xunit;

namespace AsyncWeb.Tests.Bodies;

/// <summary>
/// Cancelling a batch disposes every open response. On .NET Framework a disposal drains the rest of the body
/// synchronously, so there the cancelling thread (Ctrl+C) must not do the disposing itself.
/// </summary>
public class ResponseBodyStreamTests
{
    /// <summary>A body whose disposal blocks until released, as .NET Framework's drain of a stalled body does.</summary>
    private sealed class DrainingContent : HttpContent
    {
        public ManualResetEventSlim Release { get; } = new();

        public ManualResetEventSlim Disposed { get; } = new();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => Task.CompletedTask;

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Release.Wait(TimeSpan.FromSeconds(30));
                Disposed.Set();
            }

            base.Dispose(disposing);
        }
    }

    [Fact]
    public void On_NET_Framework_cancelling_returns_while_the_stalled_bodies_are_still_being_drained()
    {
        var contents = new[] { new DrainingContent(), new DrainingContent(), new DrainingContent() };
        using var cancel = new CancellationTokenSource();
        foreach (var content in contents)
        {
            cancel.Token.Register(ResponseBodyStream.Abandoner(isNetFramework: true), new HttpResponseMessage { Content = content });
        }

        cancel.Cancel();  // would block here until every drain ended if the cancelling thread disposed them

        Assert.All(contents, c => Assert.False(c.Disposed.IsSet));
        foreach (var content in contents)
        {
            content.Release.Set();
        }

        Assert.All(contents, c => Assert.True(c.Disposed.Wait(TimeSpan.FromSeconds(30)), "a response was never disposed"));
    }

    [Fact]
    public void On_NET_the_response_is_disposed_at_once_on_the_cancelling_thread()
    {
        var content = new DrainingContent();
        content.Release.Set();
        using var cancel = new CancellationTokenSource();
        cancel.Token.Register(ResponseBodyStream.Abandoner(isNetFramework: false), new HttpResponseMessage { Content = content });
        cancel.Cancel();
        Assert.True(content.Disposed.IsSet);
    }
}

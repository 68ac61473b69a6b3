using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

public class ClientPoolTests
{
    // A body that never ends: only a sender that returns at the headers can hand this response over.
    private sealed class EndlessBodyHandler : HttpMessageHandler
    {
        public int Sent { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new EndlessStream()) });
        }
    }

    private sealed class EndlessStream : ReadOnlyStream
    {
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(count == 0 ? 0 : 1);
    }

    [Fact]
    public async Task The_client_hands_a_response_over_at_its_headers_without_reading_its_body()
    {
        var handler = new EndlessBodyHandler();
        using var client = ClientPool.CreateClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://example.test/");

        // The engine sends through SendAsync(message, token): on an HttpClient that overload buffers the whole body.
        var sending = client.SendAsync(request, CancellationToken.None);
        var first = await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(sending, first);
        using var response = await sending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, handler.Sent);
    }
}

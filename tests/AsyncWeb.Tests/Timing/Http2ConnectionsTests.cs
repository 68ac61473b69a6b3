using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using System.Threading;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Timing;

/// <summary>
/// The registry is one per process: each test uses origins of its own (a port of its own), so tests
/// running beside it, and the number of origins open at once, do not change its answers.
/// </summary>
public class Http2ConnectionsTests
{
    private static int s_port = 20000;

    [Fact]
    public void The_request_that_opened_a_connection_is_told_it_once_as_new()
    {
        var origin = NewOrigin();
        var initial = Request(origin);
        var info = Connection("127.0.0.1");
        Http2Connections.Opened(initial, info);

        Assert.Equal((info, false), Http2Connections.Attribute(initial));
        Assert.Equal((info, true), Http2Connections.Attribute(initial));
        Http2Connections.Closed(info);
    }

    [Fact]
    public void Other_requests_are_reused_on_the_oldest_connection_while_all_of_the_origin_agree()
    {
        var origin = NewOrigin();
        var first = Connection("127.0.0.1");
        var second = Connection("127.0.0.1");
        Http2Connections.Opened(Request(origin), first);
        Http2Connections.Opened(Request(origin), second);

        Assert.Equal((first, true), Http2Connections.Attribute(Request(origin)));
        Http2Connections.Closed(first);
        Assert.Equal((second, true), Http2Connections.Attribute(Request(origin)));
        Http2Connections.Closed(second);
    }

    [Fact]
    public void Connections_to_different_addresses_name_none()
    {
        var origin = NewOrigin();
        var first = Connection("127.0.0.1");
        var other = Connection("127.0.0.2");
        Http2Connections.Opened(Request(origin), first);
        Http2Connections.Opened(Request(origin), other);

        Assert.Equal((null, true), Http2Connections.Attribute(Request(origin)));
        Http2Connections.Closed(other);
        Assert.Equal((first, true), Http2Connections.Attribute(Request(origin)));
        Http2Connections.Closed(first);
    }

    [Fact]
    public void Connections_with_different_TLS_versions_name_none()
    {
        var origin = NewOrigin();
        var first = Connection("127.0.0.1", SslProtocols.Tls13);
        var other = Connection("127.0.0.1", SslProtocols.Tls12);
        Http2Connections.Opened(Request(origin), first);
        Http2Connections.Opened(Request(origin), other);

        Assert.Equal((null, true), Http2Connections.Attribute(Request(origin)));
        Http2Connections.Closed(first);
        Http2Connections.Closed(other);
    }

    [Fact]
    public void An_origin_with_no_open_connection_names_none()
    {
        var origin = NewOrigin();
        var info = Connection("127.0.0.1");
        Http2Connections.Opened(Request(origin), info);

        Assert.Equal((null, true), Http2Connections.Attribute(Request(NewOrigin())));
        Assert.Equal((null, true), Http2Connections.Attribute(Request(origin.Replace("https://", "http://", StringComparison.Ordinal))));
        Assert.Equal((null, true), Http2Connections.Attribute(new HttpRequestMessage()));
        Http2Connections.Closed(info);
        Assert.Equal((null, true), Http2Connections.Attribute(Request(origin)));
        Http2Connections.Closed(info);
    }

    [Fact]
    public void Many_open_origins_are_answered_as_a_few_are()
    {
        var origins = Enumerable.Range(0, 12).Select(_ => NewOrigin()).ToArray();
        var infos = origins.Select((_, i) => Connection("127.0.0.1", i % 2 == 0 ? SslProtocols.Tls13 : SslProtocols.Tls12)).ToArray();
        for (var i = 0; i < origins.Length; i++)
        {
            Http2Connections.Opened(Request(origins[i]), infos[i]);
        }

        try
        {
            for (var i = 0; i < origins.Length; i++)
            {
                Assert.Equal((infos[i], true), Http2Connections.Attribute(Request(origins[i])));
            }

            Assert.Equal((null, true), Http2Connections.Attribute(Request(NewOrigin())));
            for (var i = origins.Length - 1; i > 0; i--)
            {
                Http2Connections.Closed(infos[i]);
                Assert.Equal((null, true), Http2Connections.Attribute(Request(origins[i])));
                Assert.Equal((infos[0], true), Http2Connections.Attribute(Request(origins[0])));
            }
        }
        finally
        {
            // Closed again is nothing: a failure here leaves no origin open for the tests after it.
            foreach (var info in infos)
            {
                Http2Connections.Closed(info);
            }
        }
    }

    private static string NewOrigin() => $"https://h2.test:{Interlocked.Increment(ref s_port)}";

    private static HttpRequestMessage Request(string origin) => new(HttpMethod.Get, origin + "/small.json");

    private static ConnectionInfo Connection(string address, SslProtocols tls = SslProtocols.Tls13) =>
        new(1, 1, 1, 1, new IPEndPoint(IPAddress.Parse(address), 443), tls, "TLS_AES_128_GCM_SHA256");
}

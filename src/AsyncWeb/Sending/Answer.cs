using System;
using System.Net.Http;
using AsyncWeb.Downloads;

namespace AsyncWeb.Sending;

/// <summary>A final response, the hop that got it, and the partial file its request continued.</summary>
internal sealed class Answer : IDisposable
{
    public Answer(HttpResponseMessage response, Hop hop, int followed, ResumePoint? resume)
    {
        Response = response;
        Hop = hop;
        Followed = followed;
        Resume = resume;
    }

    public HttpResponseMessage Response { get; }
    public Hop Hop { get; }
    public int Followed { get; }
    public ResumePoint? Resume { get; }
    public int Status => (int)Response.StatusCode;

    public void Dispose()
    {
        Response.RequestMessage?.Dispose();
        Response.Dispose();
    }
}

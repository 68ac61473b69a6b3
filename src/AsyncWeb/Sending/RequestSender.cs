using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Connections;
using AsyncWeb.Downloads;
using AsyncWeb.Requests;
using AsyncWeb.Security;
using AsyncWeb.Timeouts;
using AsyncWeb.Timing;

namespace AsyncWeb.Sending;

/// <summary>
/// Sends the requests of one attempt: builds each hop's message, follows redirects with an explicit
/// count (<see cref="RedirectPolicy"/>), and starts over without a range when a partial file cannot be continued.
/// </summary>
internal sealed class RequestSender
{
    private readonly ClientRoutes _clients;
    private readonly BatchOptions _options;
    private readonly RequestMessageFactory _messages;

    public RequestSender(ClientRoutes clients, BatchOptions options, TransferCounter sent)
    {
        _clients = clients;
        _options = options;
        _messages = new RequestMessageFactory(options, sent);
    }

    /// <summary>
    /// Sends from <paramref name="hop"/>, continuing <paramref name="resume"/> when given. When the server
    /// cannot continue the partial file, it is discarded and the request made again without a range:
    /// an explicit second step, not a redirect.
    /// </summary>
    public Task<(Answer? Answer, AttemptOutcome? Refused)> SendResumingAsync(RequestSpec spec, Hop hop, int followed, ResumePoint? resume, string? target, AttemptDeadline deadline, string? traceParent) =>
        resume is null ? SendAsync(spec, hop, followed, null, deadline, traceParent) : SendContinuingAsync(spec, hop, followed, resume, target!, deadline, traceParent);

    private async Task<(Answer? Answer, AttemptOutcome? Refused)> SendContinuingAsync(RequestSpec spec, Hop hop, int followed, ResumePoint resume, string target, AttemptDeadline deadline, string? traceParent)
    {
        var sent = await SendAsync(spec, hop, followed, resume, deadline, traceParent).ConfigureAwait(false);
        if (sent.Answer is not { } answer || !ResumeState.MustRestart(answer.Status, answer.Response.Content.Headers.ContentRange, resume))
        {
            return sent;
        }

        answer.Dispose();
        ResumeState.Discard(target);
        return await SendAsync(spec, answer.Hop, answer.Followed, null, deadline, traceParent).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one request and follows its redirects (an explicit count against MaximumRedirection) to the answer, or a refusal.
    /// Every hop of the attempt carries its <paramref name="traceParent"/>: one span per attempt.
    /// </summary>
    public async Task<(Answer? Answer, AttemptOutcome? Refused)> SendAsync(RequestSpec spec, Hop hop, int followed, ResumePoint? resume, AttemptDeadline deadline, string? traceParent)
    {
        while (true)
        {
            var message = _messages.Create(spec, hop, resume, deadline, traceParent);
            IDisposable? admission = null;
            if (spec.CredentialOrigin is not null)
            {
                // Handler credentials (Negotiate, NTLM) answer challenges only while every hop stays on the item's origin.
                CredentialScope.Enter(hop.SameOrigin ? spec.CredentialOrigin : null);
                admission = hop.SameOrigin && spec.HandlerCredentials is { } credentials ? CredentialScope.Admit(credentials, spec.CredentialOrigin) : null;
            }

            var probe = RequestProbe.Current;
            HttpResponseMessage response;
            try
            {
                // Until the request is on a connection the wait allows for opening one; from then on silence counts in full.
                deadline.Connecting();
                probe?.RequestStarting(deadline.ConnectionReady);
                // A hop goes through the pool of where it connects: a pinned host:port (-Resolve, -ConnectTo), the item's own
                // proxy route (Proxy, NoProxy), or the batch's own. An item's own proxy connects for every hop, a redirect
                // or next page to a pinned name included (a pin there would turn the proxy off).
                var target = spec.Route?.Proxy is null ? spec.Connect.TargetFor(hop.Uri) : null;
                // An invoker returns at the headers (as HttpClient's ResponseHeadersRead) and buffers nothing.
                response = await _clients.For(target, spec.Route).SendAsync(message, deadline.Token).ConfigureAwait(false);
                probe?.HeadersReceived(message, response);
                deadline.Answered();
            }
            catch (Exception failure)
            {
                message.Dispose();
                if (CertificateCheck.Surface(message, failure) is { } rejected)
                {
                    throw rejected;
                }

                if (Canceled(failure, deadline.Token) is { } canceled)
                {
                    throw canceled;
                }

                throw;
            }
            finally
            {
                admission?.Dispose();
            }

            var answer = new Answer(response, hop, followed, resume);
            var decision = RedirectPolicy.Decide(spec.Origin, hop, answer.Status, response.Headers.Location, followed, _options.MaximumRedirection, _options.AllowInsecureRedirect);
            switch (decision.Action)
            {
                case RedirectAction.Answer:
                    return (answer, null);
                case RedirectAction.Refuse:
                    var refused = AttemptOutcome.Fail(decision.ErrorId!, FailureCategory.Protocol, decision.Message!, null, response);
                    answer.Dispose();
                    return (null, refused);
                default:
                    answer.Dispose();
                    hop = decision.Next!;
                    followed++;
                    break;
            }
        }
    }

    /// <summary>
    /// A send that failed once the attempt's token was cancelled ended by that cancellation (a deadline or the batch), as
    /// HttpClient reported it: the connection the cancellation aborted surfaces as a cancellation carrying the token.
    /// </summary>
    private static OperationCanceledException? Canceled(Exception failure, CancellationToken token) =>
        token.IsCancellationRequested && failure switch
        {
            OperationCanceledException ended => ended.CancellationToken != token,
            HttpRequestException => true,
            _ => false,
        }
            ? new OperationCanceledException(failure.Message, failure, token)
            : null;
}

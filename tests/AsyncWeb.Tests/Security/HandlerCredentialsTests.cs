using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Security;

/// <summary>
/// The Negotiate/NTLM credential decision asked the way .NET Framework asks it: from a connection's completion
/// thread, started with UnsafeQueueUserWorkItem under a suppressed ExecutionContext, where no AsyncLocal flows.
/// </summary>
public class HandlerCredentialsTests
{
    private static readonly Uri s_origin = new("https://intranet.example.com/reports/1");

    /// <summary>Asks <paramref name="credentials"/> for <paramref name="uri"/> on a pool thread that inherits no ExecutionContext, as .NET Framework's NTLM client does.</summary>
    private static NetworkCredential? AskWithoutFlow(ICredentials credentials, Uri uri, string authType)
    {
        var answer = new TaskCompletionSource<NetworkCredential?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (ExecutionContext.SuppressFlow())
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                try
                {
                    Assert.Null(CredentialScope.Current);
                    answer.SetResult(credentials.GetCredential(uri, authType));
                }
                catch (Exception e)
                {
                    answer.SetException(e);
                }
            }, null);
        }

        Assert.True(answer.Task.Wait(TimeSpan.FromSeconds(30)), "the work item did not run");
        return answer.Task.Result;
    }

    private static HandlerCredentials Framework(NetworkCredential? credential, params string[] schemes) => new(credential, askedInFlow: false, schemes);

    [Fact]
    public void Answers_its_origin_while_a_request_there_is_in_flight_without_the_flow()
    {
        var user = new NetworkCredential("ops", "s3cret", "CORP");
        var credentials = Framework(user, "NTLM");
        CredentialScope.Enter(s_origin);
        using (CredentialScope.Admit(credentials, s_origin))
        {
            Assert.Same(user, AskWithoutFlow(credentials, new Uri("https://INTRANET.example.com:443/reports/1?page=2"), "NTLM"));
        }
    }

    [Fact]
    public void Default_credentials_answer_Negotiate_and_NTLM_on_their_origin_without_the_flow()
    {
        var credentials = Framework(null, "Negotiate", "NTLM");
        using (CredentialScope.Admit(credentials, s_origin))
        {
            Assert.Same(CredentialCache.DefaultNetworkCredentials, AskWithoutFlow(credentials, s_origin, "Negotiate"));
            Assert.Same(CredentialCache.DefaultNetworkCredentials, AskWithoutFlow(credentials, s_origin, "ntlm"));
        }
    }

    [Theory]
    [InlineData("https://evil.example.com/reports/1")]
    [InlineData("https://intranet.example.com:8443/reports/1")]
    [InlineData("http://intranet.example.com/reports/1")]
    public void Refuses_every_other_origin_while_its_own_is_in_flight(string other)
    {
        var credentials = Framework(new NetworkCredential("ops", "s3cret"), "NTLM");
        using (CredentialScope.Admit(credentials, s_origin))
        {
            Assert.Null(AskWithoutFlow(credentials, new Uri(other), "NTLM"));
        }
    }

    [Fact]
    public void Refuses_its_origin_once_no_request_there_is_in_flight()
    {
        var credentials = Framework(new NetworkCredential("ops", "s3cret"), "NTLM");
        var first = CredentialScope.Admit(credentials, s_origin);
        var second = CredentialScope.Admit(credentials, s_origin);
        first.Dispose();
        first.Dispose();
        Assert.NotNull(AskWithoutFlow(credentials, s_origin, "NTLM"));
        second.Dispose();
        Assert.Null(AskWithoutFlow(credentials, s_origin, "NTLM"));
    }

    [Fact]
    public void Refuses_Basic_and_Digest_and_other_credentials_admission()
    {
        var credentials = Framework(new NetworkCredential("ops", "s3cret"), "NTLM");
        var others = Framework(new NetworkCredential("ops", "another"), "NTLM");
        using (CredentialScope.Admit(others, s_origin))
        {
            Assert.Null(AskWithoutFlow(credentials, s_origin, "NTLM"));
        }

        using (CredentialScope.Admit(credentials, s_origin))
        {
            Assert.Null(AskWithoutFlow(credentials, s_origin, "Basic"));
            Assert.Null(AskWithoutFlow(credentials, s_origin, "Digest"));
        }
    }

    [Fact]
    public void An_equal_credential_of_another_batch_answers_for_the_pooled_handler()
    {
        // The pooled handler holds the first batch's object; a later batch with the same credentials admits its own.
        var pooled = Framework(new NetworkCredential("ops", "s3cret", "CORP"), "NTLM");
        var later = Framework(new NetworkCredential("ops", "s3cret", "CORP"), "NTLM");
        using (CredentialScope.Admit(later, s_origin))
        {
            Assert.NotNull(AskWithoutFlow(pooled, s_origin, "NTLM"));
        }
    }

    [Fact]
    public void Where_the_runtime_asks_inside_the_flow_the_flows_origin_must_match_too()
    {
        // PowerShell 7's SocketsHttpHandler asks inside the request's flow: a redirect hop to an origin another item
        // has in flight is refused there, as before.
        var credentials = new HandlerCredentials(new NetworkCredential("ops", "s3cret"), askedInFlow: true, "NTLM");
        var other = new Uri("https://other.example.com/");
        using (CredentialScope.Admit(credentials, other))
        {
            CredentialScope.Enter(s_origin);
            Assert.Null(credentials.GetCredential(other, "NTLM"));
            CredentialScope.Enter(other);
            Assert.NotNull(credentials.GetCredential(other, "NTLM"));
            Assert.Null(AskWithoutFlow(credentials, other, "NTLM"));
        }
    }
}

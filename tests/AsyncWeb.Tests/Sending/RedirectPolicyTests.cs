using System;
using AsyncWeb.Sending;
using Xunit;

namespace AsyncWeb.Tests.Sending;

public class RedirectPolicyTests
{
    private static readonly Uri s_origin = new("https://api.example.com/start");

    private static RedirectDecision Decide(Hop hop, int status, string? location, int followed = 0, int maximum = 5, bool allowInsecure = false) =>
        RedirectPolicy.Decide(s_origin, hop, status, location is null ? null : new Uri(location, UriKind.RelativeOrAbsolute), followed, maximum, allowInsecure);

    private static Hop Get(string uri = "https://api.example.com/start") => new(new Uri(uri), "GET", true, true);

    [Theory]
    [InlineData(200)]
    [InlineData(304)]
    [InlineData(300)]
    [InlineData(404)]
    public void A_status_that_is_not_a_followed_redirect_is_the_answer(int status) =>
        Assert.Equal(RedirectAction.Answer, Decide(Get(), status, "/elsewhere").Action);

    [Fact]
    public void A_redirect_without_a_location_is_the_answer() =>
        Assert.Equal(RedirectAction.Answer, Decide(Get(), 302, null).Action);

    [Fact]
    public void MaximumRedirection_0_answers_with_the_3xx_itself() =>
        Assert.Equal(RedirectAction.Answer, Decide(Get(), 302, "/next", maximum: 0).Action);

    [Fact]
    public void A_relative_location_resolves_against_the_current_hop()
    {
        var decision = Decide(Get("https://api.example.com/a/b"), 302, "c?x=1");
        Assert.Equal(RedirectAction.Follow, decision.Action);
        Assert.Equal(new Uri("https://api.example.com/a/c?x=1"), decision.Next!.Uri);
        Assert.True(decision.Next.SameOrigin);
    }

    [Fact]
    public void The_redirect_past_the_limit_is_refused_with_TooManyRedirects()
    {
        var decision = Decide(Get(), 302, "/next", followed: 5, maximum: 5);
        Assert.Equal(RedirectAction.Refuse, decision.Action);
        Assert.Equal(ErrorIds.TooManyRedirects, decision.ErrorId);
        Assert.Contains("/next", decision.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(303, "POST", "GET", false)]
    [InlineData(303, "PUT", "GET", false)]
    [InlineData(303, "HEAD", "HEAD", false)]
    [InlineData(302, "POST", "GET", false)]
    [InlineData(301, "POST", "GET", false)]
    [InlineData(302, "PUT", "PUT", true)]
    [InlineData(307, "POST", "POST", true)]
    [InlineData(308, "POST", "POST", true)]
    public void The_method_and_body_change_as_browsers_and_Invoke_WebRequest_do(int status, string method, string expectedMethod, bool keepsBody)
    {
        var decision = Decide(new Hop(s_origin, method, true, true), status, "/next");
        Assert.Equal(expectedMethod, decision.Next!.Method);
        Assert.Equal(keepsBody, decision.Next.SendsBody);
    }

    [Fact]
    public void A_dropped_body_stays_dropped_on_later_hops() =>
        Assert.False(Decide(new Hop(s_origin, "GET", false, true), 307, "/next").Next!.SendsBody);

    [Theory]
    [InlineData("https://other.example.com/x")]
    [InlineData("https://api.example.com:8443/x")]
    [InlineData("http://api.example.com/x")]
    public void Credentials_stay_behind_once_a_hop_leaves_the_origin(string location)
    {
        var decision = Decide(Get(), 302, location, allowInsecure: true);
        Assert.False(decision.Next!.SameOrigin);
        var back = RedirectPolicy.Decide(s_origin, decision.Next, 302, new Uri("https://api.example.com/back"), 1, 5, true);
        Assert.False(back.Next!.SameOrigin);
    }

    [Fact]
    public void HTTPS_to_HTTP_is_refused_without_AllowInsecureRedirect()
    {
        var decision = Decide(Get(), 302, "http://api.example.com/x");
        Assert.Equal(RedirectAction.Refuse, decision.Action);
        Assert.Equal(ErrorIds.InsecureRedirect, decision.ErrorId);
    }

    [Fact]
    public void A_redirect_to_another_scheme_is_refused_with_InvalidRedirect()
    {
        var decision = Decide(Get(), 302, "ftp://api.example.com/x");
        Assert.Equal(ErrorIds.InvalidRedirect, decision.ErrorId);
    }

    [Theory]
    [InlineData("ftp://user:secret@api.example.com/x", 0)]
    [InlineData("https://user:secret@api.example.com/x", 5)]
    public void A_location_in_a_refusal_is_shown_redacted(string location, int followed)
    {
        var decision = Decide(Get(), 302, location, followed);
        Assert.Equal(RedirectAction.Refuse, decision.Action);
        Assert.DoesNotContain("secret", decision.Message, StringComparison.Ordinal);
    }
}

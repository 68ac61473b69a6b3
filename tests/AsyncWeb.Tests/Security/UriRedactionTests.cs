using System;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Security;

public class UriRedactionTests
{
    private static readonly UriRedactor s_default = UriRedactor.Default;

    [Fact]
    public void Redact_hides_user_and_password() =>
        Assert.Equal("http://***@example.com/x", UriRedaction.Redact(new Uri("http://user:PASSW0RD@example.com/x")));

    [Fact]
    public void Redact_leaves_a_plain_uri_alone() =>
        Assert.Equal("https://example.com/a?b=c", UriRedaction.Redact(new Uri("https://example.com/a?b=c")));

    [Fact]
    public void Text_without_secrets_is_returned_as_the_same_string()
    {
        const string text = "https://example.com/a?b=c&keyword=d#top";
        Assert.Same(text, s_default.RedactText(text));
    }

    [Theory]
    [InlineData("https://h/p?sig=S3CRET&x=1", "https://h/p?sig=***&x=1")]
    [InlineData("https://h/p?x=1&SIG=S3CRET", "https://h/p?x=1&SIG=***")]
    [InlineData("https://h/p?access_token=S3CRET", "https://h/p?access_token=***")]
    [InlineData("https://b.s3.amazonaws.com/o?X-Amz-Credential=AK%2F1&X-Amz-Signature=ab12&X-Amz-Expires=60", "https://b.s3.amazonaws.com/o?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Expires=60")]
    [InlineData("https://storage.googleapis.com/o?x-goog-signature=ab12", "https://storage.googleapis.com/o?x-goog-signature=***")]
    [InlineData("https://h/cb?code=AUTH&state=1", "https://h/cb?code=***&state=1")]
    [InlineData("https://h/p?api_key=a&apikey=b&key=c&password=d&secret=e&token=f&signature=g", "https://h/p?api_key=***&apikey=***&key=***&password=***&secret=***&token=***&signature=***")]
    public void Values_of_sensitive_query_parameters_are_hidden(string uri, string expected) =>
        Assert.Equal(expected, s_default.Redact(new Uri(uri)));

    [Fact]
    public void A_value_containing_equals_signs_is_hidden_whole() =>
        Assert.Equal("https://h/?token=***&x=1", s_default.RedactText("https://h/?token=YWJj==&x=1"));

    [Fact]
    public void Percent_encoded_names_are_recognised() =>
        Assert.Equal("https://h/?%73ig=***&X%2DAmz-Signature=***", s_default.RedactText("https://h/?%73ig=S3CRET&X%2DAmz-Signature=S3CRET"));

    [Fact]
    public void Every_occurrence_of_a_repeated_name_is_hidden() =>
        Assert.Equal("https://h/?sig=***&sig=***&a=1&sig=***", s_default.RedactText("https://h/?sig=one&sig=two&a=1&sig=three"));

    [Theory]
    [InlineData("https://h/?sig&x=1")]
    [InlineData("https://h/?sig=&x=1")]
    [InlineData("https://h/?x=sig")]
    [InlineData("https://h/signature/token?designation=1")]
    public void Names_without_values_and_lookalikes_are_left_alone(string uri) =>
        Assert.Equal(uri, s_default.RedactText(uri));

    [Fact]
    public void Parameters_in_the_fragment_are_hidden_too() =>
        Assert.Equal("https://h/cb#access_token=***&token_type=bearer", s_default.RedactText("https://h/cb#access_token=S3CRET&token_type=bearer"));

    [Fact]
    public void Semicolons_separate_parameters() =>
        Assert.Equal("https://h/?a=1;sig=***;b=2", s_default.RedactText("https://h/?a=1;sig=S3CRET;b=2"));

    [Fact]
    public void User_info_and_query_are_hidden_together() =>
        Assert.Equal("https://***@h:8443/p?token=***&page=2", s_default.Redact(new Uri("https://u:PASSW0RD@h:8443/p?token=S3CRET&page=2")));

    [Fact]
    public void A_password_containing_an_encoded_at_sign_is_hidden_whole() =>
        Assert.Equal("http://***@h/", s_default.RedactText("http://u:p%40ss@h/"));

    [Fact]
    public void Uris_inside_a_message_are_redacted() =>
        Assert.Equal(
            "stopped after 1 redirect(s); the last pointed to /download?X-Amz-Signature=*** (see 'http://***@h/x?sig=***')",
            s_default.RedactText("stopped after 1 redirect(s); the last pointed to /download?X-Amz-Signature=abc123 (see 'http://u:pw@h/x?sig=S3CRET')"));

    [Fact]
    public void Names_the_user_adds_are_hidden_with_the_defaults()
    {
        var redactor = new UriRedactor(new[] { "session_id", " Tenant-Key ", "" });
        Assert.Equal("https://h/?session_id=***&tenant-key=***&sig=***&page=1", redactor.RedactText("https://h/?session_id=S1&tenant-key=T1&sig=S2&page=1"));
        Assert.Equal("https://h/?session_id=S1", UriRedactor.Default.RedactText("https://h/?session_id=S1"));
    }

    [Fact]
    public void A_failure_message_is_redacted_into_a_new_error_and_a_clean_one_is_kept()
    {
        var dirty = new WebBatchError(ErrorIds.TooManyRedirects, FailureCategory.Protocol, "the last pointed to /x?sig=S3CRET");
        var clean = new WebBatchError(ErrorIds.HttpStatus, FailureCategory.HttpStatus, "the server answered 500");
        var redacted = s_default.Redact(dirty)!;
        Assert.Equal("the last pointed to /x?sig=***", redacted.Message);
        Assert.Equal(ErrorIds.TooManyRedirects, redacted.ErrorId);
        Assert.Same(clean, s_default.Redact(clean));
    }

    [Theory]
    [InlineData("user:S3CRET@example.com/x", "***@example.com/x")]
    [InlineData("user:S3CRET@example.com:8080/x?token=T0K", "***@example.com:8080/x?token=***")]
    [InlineData("http://user:S3CRET@exa mple.com/x", "http://***@exa mple.com/x")]
    [InlineData("example.com/a@b", "example.com/a@b")]
    [InlineData("https://example.com/x", "https://example.com/x")]
    public void Text_given_as_a_uri_hides_user_info_even_without_its_slashes(string given, string expected) =>
        Assert.Equal(expected, s_default.RedactGiven(given));
}

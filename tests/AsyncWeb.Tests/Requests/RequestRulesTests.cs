using System;
using System.Collections.Generic;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Requests;

public class RequestRulesTests
{
    [Theory]
    [InlineData("", ErrorIds.EmptyUri)]
    [InlineData("/relative", ErrorIds.RelativeUriWithoutBase)]
    [InlineData("ftp://example.com/x", ErrorIds.UnsupportedScheme)]
    [InlineData("http://", ErrorIds.InvalidUri)]
    public void An_unusable_URI_is_refused_with_its_ErrorId(string text, string errorId) =>
        Assert.Equal(errorId, Assert.Throws<InvalidInputException>(() => RequestRules.ParseUri(text, null)).ErrorId);

    [Theory]
    [InlineData("localhost:8080/x", null, "http://localhost:8080/x")]
    [InlineData("example.com", null, "http://example.com")]
    [InlineData("10.0.0.1:80/a?b=1", null, "http://10.0.0.1:80/a?b=1")]
    [InlineData("[::1]:8080/x", null, "http://[::1]:8080/x")]
    [InlineData("localhost:8080/x", "https://api.example.com/", "http://localhost:8080/x")]
    public void A_host_without_its_scheme_is_MissingScheme_naming_the_URI_meant(string text, string? baseUri, string meant)
    {
        var refused = Assert.Throws<InvalidInputException>(() => RequestRules.ParseUri(text, baseUri is null ? null : new Uri(baseUri)));
        Assert.Equal(ErrorIds.MissingScheme, refused.ErrorId);
        Assert.Contains("did you mean " + meant + " or https://", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/items", null, ErrorIds.RelativeUriWithoutBase)]
    [InlineData("mailto:someone@example.com", null, ErrorIds.UnsupportedScheme)]
    [InlineData("C:\\temp\\x", null, ErrorIds.UnsupportedScheme)]
    public void Text_that_names_no_host_keeps_its_own_ErrorId(string text, string? baseUri, string errorId) =>
        Assert.Equal(errorId, Assert.Throws<InvalidInputException>(() => RequestRules.ParseUri(text, baseUri is null ? null : new Uri(baseUri))).ErrorId);

    [Fact]
    public void A_path_with_a_dot_stays_relative_to_a_base_URI() =>
        Assert.Equal(new Uri("https://api.example.com/v1/example.com/x"), RequestRules.ParseUri("example.com/x", new Uri("https://api.example.com/v1/")).Uri);

    [Fact]
    public void A_relative_URI_resolves_against_the_base_and_gets_its_host_key()
    {
        var (uri, key) = RequestRules.ParseUri("/v1/items?x=1", new Uri("https://api.example.com:8443/"));
        Assert.Equal(new Uri("https://api.example.com:8443/v1/items?x=1"), uri);
        Assert.Equal("api.example.com:8443", key);
    }

    [Theory]
    [InlineData(" get ", "GET")]
    [InlineData("purge", "PURGE")]
    public void A_method_is_a_token_in_upper_case(string given, string expected) =>
        Assert.Equal(expected, RequestRules.NormaliseMethod(given));

    [Theory]
    [InlineData("")]
    [InlineData("GE T")]
    [InlineData("GE\nT")]
    public void A_method_that_is_not_a_token_is_InvalidMethod(string given) =>
        Assert.Equal(ErrorIds.InvalidMethod, Assert.Throws<InvalidInputException>(() => RequestRules.NormaliseMethod(given)).ErrorId);

    [Fact]
    public void A_header_value_with_CR_LF_is_refused_and_a_sensitive_one_never_shown()
    {
        var shown = Assert.Throws<InvalidInputException>(() => RequestRules.ValidateHeader("X-Note", "a\r\nb", "-Headers"));
        Assert.Equal(ErrorIds.InvalidHeader, shown.ErrorId);
        Assert.Contains("a\\r\\nb", shown.Message, StringComparison.Ordinal);

        var hidden = Assert.Throws<InvalidInputException>(() => RequestRules.ValidateHeader("Authorization", "Bearer secret\n", "-Headers"));
        Assert.DoesNotContain("secret", hidden.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_name_must_be_a_token() =>
        Assert.Throws<InvalidInputException>(() => RequestRules.ValidateHeader("Bad Name", "x", "-Headers"));

    [Fact]
    public void A_SHA_256_is_64_hex_characters_in_upper_case()
    {
        Assert.Equal(new string('A', 64), RequestRules.NormaliseSha256(new string('a', 64)));
        Assert.Throws<InvalidInputException>(() => RequestRules.NormaliseSha256("abc"));
        Assert.Throws<InvalidInputException>(() => RequestRules.NormaliseSha256(new string('g', 64)));
    }
}

public class BodyEncodingTests
{
    [Fact]
    public void Form_pairs_are_url_encoded_and_joined_by_ampersands() =>
        Assert.Equal("name=web+01&q=a%26b%3Dc&empty=",
            BodyEncoding.FormEncode(new[] { Pair("name", "web 01"), Pair("q", "a&b=c"), Pair("empty", "") }));

    [Theory]
    [InlineData("{\"a\":1}", null, "application/json; charset=utf-8")]
    [InlineData("  [1]", null, "application/json; charset=utf-8")]
    [InlineData("hello", null, "text/plain; charset=utf-8")]
    [InlineData("hello", "text/csv", "text/csv")]
    public void A_string_body_gets_a_content_type_by_its_look(string text, string? given, string expected) =>
        Assert.Equal(expected, BodyEncoding.FromText(text, given).ContentType);

    [Fact]
    public void A_string_body_is_encoded_in_the_charset_of_its_content_type()
    {
        Assert.Equal(new byte[] { 0xE9 }, BodyEncoding.FromText("é", "text/plain; charset=iso-8859-1").Bytes);
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, BodyEncoding.FromText("é", null).Bytes);
    }

    [Fact]
    public void An_unknown_charset_is_InvalidHeader() =>
        Assert.Equal(ErrorIds.InvalidHeader, Assert.Throws<InvalidInputException>(() => BodyEncoding.FromText("x", "text/plain; charset=nonesuch")).ErrorId);

    [Theory]
    [InlineData("ftp://user:S3CRET@files.example/")]
    [InlineData("user:S3CRET@files.example")]
    [InlineData("file:///S3CRET")]
    public void A_base_uri_that_is_not_http_is_InvalidBaseUri_and_never_quoted(string text)
    {
        var invalid = Assert.Throws<InvalidInputException>(() => RequestRules.CheckBaseUri(new Uri(text, UriKind.RelativeOrAbsolute)));
        Assert.Equal(ErrorIds.InvalidBaseUri, invalid.ErrorId);
        Assert.DoesNotContain("S3CRET", invalid.Message);
    }

    [Fact]
    public void A_relative_base_uri_is_InvalidBaseUri_and_an_https_one_passes()
    {
        Assert.Equal(ErrorIds.InvalidBaseUri, Assert.Throws<InvalidInputException>(() => RequestRules.CheckBaseUri(new Uri("api/S3CRET", UriKind.Relative))).ErrorId);
        RequestRules.CheckBaseUri(new Uri("https://user:pw@api.example/v1/"));
        RequestRules.CheckBaseUri(null);
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}

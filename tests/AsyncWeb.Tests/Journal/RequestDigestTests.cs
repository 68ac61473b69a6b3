using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using AsyncWeb.Journal;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Journal;

public sealed class RequestDigestTests : IDisposable
{
    private static readonly Uri s_uri = new("https://api.example.com/orders");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "asyncweb-digest-" + Guid.NewGuid().ToString("N"));

    public RequestDigestTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RequestSpec Post(string? body = null, string? contentType = "application/json; charset=utf-8", params (string Name, string Value)[] headers) =>
        new(0, s_uri, "api.example.com:443", "POST", null)
        {
            Body = body is null ? null : Encoding.UTF8.GetBytes(body),
            ContentType = body is null ? null : contentType,
            Headers = Pairs(headers),
        };

    private static List<KeyValuePair<string, string>> Pairs((string Name, string Value)[] headers) =>
        headers.Length == 0 ? new() : new List<(string Name, string Value)>(headers).ConvertAll(h => new KeyValuePair<string, string>(h.Name, h.Value));

    [Fact]
    public void A_digest_is_32_hex_digits_and_the_same_for_the_same_request()
    {
        var digest = RequestDigest.Of(Post("{\"amount\":1}"));
        Assert.Matches("^[0-9a-f]{32}$", digest);
        Assert.Equal(digest, RequestDigest.Of(Post("{\"amount\":1}")));
    }

    [Fact]
    public void Another_body_or_content_type_is_another_request()
    {
        var digest = RequestDigest.Of(Post("{\"amount\":1}"));
        Assert.NotEqual(digest, RequestDigest.Of(Post("{\"amount\":2}")));
        Assert.NotEqual(digest, RequestDigest.Of(Post("{\"amount\":1}", "application/vnd.other+json")));
        Assert.NotEqual(digest, RequestDigest.Of(Post()));
        Assert.NotEqual(RequestDigest.Of(Post()), RequestDigest.Of(Post(string.Empty)));
        Assert.NotEqual(RequestDigest.Of(Post("abc", "text/plain")), RequestDigest.Of(Post("abd", "text/plain")));
    }

    [Fact]
    public void A_json_body_counts_by_its_content_not_the_order_of_its_members()
    {
        // PowerShell lists a hashtable's keys in another order in every process: ConvertTo-Json follows it.
        Assert.Equal(
            RequestDigest.Of(Post("{\"amount\":1,\"meta\":{\"a\":1,\"b\":[2,{\"y\":1,\"x\":2}]},\"id\":\"o1\"}")),
            RequestDigest.Of(Post("{ \"id\": \"o1\", \"meta\": {\"b\":[2,{\"x\":2,\"y\":1}],\"a\":1}, \"amount\": 1 }")));
        Assert.NotEqual(RequestDigest.Of(Post("[1,2]")), RequestDigest.Of(Post("[2,1]")));
        Assert.NotEqual(RequestDigest.Of(Post("{\"a\":1}")), RequestDigest.Of(Post("{\"a\":1.0}")));
        // Not JSON after all: its bytes count.
        Assert.NotEqual(RequestDigest.Of(Post("{not json")), RequestDigest.Of(Post("{not json ")));
    }

    [Fact]
    public void A_form_body_counts_by_its_fields_in_any_order()
    {
        const string form = "application/x-www-form-urlencoded";
        Assert.Equal(RequestDigest.Of(Post("a=1&b=2&b=3", form)), RequestDigest.Of(Post("b=2&a=1&b=3", form)));
        Assert.NotEqual(RequestDigest.Of(Post("a=1&b=2&b=3", form)), RequestDigest.Of(Post("a=1&b=3&b=2", form)));
        Assert.NotEqual(RequestDigest.Of(Post("a=1&b=2", form)), RequestDigest.Of(Post("a=1&b=20", form)));
    }

    [Fact]
    public void Headers_count_in_any_order_and_case_of_name_but_credentials_and_user_agent_do_not()
    {
        var plain = RequestDigest.Of(Post("x", "text/plain", ("X-Tenant", "a"), ("Accept", "application/json")));
        Assert.Equal(plain, RequestDigest.Of(Post("x", "text/plain", ("accept", "application/json"), ("x-tenant", "a"))));
        Assert.NotEqual(plain, RequestDigest.Of(Post("x", "text/plain", ("X-Tenant", "b"), ("Accept", "application/json"))));
        Assert.Equal(plain, RequestDigest.Of(Post("x", "text/plain", ("X-Tenant", "a"), ("Accept", "application/json"),
            ("X-Api-Key", "s3cret"), ("X-Auth-Token", "s3cret"), ("Ocp-Apim-Subscription-Key", "s3cret"), ("X-Amz-Security-Token", "s3cret"),
            ("X-Session-Id", "s3cret"), ("X-Signature", "s3cret"), ("User-Agent", "AsyncWeb/9.9.9"))));

        // Credentials kept to the origin are never part of it.
        var withCredentials = Post("x", "text/plain", ("X-Tenant", "a"), ("Accept", "application/json")) with
        {
            SensitiveHeaders = Pairs(new[] { ("Authorization", "Bearer s3cret"), ("Cookie", "sid=s3cret") }),
        };
        Assert.Equal(plain, RequestDigest.Of(withCredentials));

        // An Idempotency-Key the user gives names the item.
        Assert.NotEqual(plain, RequestDigest.Of(Post("x", "text/plain", ("X-Tenant", "a"), ("Accept", "application/json"), ("Idempotency-Key", "order-1"))));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Cookie")]
    [InlineData("X-API-KEY")]
    [InlineData("X-Access-Token")]
    [InlineData("X-Client-Secret")]
    [InlineData("X-Password")]
    [InlineData("X-Credential")]
    [InlineData("User-Agent")]
    public void Headers_that_may_hold_a_secret_are_left_out(string name) => Assert.True(RequestDigest.LeftOut(name));

    [Theory]
    [InlineData("Accept")]
    [InlineData("Content-Language")]
    [InlineData("X-Tenant")]
    [InlineData("Idempotency-Key")]
    [InlineData("If-Match")]
    public void Other_headers_count(string name) => Assert.False(RequestDigest.LeftOut(name));

    [Fact]
    public void An_in_file_counts_by_path_length_and_last_write_time()
    {
        var path = Path.Combine(_dir, "order.json");
        File.WriteAllText(path, "{\"amount\":1}");
        var when = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, when);
        RequestSpec Upload(string file) => new(0, s_uri, "api.example.com:443", "POST", null) { Upload = new FileUpload(file, "application/json") };
        var digest = RequestDigest.Of(Upload(path));
        Assert.Equal(digest, RequestDigest.Of(Upload(path)));

        File.SetLastWriteTimeUtc(path, when.AddSeconds(1));
        Assert.NotEqual(digest, RequestDigest.Of(Upload(path)));

        File.WriteAllText(path, "{\"amount\":10}");
        File.SetLastWriteTimeUtc(path, when);
        Assert.NotEqual(digest, RequestDigest.Of(Upload(path)));

        File.WriteAllText(path, "{\"amount\":1}");
        File.SetLastWriteTimeUtc(path, when);
        Assert.Equal(digest, RequestDigest.Of(Upload(path)));
        Assert.NotEqual(digest, RequestDigest.Of(Upload(Path.Combine(_dir, "missing.json"))));
    }

    [Fact]
    public void A_form_counts_by_its_fields_in_name_order_with_values_files_and_types()
    {
        var path = Path.Combine(_dir, "photo.png");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        RequestSpec Form(params FormPart[] parts) => new(0, s_uri, "api.example.com:443", "POST", null) { Upload = new FormUpload(parts) };
        var digest = RequestDigest.Of(Form(FormPart.Text("name", "a"), FormPart.File("photo", path)));
        Assert.Equal(digest, RequestDigest.Of(Form(FormPart.File("photo", path), FormPart.Text("name", "a"))));
        Assert.NotEqual(digest, RequestDigest.Of(Form(FormPart.Text("name", "b"), FormPart.File("photo", path))));
        Assert.NotEqual(digest, RequestDigest.Of(Form(FormPart.Text("name", "a"), FormPart.File("photo", path, "other.png"))));
        Assert.NotEqual(digest, RequestDigest.Of(Form(FormPart.Text("name", "a", "text/csv"), FormPart.File("photo", path))));
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4 });
        Assert.NotEqual(digest, RequestDigest.Of(Form(FormPart.Text("name", "a"), FormPart.File("photo", path))));
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AsyncWeb.Bodies;
using AsyncWeb.Requests;

namespace AsyncWeb.Journal;

/// <summary>
/// What an item's request sends besides its method and URI, as one digest (SHA-256, 32 hex digits) for its key
/// (<see cref="ItemKeys"/>): the headers that hold no secret, and the body. A changed body is another request, so a
/// journal re-run sends it (with another Idempotency-Key); the same request gives the same digest in every process.
/// <list type="bullet">
/// <item>Headers by lower-case name, in name order. Left out: the credentials (Authorization, Proxy-Authorization,
/// Cookie, the session's or -Credential's, and any header whose name says it holds a key, token, secret, password,
/// signature, session or credential), since even a digest lets a short secret be guessed; and User-Agent, which
/// names the client (and its version), not the request.</item>
/// <item>A body as sent, with its Content-Type; a JSON body by its content (object members in name order) and a
/// form-encoded one with its fields in name order, because PowerShell's hashtables list their keys in another
/// order in every process, and JSON objects and forms built from them mean the same in any order.</item>
/// <item>-InFile and the files of -Form by full path, length and last write time (not their content: reading every
/// file twice, once for the key on the pipeline thread, would double the cost of an upload); -Form's fields in
/// name order, with their values, file names and content types.</item>
/// </list>
/// Pure (but for the file times); unit-tested.
/// </summary>
internal static class RequestDigest
{
    private static readonly string[] s_secretNameParts = { "auth", "cookie", "key", "token", "secret", "password", "passwd", "signature", "session", "credential" };

    /// <summary>The digest of what <paramref name="spec"/> sends besides its method and URI.</summary>
    public static string Of(RequestSpec spec)
    {
        using var digest = new Digest();
        digest.Add("headers");
        foreach (var header in spec.Headers.Where(h => !LeftOut(h.Key)).OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal))
        {
            digest.Add(header.Key.ToLowerInvariant());
            digest.Add(header.Value);
        }

        switch (spec.Upload)
        {
            case FileUpload file:
                digest.Add("file");
                digest.AddFile(file.Path);
                digest.Add(file.ContentType);
                break;
            case FormUpload form:
                digest.Add("form");
                foreach (var part in form.Parts.OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    digest.Add(part.Name);
                    digest.Add(part.ContentType);
                    if (part.FilePath is null)
                    {
                        digest.Add(part.Value);
                    }
                    else
                    {
                        digest.AddFile(part.FilePath);
                        digest.Add(part.FileName);
                    }
                }

                break;
            default:
                if (spec.Body is not null)
                {
                    digest.Add("body");
                    digest.Add(spec.ContentType);
                    digest.Add(Canonical(spec.Body, spec.ContentType));
                }

                break;
        }

        return digest.Hex();
    }

    /// <summary>
    /// A header left out of the key: the credentials RequestRules keeps to the origin, any header whose name says it
    /// carries a secret (X-Api-Key, X-Auth-Token ...; Idempotency-Key is the item's own name, not a secret), and User-Agent.
    /// </summary>
    public static bool LeftOut(string name) =>
        RequestRules.IsSensitiveHeader(name)
        || name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)
        || (!name.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase)
            && s_secretNameParts.Any(part => name.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0));

    /// <summary>The body's bytes, or for JSON and form bodies the same meaning written one way.</summary>
    private static byte[] Canonical(byte[] body, string? contentType)
    {
        if (BodyEncoding.IsForm(contentType))
        {
            var fields = Encoding.UTF8.GetString(body).Split('&');
            return Encoding.UTF8.GetBytes(string.Join("&", fields.OrderBy(f => f.Split('=')[0], StringComparer.Ordinal)));
        }

        if (!StructuredContent.PrefersJson(contentType))
        {
            return body;
        }

        try
        {
            using var document = JsonDocument.Parse(BodyEncoding.EncodingFor(contentType!).GetString(body));
            using var canonical = new MemoryStream();
            using (var writer = new Utf8JsonWriter(canonical))
            {
                Write(writer, document.RootElement);
            }

            return canonical.ToArray();
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>Fields fed to SHA-256, each with its length first, so that no two lists of fields run together.</summary>
    private sealed class Digest : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Add(string? text) => Add(text is null ? null : Encoding.UTF8.GetBytes(text));

        public void Add(byte[]? bytes)
        {
            var length = BitConverter.GetBytes(bytes is null ? -1L : bytes.LongLength);
            _hash.AppendData(length);
            if (bytes is not null)
            {
                _hash.AppendData(bytes);
            }
        }

        /// <summary>A file by path, length and last write time; a file that is missing now fails when it is sent.</summary>
        public void AddFile(string path)
        {
            Add(path);
            var info = new FileInfo(path);
            Add(info.Exists
                ? info.Length.ToString(CultureInfo.InvariantCulture) + "@" + info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)
                : "missing");
        }

        public string Hex() => ItemKeys.Hex(_hash.GetHashAndReset());

        public void Dispose() => _hash.Dispose();
    }
}

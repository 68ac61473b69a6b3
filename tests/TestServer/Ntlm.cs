using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AsyncWeb.TestServer;

/// <summary>
/// Just enough of the server side of NTLM (MS-NLMP) to test a client for real: a CHALLENGE message for a
/// NEGOTIATE, and verification of the NTLMv2 response in an AUTHENTICATE against a known user and password.
/// No session security, no signing: the point is that the client answers with the right credential, and only
/// where it should. Test code; NTLM itself is a legacy protocol.
/// </summary>
internal static class Ntlm
{
    private const uint NegotiateUnicode = 0x1;
    private const uint RequestTarget = 0x4;
    private const uint NegotiateNtlm = 0x200;
    private const uint TargetTypeDomain = 0x10000;
    private const uint NegotiateTargetInfo = 0x800000;
    private const uint NegotiateOem = 0x2;
    private static ReadOnlySpan<byte> Signature => "NTLMSSP\0"u8;

    /// <summary>The message type (1, 2 or 3) of an NTLM message found in a token, and its offset there; SPNEGO wraps it, so it is searched for.</summary>
    public static (int Type, int Offset) Find(byte[] token)
    {
        int offset = token.AsSpan().IndexOf(Signature);
        return offset < 0 || token.Length < offset + 12 ? (0, -1) : ((int)BinaryPrimitives.ReadUInt32LittleEndian(token.AsSpan(offset + 8)), offset);
    }

    /// <summary>A CHALLENGE for the client's NEGOTIATE (its flags, Unicode, with target information).</summary>
    public static byte[] Challenge(byte[] negotiate, int offset, byte[] serverChallenge)
    {
        uint clientFlags = BinaryPrimitives.ReadUInt32LittleEndian(negotiate.AsSpan(offset + 12));
        uint flags = (clientFlags & ~NegotiateOem) | NegotiateUnicode | RequestTarget | NegotiateNtlm | TargetTypeDomain | NegotiateTargetInfo;
        byte[] target = Encoding.Unicode.GetBytes("ASYNCWEB");
        byte[] info = TargetInfo();

        const int header = 56;
        var message = new byte[header + target.Length + info.Length];
        var span = message.AsSpan();
        Signature.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 2);
        WriteField(span[12..], target.Length, header);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], flags);
        serverChallenge.CopyTo(span[24..]);
        WriteField(span[40..], info.Length, header + target.Length);
        span[48] = 10;   // version 10.0, build 0, NTLM revision 15
        span[55] = 15;
        target.CopyTo(span[header..]);
        info.CopyTo(span[(header + target.Length)..]);
        return message;
    }

    /// <summary>The user and domain of an AUTHENTICATE message, and whether its NTLMv2 response proves <paramref name="password"/>.</summary>
    public static (string User, string Domain, bool Valid) Verify(byte[] token, int offset, byte[] serverChallenge, string password)
    {
        var message = token.AsSpan(offset);
        var ntResponse = ReadField(message, 20);
        string domain = Encoding.Unicode.GetString(ReadField(message, 28));
        string user = Encoding.Unicode.GetString(ReadField(message, 36));
        if (ntResponse.Length <= 16)
        {
            return (user, domain, false);  // NTLMv1 or anonymous: never accepted
        }

        byte[] ntHash = Md4.Hash(Encoding.Unicode.GetBytes(password));
        byte[] responseKey = HMACMD5.HashData(ntHash, Encoding.Unicode.GetBytes(user.ToUpperInvariant() + domain));
        var client = ntResponse[16..];
        var proofInput = new byte[serverChallenge.Length + client.Length];
        serverChallenge.CopyTo(proofInput, 0);
        client.CopyTo(proofInput.AsSpan(serverChallenge.Length));
        byte[] proof = HMACMD5.HashData(responseKey, proofInput);
        return (user, domain, CryptographicOperations.FixedTimeEquals(proof, ntResponse[..16]));
    }

    private static byte[] TargetInfo()
    {
        var pairs = new (ushort Id, byte[] Value)[]
        {
            (2, Encoding.Unicode.GetBytes("ASYNCWEB")),                      // MsvAvNbDomainName
            (1, Encoding.Unicode.GetBytes("TESTSERVER")),                    // MsvAvNbComputerName
            (4, Encoding.Unicode.GetBytes("asyncweb.test")),                 // MsvAvDnsDomainName
            (3, Encoding.Unicode.GetBytes("testserver.asyncweb.test")),      // MsvAvDnsComputerName
            (7, BitConverter.GetBytes(DateTime.UtcNow.ToFileTimeUtc())),     // MsvAvTimestamp
            (0, Array.Empty<byte>()),                                        // MsvAvEOL
        };
        int length = 0;
        foreach (var pair in pairs)
        {
            length += 4 + pair.Value.Length;
        }

        var info = new byte[length];
        int at = 0;
        foreach (var (id, value) in pairs)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(at), id);
            BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(at + 2), (ushort)value.Length);
            value.CopyTo(info, at + 4);
            at += 4 + value.Length;
        }

        return info;
    }

    private static void WriteField(Span<byte> field, int length, int offset)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(field[2..], (ushort)length);
        BinaryPrimitives.WriteUInt32LittleEndian(field[4..], (uint)offset);
    }

    private static ReadOnlySpan<byte> ReadField(ReadOnlySpan<byte> message, int at)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(message[at..]);
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(message[(at + 4)..]);
        return offset + length <= message.Length ? message.Slice(offset, length) : ReadOnlySpan<byte>.Empty;
    }

    /// <summary>MD4 (RFC 1320), which NTLM's password hash needs and .NET does not offer.</summary>
    private static class Md4
    {
        public static byte[] Hash(byte[] input)
        {
            long bits = (long)input.Length * 8;
            int padded = ((input.Length + 8) / 64 + 1) * 64;
            var data = new byte[padded];
            input.CopyTo(data, 0);
            data[input.Length] = 0x80;
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(padded - 8), bits);

            uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
            var x = new uint[16];
            for (int block = 0; block < padded; block += 64)
            {
                for (int i = 0; i < 16; i++)
                {
                    x[i] = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(block + i * 4));
                }

                uint aa = a, bb = b, cc = c, dd = d;
                foreach (int i in new[] { 0, 4, 8, 12 })
                {
                    a = Rotate(a + F(b, c, d) + x[i], 3);
                    d = Rotate(d + F(a, b, c) + x[i + 1], 7);
                    c = Rotate(c + F(d, a, b) + x[i + 2], 11);
                    b = Rotate(b + F(c, d, a) + x[i + 3], 19);
                }

                foreach (int i in new[] { 0, 1, 2, 3 })
                {
                    a = Rotate(a + G(b, c, d) + x[i] + 0x5a827999, 3);
                    d = Rotate(d + G(a, b, c) + x[i + 4] + 0x5a827999, 5);
                    c = Rotate(c + G(d, a, b) + x[i + 8] + 0x5a827999, 9);
                    b = Rotate(b + G(c, d, a) + x[i + 12] + 0x5a827999, 13);
                }

                foreach (int i in new[] { 0, 2, 1, 3 })
                {
                    a = Rotate(a + H(b, c, d) + x[i] + 0x6ed9eba1, 3);
                    d = Rotate(d + H(a, b, c) + x[i + 8] + 0x6ed9eba1, 9);
                    c = Rotate(c + H(d, a, b) + x[i + 4] + 0x6ed9eba1, 11);
                    b = Rotate(b + H(c, d, a) + x[i + 12] + 0x6ed9eba1, 15);
                }

                a += aa;
                b += bb;
                c += cc;
                d += dd;
            }

            var hash = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(hash, a);
            BinaryPrimitives.WriteUInt32LittleEndian(hash.AsSpan(4), b);
            BinaryPrimitives.WriteUInt32LittleEndian(hash.AsSpan(8), c);
            BinaryPrimitives.WriteUInt32LittleEndian(hash.AsSpan(12), d);
            return hash;
        }

        private static uint F(uint x, uint y, uint z) => (x & y) | (~x & z);

        private static uint G(uint x, uint y, uint z) => (x & y) | (x & z) | (y & z);

        private static uint H(uint x, uint y, uint z) => x ^ y ^ z;

        private static uint Rotate(uint value, int bits) => (value << bits) | (value >> (32 - bits));
    }
}

#if !NET
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb;

/// <summary>
/// The few .NET 5+ APIs AsyncWeb calls, for netstandard2.0 (Windows PowerShell 5.1). Extension
/// members with the same names and meaning, so the shared source reads the same on both targets;
/// net8.0 binds to the real APIs and never sees this file.
/// </summary>
internal static class ApiPolyfills
{
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;

    extension(string)
    {
        /// <summary>string.Create(provider, $"...") formats the interpolation with <paramref name="provider"/>.</summary>
        public static string Create(IFormatProvider? provider, FormattableString text) => text.ToString(provider);
    }

    extension(string text)
    {
        public bool Contains(char value) => text.IndexOf(value) >= 0;

        public string Replace(string oldValue, string? newValue, StringComparison comparisonType)
        {
            var builder = new System.Text.StringBuilder(text.Length);
            var start = 0;
            int found;
            while ((found = text.IndexOf(oldValue, start, comparisonType)) >= 0)
            {
                builder.Append(text, start, found - start).Append(newValue);
                start = found + oldValue.Length;
            }

            return builder.Append(text, start, text.Length - start).ToString();
        }
    }

    extension(Math)
    {
        public static int Clamp(int value, int min, int max) => value < min ? min : value > max ? max : value;

        public static double Clamp(double value, double min, double max) => value < min ? min : value > max ? max : value;
    }

    extension(Stopwatch)
    {
        public static TimeSpan GetElapsedTime(long startingTimestamp) => GetElapsedTime(startingTimestamp, Stopwatch.GetTimestamp());

        public static TimeSpan GetElapsedTime(long startingTimestamp, long endingTimestamp) =>
            new((long)((endingTimestamp - startingTimestamp) * ((double)TicksPerSecond / Stopwatch.Frequency)));
    }

    extension(Array)
    {
        /// <summary>The largest byte array .NET Framework allows (without gcAllowVeryLargeObjects).</summary>
        public static int MaxLength => 0x7FFFFFC7;
    }

    extension(OperatingSystem)
    {
        public static bool IsWindows() => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    }

    extension(Environment)
    {
        public static int ProcessId => s_processId.Value;
    }

    extension(Convert)
    {
        public static string ToHexString(byte[] bytes) => ToHexString(bytes, 0, bytes.Length);

        public static string ToHexString(byte[] bytes, int offset, int length) =>
            BitConverter.ToString(bytes, offset, length).Replace("-", string.Empty);
    }

    extension(SHA256)
    {
        public static byte[] HashData(byte[] source)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(source);
        }
    }

    extension(File)
    {
        /// <summary>Moves a file, replacing an existing target when <paramref name="overwrite"/> is set (File.Replace: a rename, as on .NET).</summary>
        public static void Move(string sourceFileName, string destFileName, bool overwrite)
        {
            if (overwrite && File.Exists(destFileName))
            {
                File.Replace(sourceFileName, destFileName, destinationBackupFileName: null, ignoreMetadataErrors: true);
                return;
            }

            File.Move(sourceFileName, destFileName);
        }
    }

    extension(Task task)
    {
        public bool IsCompletedSuccessfully => task.Status == TaskStatus.RanToCompletion;
    }

    extension(Stream stream)
    {
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (MemoryMarshal.TryGetArray<byte>(buffer, out var segment))
            {
                return new ValueTask<int>(stream.ReadAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken));
            }

            return ReadThroughPoolAsync(stream, buffer, cancellationToken);
        }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            if (MemoryMarshal.TryGetArray(buffer, out var segment))
            {
                return new ValueTask(stream.WriteAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken));
            }

            return WriteThroughPoolAsync(stream, buffer, cancellationToken);
        }
    }

    extension(HttpContent content)
    {
        /// <summary>.NET Framework cannot cancel opening the body stream; reads from it observe the token.</summary>
        public Task<Stream> ReadAsStreamAsync(CancellationToken cancellationToken) => content.ReadAsStreamAsync();
    }

    extension(IncrementalHash hash)
    {
        public void AppendData(ReadOnlySpan<byte> data)
        {
            var array = ArrayPool<byte>.Shared.Rent(data.Length);
            try
            {
                data.CopyTo(array);
                hash.AppendData(array, 0, data.Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    extension(System.Text.Encoding encoding)
    {
        public ReadOnlySpan<byte> Preamble => encoding.GetPreamble();

        public string GetString(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? string.Empty : encoding.GetString(bytes.ToArray());
    }

    extension<TKey, TValue>(Dictionary<TKey, TValue> dictionary)
        where TKey : notnull
    {
        public bool Remove(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value) =>
            dictionary.TryGetValue(key, out value) && dictionary.Remove(key);
    }

    extension<TKey, TValue>(ConcurrentDictionary<TKey, TValue> dictionary)
        where TKey : notnull
    {
        public TValue GetOrAdd<TArg>(TKey key, Func<TKey, TArg, TValue> valueFactory, TArg factoryArgument) =>
            dictionary.GetOrAdd(key, k => valueFactory(k, factoryArgument));
    }

    private static readonly Lazy<int> s_processId = new(() =>
    {
        using var process = Process.GetCurrentProcess();
        return process.Id;
    });

    private static async ValueTask<int> ReadThroughPoolAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var array = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = await stream.ReadAsync(array, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            array.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static async ValueTask WriteThroughPoolAsync(Stream stream, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var array = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(array);
            await stream.WriteAsync(array, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
#endif

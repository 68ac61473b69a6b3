using System;
using System.Collections.Generic;
using System.Threading;

namespace AsyncWeb.Security;

/// <summary>
/// Where handler credentials may answer a challenge. Two records, both kept by the sender for each hop: the
/// origin of the request being sent on this async flow (<see cref="Enter"/>), and, process-wide, which
/// credentials have a request in flight to which origin (<see cref="Admit"/>). <see cref="HandlerCredentials"/>
/// reads the first where the runtime asks for credentials inside that flow (.NET), and the second by the URI it
/// is asked about where it does not: .NET Framework asks from a connection's read-completion thread, started
/// without the ExecutionContext, where the first is always empty.
/// </summary>
internal static class CredentialScope
{
    private static readonly AsyncLocal<Uri?> s_origin = new();
    private static readonly Dictionary<(HandlerCredentials Credentials, string Origin), int> s_admitted = new();

    public static Uri? Current => s_origin.Value;

    /// <summary>Sets the origin for the rest of the calling async method (and what it awaits); it does not leak to the caller.</summary>
    public static void Enter(Uri? origin) => s_origin.Value = origin;

    /// <summary>
    /// Lets <paramref name="credentials"/> answer challenges from <paramref name="origin"/> until the returned
    /// admission is disposed: the sender holds one for each same-origin hop while it is being sent. Counted, so
    /// concurrent requests to one origin each hold their own.
    /// </summary>
    public static IDisposable Admit(HandlerCredentials credentials, Uri origin)
    {
        var key = (credentials, OriginKey(origin));
        lock (s_admitted)
        {
            s_admitted[key] = s_admitted.TryGetValue(key, out var count) ? count + 1 : 1;
        }

        return new Admission(key);
    }

    /// <summary>Whether a request of <paramref name="credentials"/> to <paramref name="uri"/>'s origin is in flight and admitted.</summary>
    public static bool IsAdmitted(HandlerCredentials credentials, Uri uri)
    {
        lock (s_admitted)
        {
            return s_admitted.ContainsKey((credentials, OriginKey(uri)));
        }
    }

    /// <summary>Scheme, host and port, as <see cref="Requests.RequestSpec.SameOrigin"/> compares them.</summary>
    private static string OriginKey(Uri uri) =>
        uri.Scheme.ToLowerInvariant() + "://" + uri.IdnHost.ToLowerInvariant() + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class Admission : IDisposable
    {
        private (HandlerCredentials, string)? _key;

        public Admission((HandlerCredentials, string) key) => _key = key;

        public void Dispose()
        {
            if (_key is not { } key)
            {
                return;
            }

            _key = null;
            lock (s_admitted)
            {
                if (s_admitted.TryGetValue(key, out var count) && count > 1)
                {
                    s_admitted[key] = count - 1;
                }
                else
                {
                    s_admitted.Remove(key);
                }
            }
        }
    }
}

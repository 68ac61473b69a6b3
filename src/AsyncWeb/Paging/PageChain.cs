using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using AsyncWeb.Hosts;

namespace AsyncWeb.Paging;

/// <summary>
/// One item's pages while they are fetched: the URIs recently requested (a next link to one of them is a
/// loop), how many pages were requested, how many run now, and, once the first page announced numbered
/// pages, the index of the last of them. Shared by the item's page requests; its methods are thread-safe.
/// Loop detection has a bounded memory, whatever a server sends: the first page's URI and the last
/// <see cref="RecentLinks"/> next links, each as a 128-bit digest (a long cursor costs no more than a short
/// one). A loop back to the first page or to one of the last 1,024 pages is found; a longer cycle is not, and
/// runs until the most pages per item ends it.
/// </summary>
internal sealed class PageChain
{
    /// <summary>Next links remembered for loop detection, besides the first page's URI.</summary>
    public const int RecentLinks = 1024;

    private readonly object _gate = new();
    private readonly Dictionary<(ulong, ulong), int> _seen = new();
    private readonly Queue<(ulong, ulong)> _recent = new();
    private int _inFlight;
    private int _finalPageIndex = -1;
    private int _ended;
    private bool _failed;

    public PageChain(Uri first, string? idempotencyKey = null)
    {
        _seen.Add(Key(first), 0);
        Requested = 1;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The item's Idempotency-Key (-IdempotencyKey), which its pages' keys derive from; null without one.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>Pages requested so far, the first included.</summary>
    public int Requested { get; private set; }

    /// <summary>Page requests of this item handed to HostAdmission and not yet ended (BatchEngine keeps the count).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>True once the first page announced numbered pages, which are then fetched concurrently.</summary>
    public bool FannedOut => Volatile.Read(ref _finalPageIndex) >= 0;

    /// <summary>The PageIndex of the item's last page, once fanned out.</summary>
    public int FinalPageIndex => Volatile.Read(ref _finalPageIndex);

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Ended() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// When a page's result is handed to the pipeline (its follow-up was planned before, so <see cref="Requested"/>
    /// counts the pages it announced): notes that the page ended, and whether it succeeded. Done is true for exactly
    /// one page, the item's last to be handed out, once every requested page was; AllSucceeded then says whether
    /// every one succeeded (what -JournalPath records for the item).
    /// </summary>
    public (bool Done, bool AllSucceeded) PageEnded(bool succeeded)
    {
        lock (_gate)
        {
            _ended++;
            _failed |= !succeeded;
            return (_ended == Requested, !_failed);
        }
    }

    /// <summary>
    /// Notes <paramref name="next"/> as page <paramref name="pageIndex"/>; false (and the index of the page it
    /// already was) when this item requested it before: a loop.
    /// </summary>
    public bool TryAdd(Uri next, int pageIndex, out int earlier)
    {
        lock (_gate)
        {
            var key = Key(next);
            if (_seen.TryGetValue(key, out earlier))
            {
                return false;
            }

            _seen.Add(key, pageIndex);
            _recent.Enqueue(key);
            if (_recent.Count > RecentLinks)
            {
                _seen.Remove(_recent.Dequeue());
            }

            Requested++;
            return true;
        }
    }

    /// <summary>The first page announced <paramref name="pages"/> more pages, with PageIndex 1 to <paramref name="pages"/>.</summary>
    public void FanOut(int pages)
    {
        lock (_gate)
        {
            Requested += pages;
            _seen.Clear(); // numbered pages are distinct by construction and never followed further
            _recent.Clear();
            Volatile.Write(ref _finalPageIndex, pages);
        }
    }

    /// <summary>How many URIs loop detection remembers now (at most <see cref="RecentLinks"/> + 1).</summary>
    internal int Remembered
    {
        get
        {
            lock (_gate)
            {
                return _seen.Count;
            }
        }
    }

    /// <summary>The request a URI stands for (scheme, host, port, path and query; a fragment is never sent), as a 128-bit SHA-256 prefix.</summary>
    private static (ulong, ulong) Key(Uri uri)
    {
        var text = Encoding.UTF8.GetBytes(uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped));
        using var sha = SHA256.Create();
        var digest = sha.ComputeHash(text);
        return (BitConverter.ToUInt64(digest, 0), BitConverter.ToUInt64(digest, 8));
    }
}

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Requests;

namespace AsyncWeb.Hosts;

/// <summary>A running item whose host is paused before its next attempt (or, for a retry, over a lowered limit) gives its slot back and waits, ahead of its host's new items.</summary>
internal sealed partial class HostAdmission
{
    /// <summary>
    /// Before an attempt of a running item: while its host is paused, or (for a retry) while the host has more in
    /// flight than its limit (an adaptive limit that was lowered meanwhile), gives its slot to others and waits for the
    /// pause to end (and a slot), ahead of its host's new items. Throws when <paramref name="token"/> is cancelled,
    /// holding a slot again, as the item's end expects.
    /// </summary>
    public Task WaitForHostAsync(RequestSpec spec, bool retry, CancellationToken token)
    {
        if (_aborted || !(_flow.IsPaused(spec.HostKey) || (retry && OverLimit(spec.HostKey))))
        {
            return Task.CompletedTask;
        }

        return WaitAsync(spec, token);
    }

    /// <summary>A retry under a limit lowered since its item started would be one request too many: it queues again instead.</summary>
    private bool OverLimit(string host)
    {
        if (!_flow.LimitsHosts)
        {
            return false;
        }

        var limit = _flow.LimitFor(host);
        lock (_gate)
        {
            return limit > 0 && _hosts.TryGetValue(host, out var line) && line.Active > limit;
        }
    }

    private async Task WaitAsync(RequestSpec spec, CancellationToken token)
    {
        var resumed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<Entry> node;
        var start = default(Starts);
        lock (_gate)
        {
            var line = Line(spec.HostKey);
            _running--;
            line.Active--;
            node = Enter(line, new Entry(spec, resumed, _flow.PauseClock(spec.HostKey)), first: true);
            Settle(line, ref start);
        }

        Go(start);
        using (token.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetCanceled(), resumed))
        {
            try
            {
                await resumed.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                start = default;
                lock (_gate)
                {
                    // Not started meanwhile: it leaves the line and holds a slot again, over the limits if need be.
                    if (node.List is not null)
                    {
                        var line = Line(spec.HostKey);
                        Leave(line, node);
                        Started(line);
                        Settle(line, ref start);
                    }
                }

                // What the settling took from the lines (the host's pause may have ended, or its limit risen, before
                // admission heard of it) starts like any other: taken from a line means started, never dropped.
                Go(start);
                throw;
            }
        }
    }
}

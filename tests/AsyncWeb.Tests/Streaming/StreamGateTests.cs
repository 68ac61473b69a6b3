using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

public class StreamGateTests
{
    [Fact]
    public void EntersAtOnceBelowTheBound_AndALargeItemStillPassesWhenTheQueueIsBelowIt()
    {
        var gate = new StreamGate(100);
        Assert.True(gate.EnterAsync(60, CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(gate.EnterAsync(1_000, CancellationToken.None).IsCompletedSuccessfully); // 60 < 100: never stuck behind its own size
        Assert.Equal(1_060, gate.Queued);
        Assert.Equal(1_060, gate.Peak);
    }

    [Fact]
    public async Task WaitsAtTheBound_AndLeavingAdmitsTheWaitersInTurn()
    {
        var gate = new StreamGate(100);
        await gate.EnterAsync(100, CancellationToken.None);
        var first = gate.EnterAsync(10, CancellationToken.None).AsTask();
        var second = gate.EnterAsync(10, CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        gate.Leave(5); // 95 < 100: the first enters (105), the second still waits
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(second.IsCompleted);
        Assert.False(gate.EnterAsync(1, CancellationToken.None).IsCompleted); // a newcomer queues behind the waiter

        gate.Leave(100);
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(16, gate.Queued); // 5 + 10 + 1 entered, in turn
    }

    [Fact]
    public async Task ACancelledWaiterLeavesTheLineWithoutEntering()
    {
        var gate = new StreamGate(10);
        await gate.EnterAsync(10, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(5, cancel.Token).AsTask();
        var behind = gate.EnterAsync(3, CancellationToken.None).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        gate.Leave(10);
        await behind.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, gate.Queued);
    }
    [Fact]
    public async Task ManyReadersAndATakerRacingNeverStrandAWaiter_NorPassTheBoundByMoreThanAnItemPerReader()
    {
        const int Readers = 8, Items = 5_000, Cost = 100, Bound = 1_000;
        var gate = new StreamGate(Bound);
        var handed = new ConcurrentQueue<long>();
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, Readers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Items; i++)
            {
                await gate.EnterAsync(Cost, CancellationToken.None);
                handed.Enqueue(Cost);
            }
        })).ToArray();

        // The taker leaves what was handed over, as the pipeline thread does, until every reader is through.
        var taker = Task.Run(() =>
        {
            var taken = 0L;
            while (taken < (long)Readers * Items && !done.IsCancellationRequested)
            {
                if (handed.TryDequeue(out var cost))
                {
                    gate.Leave(cost);
                    taken++;
                }
                else
                {
                    Thread.Yield();
                }
            }
        });

        var all = Task.WhenAll(readers.Append(taker));
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60)));
        done.Cancel();
        Assert.Same(all, finished); // no reader waits forever
        await all;
        Assert.Equal(0, gate.Queued);
        Assert.True(gate.Peak <= Bound + (long)Readers * Cost, $"peak {gate.Peak}");
    }
}

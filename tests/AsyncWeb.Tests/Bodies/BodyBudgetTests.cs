using System;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Timeouts;
using Xunit;

namespace AsyncWeb.Tests.Bodies;

public class BodyBudgetTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Room_within_the_budget_is_granted_at_once_and_fills_it()
    {
        var budget = new BodyBudget(1000, ordered: false);
        using var lease = budget.Open(0);
        using var deadline = Deadline();

        await lease.ReserveAsync(1000, deadline);

        Assert.Equal(1000, budget.Used);
        Assert.True(budget.IsFull);
    }

    [Fact]
    public async Task A_reader_over_the_budget_waits_until_a_taken_result_frees_room()
    {
        var budget = new BodyBudget(1000, ordered: false);
        using var deadline = Deadline();
        await HoldResultAsync(budget, 0, 800, deadline);

        using var second = budget.Open(1);
        var waiting = second.ReserveAsync(500, deadline).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.True(budget.IsFull);

        budget.Release(800, (0, 0));   // the pipeline took the first result

        await waiting.WaitAsync(s_patience);
        Assert.Equal(500, budget.Used);
    }

    [Fact]
    public async Task The_lowest_running_item_proceeds_over_the_budget_when_nothing_else_can_free_room()
    {
        var budget = new BodyBudget(100, ordered: false);
        using var deadline = Deadline();
        using var low = budget.Open(3);
        using var high = budget.Open(7);
        await high.ReserveAsync(100, deadline);

        await low.ReserveAsync(5000, deadline).AsTask().WaitAsync(s_patience);

        Assert.Equal(5100, budget.Used);
    }

    [Fact]
    public async Task When_the_lowest_running_item_ends_the_next_lowest_proceeds_over_the_budget_and_a_higher_one_waits()
    {
        var budget = new BodyBudget(100, ordered: false);
        using var deadline = Deadline();
        var lowest = budget.Open(3);
        using var high = budget.Open(9);
        using var next = budget.Open(5);
        await high.ReserveAsync(100, deadline);

        lowest.Dispose();   // it ended without a result (failed before its body)
        var higher = high.ReserveAsync(50, deadline).AsTask();
        await next.ReserveAsync(5000, deadline).AsTask().WaitAsync(s_patience);

        await Task.Delay(50);
        Assert.False(higher.IsCompleted);
        Assert.Equal(5100, budget.Used);
    }

    [Fact]
    public async Task Unordered_the_lowest_item_still_waits_for_results_the_pipeline_will_take()
    {
        var budget = new BodyBudget(100, ordered: false);
        using var deadline = Deadline();
        await HoldResultAsync(budget, 1, 100, deadline);

        using var low = budget.Open(2);
        var waiting = low.ReserveAsync(50, deadline).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        budget.Release(100, (1, 0));
        await waiting.WaitAsync(s_patience);
    }

    [Fact]
    public async Task Ordered_the_lowest_item_proceeds_though_results_wait_for_it()
    {
        var budget = new BodyBudget(100, ordered: true);
        using var deadline = Deadline();
        using var first = budget.Open(0);
        budget.Next((0, 0));
        await HoldResultAsync(budget, 1, 100, deadline);   // waits in the reorder buffer for item 0

        await first.ReserveAsync(500, deadline).AsTask().WaitAsync(s_patience);
    }

    [Fact]
    public async Task Ordered_the_page_whose_result_leaves_next_goes_past_the_budget_and_its_siblings_wait()
    {
        var budget = new BodyBudget(100, ordered: true);
        using var deadline = Deadline();
        await HoldResultAsync(budget, 1, 100, deadline);   // a later item's result, waiting for item 0's pages
        using var third = budget.Open(0, 3);
        using var second = budget.Open(0, 2);
        budget.Next((0, 2));

        var sibling = third.ReserveAsync(500, deadline).AsTask();
        await second.ReserveAsync(500, deadline).AsTask().WaitAsync(s_patience);
        await Task.Delay(50);
        Assert.False(sibling.IsCompleted);

        second.HandOver(500);
        budget.Release(500, (0, 2));   // page 2 left: page 3 is next
        budget.Next((0, 3));
        await sibling.WaitAsync(s_patience);
    }

    [Fact]
    public async Task One_request_at_a_time_goes_past_the_budget_until_its_result_is_taken()
    {
        var budget = new BodyBudget(100, ordered: false);
        using var deadline = Deadline();
        using (var first = budget.Open(0, 1))
        {
            await first.ReserveAsync(500, deadline).AsTask().WaitAsync(s_patience);
            first.HandOver(500);
        }

        using var second = budget.Open(0, 2);
        var waiting = second.ReserveAsync(500, deadline).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(500, budget.Peak);

        budget.Release(500, (0, 1));
        await waiting.WaitAsync(s_patience);
    }

    [Fact]
    public async Task A_new_attempt_gives_back_what_the_last_one_reserved()
    {
        var budget = new BodyBudget(1000, ordered: false);
        using var deadline = Deadline();
        using var lease = budget.Open(0);
        await lease.ReserveAsync(600, deadline);

        lease.Reset();

        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_waiting_reader_gives_up_when_its_attempt_is_cancelled()
    {
        var budget = new BodyBudget(100, ordered: false);
        using var deadline = Deadline();
        using var low = budget.Open(0);
        await low.ReserveAsync(100, deadline);
        using var cancel = new CancellationTokenSource();
        using var highDeadline = AttemptDeadline.Start(cancel.Token, new BatchOptions());
        using var high = budget.Open(1);

        var waiting = high.ReserveAsync(50, highDeadline).AsTask();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(s_patience));
    }

    [Fact]
    public async Task Ordered_once_the_budget_is_spent_it_names_the_request_whose_result_leaves_next_and_tells_when_a_reader_waits()
    {
        var budget = new BodyBudget(100, ordered: true);
        var waits = 0;
        budget.Waits = () => Interlocked.Increment(ref waits);
        using var deadline = Deadline();
        budget.Next((0, 1));   // item 0's second page, not started: it waits for a slot
        Assert.Null(budget.Awaited);

        await HoldResultAsync(budget, 1, 60, deadline);
        using var reader = budget.Open(2);
        var waiting = reader.ReserveAsync(60, deadline).AsTask();   // a later item that holds a slot, waiting for room
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, Volatile.Read(ref waits));
        Assert.Equal((0L, 1), budget.Awaited);

        budget.Release(60, (1, 0));   // room again: nobody needs to go past the slots
        await waiting.WaitAsync(s_patience);
        Assert.Null(budget.Awaited);
    }

    /// <summary>Item <paramref name="index"/> read <paramref name="bytes"/> and finished: its result holds them until taken.</summary>
    private static async Task HoldResultAsync(BodyBudget budget, long index, long bytes, AttemptDeadline deadline)
    {
        using var lease = budget.Open(index);
        await lease.ReserveAsync(bytes, deadline);
        lease.HandOver(bytes);
    }

    private static AttemptDeadline Deadline() => AttemptDeadline.Start(CancellationToken.None, new BatchOptions());
}

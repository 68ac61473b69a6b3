using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Bodies;
using Xunit;

namespace AsyncWeb.Tests.Bodies;

public class RunningRequestsTests
{
    private static readonly BodyBudget s_budget = new(1000, ordered: true);

    private static BudgetLease Lease(long index, int pageIndex = 0) => new(s_budget, (index, pageIndex));

    [Fact]
    public void The_lowest_is_the_lowest_index_then_page_of_those_still_running()
    {
        var running = new RunningRequests();
        var leases = new[] { Lease(5), Lease(3, 2), Lease(3, 1), Lease(8) };
        foreach (var lease in leases)
        {
            running.Add(lease);
        }

        Assert.Equal((3L, 1), running.Lowest());
        running.Remove(leases[2]);   // the lowest ends: the next lowest is found
        Assert.Equal((3L, 2), running.Lowest());
        running.Remove(leases[0]);   // not the lowest: the lowest stays
        Assert.Equal((3L, 2), running.Lowest());
        running.Add(Lease(1));
        Assert.Equal((1L, 0), running.Lowest());
        Assert.Equal(3, running.Count);
    }

    [Fact]
    public void Ends_in_any_order_leave_exactly_the_rest_running_however_many_there_were()
    {
        var running = new RunningRequests();
        var leases = Enumerable.Range(0, 100).Select(i => Lease(i)).ToList();
        foreach (var lease in leases)
        {
            running.Add(lease);
        }

        // Every third ends, lowest first, from the middle and the end of the list: the others stay, and each one's lowest is right.
        var left = new SortedSet<long>(Enumerable.Range(0, 100).Select(i => (long)i));
        foreach (var lease in leases.Where(l => l.Request.Index % 3 == 0).Reverse().Concat(leases.Where(l => l.Request.Index % 3 == 1)))
        {
            running.Remove(lease);
            left.Remove(lease.Request.Index);
            Assert.Equal(left.Count, running.Count);
            Assert.Equal((left.Min, 0), running.Lowest());
        }

        foreach (var index in left.ToList())
        {
            running.Remove(leases[(int)index]);
            left.Remove(index);
            Assert.Equal(left.Count, running.Count);
            if (left.Count > 0)
            {
                Assert.Equal((left.Min, 0), running.Lowest());
            }
        }
    }

    [Fact]
    public void A_lease_added_twice_or_removed_twice_counts_once()
    {
        var running = new RunningRequests();
        var first = Lease(1);
        var second = Lease(2);
        running.Add(first);
        running.Add(first);
        running.Add(second);
        Assert.Equal(2, running.Count);

        running.Remove(first);
        running.Remove(first);
        running.Remove(Lease(0));   // never added
        Assert.Equal(1, running.Count);
        Assert.Equal((2L, 0), running.Lowest());
    }
}

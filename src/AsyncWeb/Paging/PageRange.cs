using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace AsyncWeb.Paging;

/// <summary>Numbered pages <see cref="First"/> to <see cref="Last"/> of <see cref="Template"/>, to fetch concurrently.</summary>
internal sealed record PageRange(Uri Template, string Parameter, long First, long Last)
{
    public long Count => Last - First + 1;

    /// <summary>The URI of page number <paramref name="number"/>.</summary>
    public Uri UriOf(long number) => PageNumbers.With(Template, Parameter, number);
}

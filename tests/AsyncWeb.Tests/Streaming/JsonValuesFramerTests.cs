using AsyncWeb.Streaming;
using Xunit;

namespace AsyncWeb.Tests.Streaming;

/// <summary>Auto for JSON media types: an array streams its elements, anything else each top-level value.</summary>
public sealed class JsonValuesFramerTests
{
    private const WebStreamFormat Auto = WebStreamFormat.Auto;

    [Fact]
    public void A_body_that_starts_with_a_bracket_streams_its_elements()
    {
        Assert.Equal(new[] { "{\"a\":1}", "2" }, Framing.FrameAtEverySplit(Auto, "\n  [{\"a\":1}, 2]\n"));
        Assert.Empty(Framing.FrameAtEverySplit(Auto, "[]"));
        Assert.Contains("truncated", Framing.Fails<StreamFormatException>(Auto, "[1,").Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void One_object_is_one_unit_and_objects_one_after_another_are_one_unit_each()
    {
        Assert.Equal(new[] { "{\"kind\":\"Pod\",\"items\":[1,2]}" }, Framing.FrameAtEverySplit(Auto, "{\"kind\":\"Pod\",\"items\":[1,2]}"));

        // A Kubernetes-style watch: objects separated by newlines (or nothing at all).
        var units = Framing.FrameAtEverySplit(Auto, "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}{\"type\":\"DELETED\"}\n");
        Assert.Equal(new[] { "{\"type\":\"ADDED\"}", "{\"type\":\"MODIFIED\"}", "{\"type\":\"DELETED\"}" }, units);
    }

    [Fact]
    public void Scalars_are_values_and_one_at_the_end_of_the_body_ends_with_it()
    {
        Assert.Equal(new[] { "42" }, Framing.FrameAtEverySplit(Auto, "42"));
        Assert.Equal(new[] { "\"text\"", "true", "-1.5", "null" }, Framing.FrameAtEverySplit(Auto, "\"text\" true\n-1.5 null"));
        Assert.Empty(Framing.FrameAtEverySplit(Auto, " \n"));
    }

    [Fact]
    public void A_cut_off_value_or_a_stray_delimiter_is_a_format_error()
    {
        Assert.Contains("truncated", Framing.Fails<StreamFormatException>(Auto, "{\"a\":[1,2]").Message, System.StringComparison.Ordinal);
        Assert.Contains("not a sequence of JSON values", Framing.Fails<StreamFormatException>(Auto, "{}\n]").Message, System.StringComparison.Ordinal);
        Assert.Equal("value", Framing.Fails<StreamUnitTooLargeException>(Auto, "{\"a\":123}", maximumUnitBytes: 5).UnitKind);
    }
}

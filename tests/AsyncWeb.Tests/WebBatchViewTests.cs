using Xunit;

namespace AsyncWeb.Tests;

public class WebBatchViewTests
{
    [Fact]
    public void A_URI_that_fits_is_shown_whole_with_its_file() =>
        Assert.Equal("http://h/a -> /tmp/x.bin", WebBatchView.Fit("http://h/a", "/tmp/x.bin", 60));

    [Fact]
    public void A_long_URI_keeps_its_host_and_its_end()
    {
        var shown = WebBatchView.Fit("https://api.example.com/v1/tenants/contoso/reports/2024/annual/items?page=7&size=100", null, 40);
        Assert.Equal(40, shown.Length);
        Assert.StartsWith("api.example.com\u2026", shown);
        Assert.EndsWith("items?page=7&size=100", shown);
    }

    [Fact]
    public void A_download_keeps_its_file_name_when_the_whole_does_not_fit()
    {
        var shown = WebBatchView.Fit("http://127.0.0.1:54321/bytes/1000?name=x", "/home/someone/downloads/mirror/deep/folder/report.pdf", 50);
        Assert.True(shown.Length <= 50, shown);
        Assert.StartsWith("127.0.0.1:54321/", shown);
        Assert.EndsWith(" -> report.pdf", shown);
    }

    [Fact]
    public void A_host_longer_than_the_width_is_cut_and_the_path_end_kept()
    {
        var shown = WebBatchView.Fit("http://" + new string('a', 60) + ".example/x/y/z", null, 27);
        Assert.Equal(27, shown.Length);
        Assert.EndsWith("/z", shown);
    }
}

using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

public sealed class PerfAnalyzerCsvTests
{
    [Fact]
    public void Writes_perf_analyzer_header_and_rows_sorted_by_throughput_in_microseconds()
    {
        var results = new List<(int, LatencyStats)>
        {
            (4, new LatencyStats(2000.5, 2.0, 1.9, 2.5, 2.75, 3.1234, 6000, true)),
            (1, new LatencyStats(900, 1.005, 1.0, 1.2, 1.3, 1.4, 2700, true)),
        };

        var writer = new StringWriter();
        PerfAnalyzerCsv.Write(writer, results);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
            "Concurrency,Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue,Server Compute Input," +
            "Server Compute Infer,Server Compute Output,Client Recv,p50 latency,p90 latency,p95 latency,p99 latency," +
            "Avg latency,request/response,response wait",
            lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Equal("1,900,0,1005,0,0,0,0,0,1000,1200,1300,1400,1005,0,1005", lines[1]);
        Assert.Equal("4,2000.5,0,2000,0,0,0,0,0,1900,2500,2750,3123,2000,0,2000", lines[2]);
        Assert.All(lines, l => Assert.Equal(16, l.Split(',').Length));
    }

    [Fact]
    public void Fills_the_server_columns_and_leaves_the_rest_of_the_latency_to_network()
    {
        var results = new List<(int, LatencyStats, ServerSideStats?)>
        {
            (2, new LatencyStats(500, 2.0, 1.9, 2.5, 2.75, 3.0, 1500, true), new ServerSideStats(1500, 900, 1.5, 0.25, 0.1, 1.0, 0.05)),
            (1, new LatencyStats(400, 1.0, 1.0, 1.2, 1.3, 1.4, 1200, true), null),
        };

        var writer = new StringWriter();
        PerfAnalyzerCsv.Write(writer, results);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(PerfAnalyzerCsv.Header, lines[0]);
        Assert.Equal("1,400,0,1000,0,0,0,0,0,1000,1200,1300,1400,1000,0,1000", lines[1]);
        // 2000 us avg = 600 network + 250 queue + 100 input + 1000 infer + 50 output.
        Assert.Equal("2,500,0,600,250,100,1000,50,0,1900,2500,2750,3000,2000,0,2000", lines[2]);
    }

    [Fact]
    public void Request_rate_results_are_written_under_a_request_rate_column()
    {
        var stats = new LatencyStats(99.5, 1.0, 1.0, 1.2, 1.3, 1.4, 300, true);
        var results = new List<MeasurementResult>
        {
            new(64, stats with { ThroughputPerSec = 199.0 }, [], 0) { RequestRate = 200 },
            new(64, stats, [], 0) { RequestRate = 100.25 },
        };

        var writer = new StringWriter();
        PerfAnalyzerCsv.Write(writer, results);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(PerfAnalyzerCsv.RequestRateHeader, lines[0]);
        Assert.StartsWith("Request Rate,Inferences/Second,", lines[0]);
        Assert.StartsWith("100.25,99.5,", lines[1]);
        Assert.StartsWith("200,199,", lines[2]);
    }

    [Fact]
    public void Concurrency_and_request_rate_results_are_not_mixed_in_one_file()
    {
        var stats = new LatencyStats(100, 1.0, 1.0, 1.2, 1.3, 1.4, 300, true);
        var results = new List<MeasurementResult> { new(4, stats, [], 0), new(64, stats, [], 0) { RequestRate = 100 } };

        var ex = Assert.Throws<ArgumentException>(() => PerfAnalyzerCsv.Write(new StringWriter(), results));

        Assert.Contains("mixed", ex.Message);
    }
}

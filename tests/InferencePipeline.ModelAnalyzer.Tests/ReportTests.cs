using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Reports;

namespace InferencePipeline.ModelAnalyzer.Tests;

/// <summary>Model Analyzer's CSVs and the summary report, from measurements whose ranking is known.</summary>
public sealed class ReportTests
{
    private static readonly ConstraintSet Budget = new([new MetricConstraint(Metrics.LatencyP99, null, 20)]);

    [Theory]
    [InlineData(new[] { 4 }, null, "batch [4]")]
    [InlineData(new int[0], true, "dynamic batching")]
    [InlineData(new int[0], null, "no batching")]
    public void A_configs_batching_reads_as_a_report_line_says_it(int[] preferred, bool? dynamicBatching, string expected)
    {
        var config = new ProfiledConfig("m_config_0", ConfigVariant.TritonSearch, 0, preferred, 1, "artifacts/x", DynamicBatchingEnabled: dynamicBatching);

        Assert.Equal(expected, config.BatchingSummary);
    }

    [Fact]
    public void With_the_default_fields_the_first_line_is_model_analyzers()
    {
        var csv = MetricsCsv.Write([Analysis()], ModelAnalyzerConfig.DefaultInferenceOutputFields, 0, new List<string>());

        Assert.Equal("Model,Batch,Concurrency,Model Config Path,Instance Group,Max Batch Size,Satisfies Constraints,Throughput (infer/sec),p99 Latency (ms)", csv.Split('\n')[0]);
        Assert.Contains("m,1,8,m_config_1,2:CPU,8,Yes,480.0,19.000", csv.Split('\n'));
    }

    [Fact]
    public void Inference_output_fields_give_each_column_as_model_analyzer_names_it_in_the_order_given()
    {
        var warnings = new List<string>();
        string[] fields = ["perf_latency_p99", "model_config_path", "instance_group", "dynamic_batch_sizes", "backend_parameter/intra_op_thread_count",
            "perf_server_queue", "perf_latency_avg", "gpu_used_memory", "request_rate"];

        var lines = MetricsCsv.Write([Analysis()], fields, 0, warnings).Split('\n');

        Assert.Equal("p99 Latency (ms),Model Config Path,Instance Group,Preferred Batch Sizes,backend_parameter/intra_op_thread_count,Server Queue time (ms),Avg Latency (ms),Request Rate", lines[0]);
        Assert.True(lines.Contains("19.000,m_config_1,2:CPU,[8],2,1.500,11.400,"), string.Join("\n", lines));
        // A field with no data is left out, with Model Analyzer's warning.
        Assert.Contains("\"gpu_used_memory\" has no data", Assert.Single(warnings));
    }

    [Fact]
    public void Instance_group_says_the_kind_that_really_ran()
    {
        var gpu = Measurement(Config("m_config_9", ConfigVariant.TritonSearch, [4], 3) with { InstanceKind = "GPU" }, 1, 100, 5);
        var analysis = ResultsRanker.Analyze("m", [gpu], ConstraintSet.None, Objective.Default, defaultIsCandidate: true);

        Assert.Contains("3:GPU", MetricsCsv.Write([analysis], ["instance_group"], 0, new List<string>()));
    }

    [Fact]
    public void Top_n_keeps_the_best_configs_and_always_the_defaults_rows()
    {
        var analysis = Analysis(top: 1);

        var rows = MetricsCsv.Rows(analysis, 1);

        Assert.Equal(["m_config_1", "m_config_default"], rows.Select(r => r.Config.Name).Distinct().Order());
        Assert.Equal(4, rows.Count(r => r.Config.Name == "m_config_default"));
    }

    [Fact]
    public void The_summary_sentence_is_model_analyzers()
    {
        var analysis = Analysis();

        // 480/s (m_config_1 at 8) against the default's best in budget, 110/s: +336%.
        Assert.Equal(
            "In 12 measurements across 3 configurations, m_config_1 is 336% better than the default configuration at maximizing throughput, under the given constraints (p99 <= 20 ms).",
            SummarySentence.For(analysis));
    }

    [Fact]
    public void The_report_is_one_self_contained_page_with_the_summary_plots_top_configs_and_latency_breakdown()
    {
        var analysis = Analysis();

        var html = HtmlReport.Write(analysis, ThroughputPlot.Render(analysis), "max_batch_size: 8", "/out/m_config_1");

        Assert.Contains(System.Net.WebUtility.HtmlEncode(SummarySentence.For(analysis)), html);
        Assert.Equal(2, html.Split("data:image/png;base64,").Length - 1);
        Assert.Contains("Throughput vs p99 latency", html);
        Assert.Contains("<h2>Top configurations</h2>", html);
        // The chosen point (p99 19, avg 11.4 ms; queue 1.5, compute 6.5): client and network 3.4 ms.
        Assert.Contains("<td class=\"l\">Server queue</td><td>1.500</td>", html);
        Assert.Contains("<td class=\"l\">Client and network</td><td>3.400</td>", html);
        Assert.DoesNotContain("src=\"http", html);
    }

    [Fact]
    public void Server_only_csv_has_model_analyzers_titles_for_the_fields_with_data()
    {
        var warnings = new List<string>();

        Assert.Equal("Model\n", ServerOnlyCsv.Write(ModelAnalyzerConfig.DefaultServerOutputFields, gpuCountersAvailable: false, warnings));
        Assert.Equal(4, warnings.Count);
        Assert.Equal("Model,GPU UUID,GPU Memory Usage (MB),GPU Utilization (%),GPU Power Usage (W)\n",
            ServerOnlyCsv.Write(ModelAnalyzerConfig.DefaultServerOutputFields, gpuCountersAvailable: true, new List<string>()));
    }

    private static ResultsAnalysis Analysis(int top = 0)
    {
        var measurements = new List<ProfileMeasurement>();
        var def = Config("m_config_default", ConfigVariant.Default, [], 1);
        var a = Config("m_config_0", ConfigVariant.TritonSearch, [4], 1);
        var b = Config("m_config_1", ConfigVariant.TritonSearch, [8], 2);
        int[] c = [1, 2, 4, 8];
        double[][] rates = [[100, 110, 115, 116], [140, 220, 300, 310], [140, 240, 380, 480]];
        double[][] p99 = [[11, 19, 36, 70], [8, 10, 14, 27], [8, 9, 11, 19]];
        foreach (var (config, i) in new[] { (def, 0), (a, 1), (b, 2) })
        {
            for (var k = 0; k < c.Length; k++)
            {
                measurements.Add(Measurement(config, c[k], rates[i][k], p99[i][k]));
            }
        }

        return ResultsRanker.Analyze("m", measurements, Budget, Objective.Default, defaultIsCandidate: true, top);
    }

    private static ProfiledConfig Config(string name, ConfigVariant variant, int[] preferred, int instances) =>
        new(name, variant, 8, preferred, instances, $"/out/{name}/config.pbtxt",
            BackendParameters: new Dictionary<string, string> { ["intra_op_thread_count"] = "2" });

    private static ProfileMeasurement Measurement(ProfiledConfig config, int concurrency, double throughput, double p99) =>
        new(config, concurrency, new LatencyStats(throughput, p99 * 0.6, p99 * 0.55, p99 * 0.8, p99 * 0.9, p99, 100, true),
            Server: new ServerLatency(1.5, 0.5, 5.5, 0.5));
}

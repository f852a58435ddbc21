using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;
using InferencePipeline.TritonProfiler.Configs;

namespace InferencePipeline.Stages.Tests.Profiler;

public sealed class ServingConfigGeneratorTests : IDisposable
{
    private readonly ArtifactStore _store = new(Path.Combine(Path.GetTempPath(), "profiler-gen-" + Guid.NewGuid().ToString("N")));

    [Fact]
    public async Task Generates_default_tuned_and_every_batch_size_times_instance_count()
    {
        var id = Guid.NewGuid();
        var request = await ProfileRequests.CreateAsync(
            _store, id, ProfileRequests.FastSpace([1], [4, 16], [1, 2, 3]), TestModels.Identity, TestModels.Add);

        var configs = (await new ServingConfigGenerator(_store).GenerateAsync(request, CancellationToken.None)).All;

        Assert.Equal(2 * 3 + 2, configs.Count);
        Assert.Equal(["add_config_default", "add_config_ort_tuned"], configs.Take(2).Select(c => c.Name));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"add_config_{i}"), configs.Skip(2).Select(c => c.Name));

        var defaults = configs[0];
        Assert.Equal(ConfigVariant.Default, defaults.Profile.Variant);
        Assert.Null(defaults.Config.DynamicBatching);
        Assert.Equal(File.ReadAllBytes(TestModels.Identity), File.ReadAllBytes(defaults.ModelPath));

        var tuned = configs[1];
        Assert.Equal(ConfigVariant.OrtTuned, tuned.Profile.Variant);
        Assert.Null(tuned.Config.DynamicBatching);
        Assert.Equal(1, Assert.Single(tuned.Config.InstanceGroup).Count);
        Assert.Equal("1", tuned.Config.Parameters[OrtConfigParameters.IntraOpThreadCount].StringValue);
        Assert.Equal(File.ReadAllBytes(TestModels.Add), File.ReadAllBytes(tuned.ModelPath));

        var expected = new[] { (4, 1), (4, 2), (4, 3), (16, 1), (16, 2), (16, 3) };
        foreach (var (config, (batch, instances)) in configs.Skip(2).Zip(expected))
        {
            Assert.Equal(ConfigVariant.TritonSearch, config.Profile.Variant);
            Assert.Equal([batch], config.Config.DynamicBatching.PreferredBatchSize);
            Assert.Equal(instances, Assert.Single(config.Config.InstanceGroup).Count);
            Assert.True(config.Config.MaxBatchSize >= batch, "max_batch_size must admit the preferred size");
            Assert.Equal([batch], config.Profile.PreferredBatchSizes);
            Assert.Equal(instances, config.Profile.InstanceCount);
            // The tuned ORT settings carry over to every search config.
            Assert.Equal("1", config.Config.Parameters[OrtConfigParameters.IntraOpThreadCount].StringValue);
            Assert.Equal(tuned.ModelPath, config.ModelPath);
        }
    }

    [Fact]
    public async Task Writes_each_config_as_a_servable_entry_of_the_output_repository()
    {
        var id = Guid.NewGuid();
        var request = await ProfileRequests.CreateAsync(
            _store, id, ProfileRequests.FastSpace([1], [4], [2]), TestModels.Identity, TestModels.Add);

        var configs = (await new ServingConfigGenerator(_store).GenerateAsync(request, CancellationToken.None)).All;

        foreach (var config in configs)
        {
            Assert.Equal(
                $"artifacts/{id:N}/profiler/output_model_repository/{config.Name}/config.pbtxt",
                config.Profile.ConfigUri);
            var path = _store.PathFor(config.Profile.ConfigUri);
            var written = ModelConfigFile.Read(path);
            Assert.Equal(config.Name, written.Name);
            Assert.Equal(config.Config, written);
            var model = Path.Combine(Path.GetDirectoryName(path)!, "1", "model.onnx");
            Assert.Equal(File.ReadAllBytes(config.ModelPath), File.ReadAllBytes(model));
        }
    }

    [Fact]
    public async Task Unknown_fields_and_comments_of_the_read_configs_are_written_into_every_generated_config()
    {
        var id = Guid.NewGuid();
        var request = await ProfileRequests.CreateAsync(
            _store, id, ProfileRequests.FastSpace([1], [4], [1, 2]), TestModels.Identity, TestModels.Add);
        await File.AppendAllTextAsync(_store.PathFor(request.DefaultConfigUri), "# for sequence models\nsequence_batching { max_sequence_idle_microseconds: 5 }\n");
        var tunedPath = _store.PathFor(request.TunedConfigUri);
        var tunedText = await File.ReadAllTextAsync(tunedPath);
        Assert.Contains("    count: 1\n", tunedText);
        Assert.Contains("max_batch_size: 8\n", tunedText);
        // One field at the top, one inside the (only) instance group, which every variant rebuilds from. Comments
        // on a field every variant keeps, on the instance count the search changes, on the unknown field, and in
        // a dynamic_batching that the variants replace (without a queue delay) or drop.
        await File.WriteAllTextAsync(tunedPath,
            tunedText
                .Replace("max_batch_size: 8\n", "max_batch_size: 8  # fits the GPU\n")
                .Replace("    count: 1\n", "    count: 1  # the search varies this\n    rate_limiter_v2 { priority: 2 }\n")
            + "# Triton only\nmodel_transaction_policy { decoupled: false }\n"
            + "dynamic_batching {  # batching on\n  max_queue_delay_microseconds: 100  # 0.1 ms\n}\n");

        var configs = (await new ServingConfigGenerator(_store).GenerateAsync(request, CancellationToken.None)).All;

        var written = configs.ToDictionary(c => c.Name, c => ModelConfigFile.ReadDocument(_store.PathFor(c.Profile.ConfigUri)));
        var defaults = written["add_config_default"];
        Assert.Equal(["sequence_batching"], defaults.UnknownFields.Select(f => f.FullName));
        Assert.Equal([("sequence_batching", ConfigCommentPlacement.Leading, "# for sequence models")], defaults.Comments.Select(c => (c.Path, c.Placement, c.Text)));
        foreach (var config in configs.Skip(1))
        {
            var document = written[config.Name];
            Assert.Equal(config.Config, document.Config);
            Assert.Equal(["instance_group[0].rate_limiter_v2", "model_transaction_policy"], document.UnknownFields.Select(f => f.FullName));
            // A comment stays while its field is written, whatever the value now; the queue delay's went with
            // the field, dynamic_batching's with the block where the variant has none.
            List<(string, ConfigCommentPlacement, string)> expected = [("max_batch_size", ConfigCommentPlacement.Trailing, "# fits the GPU")];
            if (config.Config.DynamicBatching is not null)
            {
                expected.Add(("dynamic_batching", ConfigCommentPlacement.Trailing, "# batching on"));
            }

            expected.Add(("instance_group[0].count", ConfigCommentPlacement.Trailing, "# the search varies this"));
            expected.Add(("model_transaction_policy", ConfigCommentPlacement.Leading, "# Triton only"));
            Assert.Equal(expected, document.Comments.Select(c => (c.Path, c.Placement, c.Text)));
        }

        // Both cases happened: a variant without dynamic batching, and a count the search changed.
        Assert.Contains(configs.Skip(1), c => c.Config.DynamicBatching is null);
        Assert.Contains(configs.Skip(1), c => c.Config.DynamicBatching is not null && c.Config.InstanceGroup[0].Count == 2);
    }

    [Fact]
    public async Task Without_preferred_sizes_profiles_instance_counts_without_dynamic_batching()
    {
        var request = await ProfileRequests.CreateAsync(
            _store, Guid.NewGuid(), ProfileRequests.FastSpace([1], [], [1, 2]), TestModels.Add, TestModels.Add);

        var configs = new ServingConfigGenerator(_store).Space(request).All;

        Assert.Equal(4, configs.Count);
        Assert.All(configs.Skip(2), c => Assert.Null(c.Config.DynamicBatching));
        Assert.Equal([1, 2], configs.Skip(2).Select(c => c.Profile.InstanceCount));
    }

    [Fact]
    public async Task A_model_without_batch_dimension_is_searched_without_dynamic_batching()
    {
        var request = await ProfileRequests.CreateAsync(
            _store, Guid.NewGuid(), ProfileRequests.FastSpace([1], [4, 8], [1, 2]), TestModels.Add, TestModels.Add,
            changeTuned: c => c.MaxBatchSize = 0);

        var space = new ServingConfigGenerator(_store).Space(request);

        Assert.True(space.Grid.BatchingDropped);
        Assert.Equal(["instance_group.count"], space.Grid.Axes.Select(a => a.Name));
        Assert.Equal(4, space.All.Count);
        Assert.All(space.All.Skip(2), c => Assert.Null(c.Config.DynamicBatching));
        Assert.All(space.All.Skip(2), c => Assert.Equal(0, c.Config.MaxBatchSize));
        Assert.Equal([1, 2], space.All.Skip(2).Select(c => c.Profile.InstanceCount));
    }

    public void Dispose() => Directory.Delete(_store.Root, recursive: true);
}

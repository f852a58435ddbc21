using System.Security.Cryptography;
using System.Text;
using InferencePipeline.Artifacts;
using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Checkpoints;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InferencePipeline.Cli.Profiling;

/// <summary>
/// <c>inferpipe profile -f FILE --remote amqp://...</c>: the same profile sent to the running services instead of run
/// here. Each model is placed in the services' artifact store and a ProfileModel command goes to the profiler's queue
/// over RabbitMQ; its ProfileMeasured events are shown as they come. When the profiler is done, its measurements go into
/// this machine's checkpoint and its configs into output_model_repository_path, so <c>analyze -f</c> works as after a
/// local profile. The pipeline id is derived from the model and the run's fingerprint, so sending the same profile
/// again resumes from the services' own checkpoints.
/// </summary>
public sealed class RemoteProfileRun(IAnsiConsole console)
{
    public async Task<int> RunAsync(
        string file, string rabbitMq, string artifactsRoot, string? checkpointDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        ModelAnalyzerConfig config;
        IReadOnlyList<ModelProfileJob> jobs;
        var requests = new List<(ModelProfileJob Job, ProfileModel Command, RepositoryModel Model)>();
        CheckpointFile checkpoint;
        OutputModelRepository output;
        var store = new ArtifactStore(Path.GetFullPath(artifactsRoot));
        try
        {
            config = ModelAnalyzerYaml.Load(file, Directory.GetCurrentDirectory(), warnings);
            if (checkpointDirectory is not null)
            {
                config = config with { CheckpointDirectory = Path.GetFullPath(checkpointDirectory) };
            }

            var outputPath = config.OutputModelRepositoryPath
                ?? throw new ModelAnalyzerConfigException(config.Source, "output_model_repository_path", 0, "profile needs output_model_repository_path.");
            // The services' server decides what an instance kind means there.
            jobs = ProfileJobFactory.Build(config, n => Path.Combine(outputPath, n, ModelConfigFile.FileName), new GpuFallback(true, warnings.Add), warnings);
            var fingerprints = new Dictionary<string, string>();
            foreach (var job in jobs)
            {
                var model = RepositoryModel.Find(config.ModelRepository!, job.ModelName, config.Source);
                var settings = ProfileRun.Settings(config, job, TimeSpan.Zero);
                var fingerprint = RunFingerprint.Of(model.ModelPath, settings, config) + "|services";
                fingerprints[job.ModelName] = fingerprint;
                var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{job.ModelName}|{fingerprint}|{file}"))[..16]);
                var entry = ArtifactStore.UriFor(id, "converter", "model_repository", job.ModelName, ModelConfigFile.FileName);
                requests.Add((job, new ProfileModel(id, job.ModelName, entry, entry, RemoteSearchSpace.Inputs(model.Document.Config, settings.Shapes),
                    RemoteSearchSpace.From(job, settings), RemoteSearchSpace.Constraints(job)), model));
            }

            checkpoint = CheckpointFile.OpenForProfile(config.CheckpointDirectory, fingerprints);
            output = OutputModelRepository.Prepare(config, resuming: checkpoint.Records.Count > 0);
        }
        catch (Exception e) when (e is ModelAnalyzerConfigException or ProfileSetupException or CheckpointException)
        {
            Warn(warnings);
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 2;
        }

        Warn(warnings);
        PipelineHost host;
        try
        {
            host = await PipelineHost.RemoteAsync(rabbitMq, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            console.MarkupLine($"[red]Cannot reach RabbitMQ at {Markup.Escape(rabbitMq)}:[/] {Markup.Escape(e.Message)}");
            return 2;
        }

        await using (host)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            foreach (var (job, command, model) in requests)
            {
                await PlaceAsync(store, command, model, cancellationToken);
                var endpoint = await host.Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(QueueNames.For<ProfileModel>());
                await endpoint.Send(command, cancellationToken);
                console.MarkupLine($"Sent ProfileModel [bold]{command.PipelineId:N}[/] for {Markup.Escape(job.ModelName)} " +
                                   $"({command.SearchSpace.EffectiveMode} search of {command.SearchSpace.ConfigCount} configs) to {Markup.Escape(rabbitMq)}");
                try
                {
                    var profiled = await FollowAsync(host.Events, command.PipelineId, deadline.Token);
                    if (profiled is null)
                    {
                        return 1;
                    }

                    await ImportAsync(store, profiled, model, job, checkpoint, output, cancellationToken);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    console.MarkupLine($"[red]No answer from the profiler service within {timeout}.[/] Is it running on {Markup.Escape(rabbitMq)}? " +
                                       "Sending the same profile again resumes from its checkpoints.");
                    return 1;
                }
            }
        }

        console.MarkupLine($"Profiled {requests.Count} model(s) on the services; measurements are in {Markup.Escape(checkpoint.Path)}, configs in {Markup.Escape(output.Path)}.");
        return 0;
    }

    /// <summary>The model's entry as the converter would leave it in the services' artifact store.</summary>
    private static async Task PlaceAsync(ArtifactStore store, ProfileModel command, RepositoryModel model, CancellationToken ct)
    {
        var configPath = store.PathFor(command.DefaultConfigUri);
        await ModelConfigFile.WriteAsync(configPath, model.Document, ct);
        var modelPath = Path.Combine(Path.GetDirectoryName(configPath)!, "1", ModelRepositoryLayout.ModelFileName);
        if (!File.Exists(modelPath))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
            File.Copy(model.ModelPath, modelPath);
        }
    }

    private async Task<ModelProfiled?> FollowAsync(PipelineEvents events, Guid id, CancellationToken ct)
    {
        await foreach (var message in events.Reader.ReadAllAsync(ct))
        {
            switch (message)
            {
                case ProfileMeasured m when m.PipelineId == id:
                    var s = m.Measurement.Stats;
                    console.MarkupLine($"[[{m.Index + 1}/{m.Total} at most]] {Markup.Escape(m.Measurement.Config.Name)} at concurrency {m.Measurement.Concurrency}: " +
                                       $"{s.ThroughputPerSec:0.#} infer/s, p99 {s.P99Ms:0.###} ms");
                    break;
                case StageFailed f when f.PipelineId == id:
                    console.MarkupLine($"[red]The profiler failed:[/] {Markup.Escape(f.Reason)}");
                    return null;
                case ModelProfiled p when p.PipelineId == id:
                    return p;
            }
        }

        return null;
    }

    /// <summary>The services' measurements into this machine's checkpoint, their configs into the output model repository.</summary>
    private static async Task ImportAsync(
        ArtifactStore store, ModelProfiled profiled, RepositoryModel model, ModelProfileJob job, CheckpointFile checkpoint, OutputModelRepository output, CancellationToken ct)
    {
        var results = ProfileResults.FromJson(await store.ReadTextAsync(profiled.ResultsUri, ct));
        var index = checkpoint.Records.Count;
        foreach (var group in results.Measurements.GroupBy(m => m.Config.Name))
        {
            var document = ModelConfigFile.ReadDocument(store.PathFor(group.First().Config.ConfigUri));
            var local = output.ConfigDirectory(group.Key);
            var config = new PlannedServingConfig(group.Key, group.First().Config.Variant, document, model.ModelPath,
                Path.Combine(local, ModelConfigFile.FileName), model.ModelDigest);
            await output.WriteAsync(config, ct);
            foreach (var m in group)
            {
                var point = new LoadPoint(m.BatchSize, m.Concurrency, m.RequestRate);
                if (await checkpoint.FindAsync(job.ModelName, config, point, ct) is null)
                {
                    await checkpoint.SaveAsync(job.ModelName, config, point, m with { Config = m.Config with { ConfigUri = config.ConfigUri } }, index++, ct);
                }
            }
        }
    }

    private void Warn(List<string> warnings)
    {
        foreach (var warning in warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }

        warnings.Clear();
    }
}

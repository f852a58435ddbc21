using System.Text.Json;
using System.Text.Json.Serialization;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Profiling;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Checkpoints;

/// <summary>
/// The CLI's checkpoint, as Model Analyzer keeps one: a JSON file in <c>checkpoint_directory</c> rewritten after
/// every measurement (to a temporary file, then renamed over the old one, so a kill at any moment leaves the old or
/// the new file, never half of one). A profile run again finds its points here and measures only what is missing;
/// <c>analyze</c> reads the measurements from it. Each model's measurements carry the fingerprint of the run that made
/// them (model file, load generator settings, server): a file whose fingerprint for a model differs is from another
/// run and is refused rather than mixed in.
/// </summary>
public sealed class CheckpointFile : IMeasurementCheckpoints
{
    public const string FileName = "inferpipe-profile.ckpt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Dictionary<string, string> _models;
    private readonly List<CheckpointRecord> _records;
    private readonly Dictionary<(string Model, string Identity, int Batch, int Concurrency, double? Rate), CheckpointRecord> _index = [];

    private CheckpointFile(string path, Dictionary<string, string> models, List<CheckpointRecord> records)
    {
        Path = path;
        _models = models;
        _records = records;
        foreach (var r in records)
        {
            _index[(r.Model, r.Identity, r.BatchSize, r.Concurrency, r.RequestRate)] = r;
        }
    }

    public string Path { get; }

    public IReadOnlyList<CheckpointRecord> Records => _records;

    public IReadOnlyDictionary<string, string> Models => _models;

    public static string PathIn(string directory) => System.IO.Path.Combine(directory, FileName);

    /// <summary>Opens the checkpoint in <paramref name="directory"/> for a profile, or starts an empty one (written on the first save).</summary>
    /// <param name="fingerprints">This run's fingerprint of each model it profiles.</param>
    /// <exception cref="CheckpointException">The file is corrupt or holds measurements of a model from another run.</exception>
    public static CheckpointFile OpenForProfile(string directory, IReadOnlyDictionary<string, string> fingerprints)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            return new CheckpointFile(path, new Dictionary<string, string>(fingerprints), []);
        }

        var document = Read(path);
        foreach (var (model, fingerprint) in fingerprints)
        {
            if (document.Models.TryGetValue(model, out var stored) && stored != fingerprint)
            {
                throw new CheckpointException(path,
                    $"it holds measurements of model '{model}' from another run (the model file, the measurement settings or the server differ). " +
                    "Delete the file to measure again from scratch, or set checkpoint_directory to another folder.");
            }
        }

        var models = new Dictionary<string, string>(document.Models);
        foreach (var (model, fingerprint) in fingerprints)
        {
            models[model] = fingerprint;
        }

        return new CheckpointFile(path, models, document.Measurements.ToList());
    }

    /// <summary>Reads a checkpoint for analysis.</summary>
    /// <exception cref="CheckpointException">The file is missing, corrupt or of another format.</exception>
    public static CheckpointDocument Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException(path, "there is no checkpoint here; run 'inferpipe profile -f FILE' with the same checkpoint_directory first.");
        }

        CheckpointDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CheckpointDocument>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"the file is corrupt ({e.Message}). Delete it to profile again from scratch.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"the file cannot be read ({e.Message}).", e);
        }

        if (document is null || document.Format != CheckpointDocument.CurrentFormat || document.Models is null || document.Measurements is null
            || document.Measurements.Any(m => m?.Measurement?.Config is null || m.Model is null || m.Identity is null))
        {
            throw new CheckpointException(path,
                $"the file is not an inferpipe profile checkpoint (format '{document?.Format}', expected '{CheckpointDocument.CurrentFormat}'). Delete it or set checkpoint_directory to another folder.");
        }

        return document;
    }

    public Task<CheckpointHit?> FindAsync(string model, PlannedServingConfig config, LoadPoint point, CancellationToken cancellationToken) =>
        Task.FromResult(_index.TryGetValue(Key(model, config, point), out var record) ? new CheckpointHit(record.Measurement, Announced: true) : null);

    public async Task SaveAsync(string model, PlannedServingConfig config, LoadPoint point, ProfileMeasurement measurement, int index, CancellationToken cancellationToken)
    {
        var record = new CheckpointRecord(model, config.Identity, point.BatchSize, point.Concurrency, point.RequestRate, measurement, index);
        _records.Add(record);
        _index[Key(model, config, point)] = record;
        var json = JsonSerializer.Serialize(new CheckpointDocument(CheckpointDocument.CurrentFormat, _models, _records), Json);
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, json, CancellationToken.None);
            File.Move(temp, Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static (string, string, int, int, double?) Key(string model, PlannedServingConfig config, LoadPoint point) =>
        (model, config.Identity, point.BatchSize, point.Concurrency, point.RequestRate);
}

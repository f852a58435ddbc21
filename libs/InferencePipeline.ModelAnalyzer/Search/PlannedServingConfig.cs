using System.Security.Cryptography;
using System.Text;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// One serving config a profile may measure: its name (<c>&lt;model&gt;_config_3</c>), which line of the report it is,
/// the config itself (with the unknown fields of the file it came from), the model file it serves, where it is
/// written, and its <see cref="Identity"/>: a digest of the config's content and of the model it serves, so two
/// configs that say the same thing about the same model are one config, and a checkpoint knows what it measured
/// whatever the config was called.
/// </summary>
/// <param name="ModelIdentity">What identifies the model file (a digest of its bytes); null takes its full path.</param>
public sealed record PlannedServingConfig(
    string Name, ConfigVariant Variant, ModelConfigDocument Document, string ModelPath, string ConfigUri, string? ModelIdentity = null)
{
    public ModelConfig Config => Document.Config;

    public string Identity { get; } = IdentityOf(Document.Config, ModelIdentity ?? Path.GetFullPath(ModelPath));

    /// <summary>Instances in all groups (Triton's default when there is no group is one).</summary>
    public int InstanceCount => Config.InstanceGroup.Count == 0 ? 1 : Config.InstanceGroup.Sum(g => Math.Max(1, g.Count));

    /// <summary>"CPU", "GPU" or both ("GPU+CPU"), as the instances are configured (after any GPU-to-CPU fallback).</summary>
    public string InstanceKind
    {
        get
        {
            var kinds = Config.InstanceGroup.Select(g => g.Kind == ModelInstanceGroup.Types.Kind.Gpu ? "GPU" : "CPU").Distinct().ToList();
            return kinds.Count == 0 ? "CPU" : string.Join("+", kinds);
        }
    }

    /// <summary>The batch one execution may form: max_batch_size, or 1 for a model that does not batch.</summary>
    public int ModelBatch => Math.Max(1, Config.MaxBatchSize);

    /// <summary>This config as reports and messages describe it (<see cref="ToProfiled"/>).</summary>
    public ProfiledConfig Profile => ToProfiled();

    /// <summary>This config as reports and messages describe it.</summary>
    public ProfiledConfig ToProfiled()
    {
        var parameters = Config.Parameters.Count == 0
            ? null
            : Config.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.StringValue);
        return new ProfiledConfig(
            Name, Variant, Config.MaxBatchSize, Config.DynamicBatching?.PreferredBatchSize.ToList() ?? [], InstanceCount, ConfigUri,
            InstanceKind, parameters, Config.DynamicBatching is not null);
    }

    /// <summary>A short description: "max_batch_size 8, dynamic batching [4], 2×CPU, intra_op_thread_count=1".</summary>
    public string Describe()
    {
        var parts = new List<string> { $"max_batch_size {Config.MaxBatchSize}" };
        if (Config.DynamicBatching is { } batching)
        {
            var delay = batching.MaxQueueDelayMicroseconds > 0 ? $", max queue delay {batching.MaxQueueDelayMicroseconds} µs" : "";
            parts.Add(batching.PreferredBatchSize.Count > 0
                ? $"dynamic batching [{string.Join(", ", batching.PreferredBatchSize)}]{delay}"
                : $"dynamic batching{delay}");
        }
        else
        {
            parts.Add("no dynamic batching");
        }

        parts.Add(Config.InstanceGroup.Count == 0
            ? "1×CPU"
            : string.Join(" + ", Config.InstanceGroup.Select(g => $"{Math.Max(1, g.Count)}×{(g.Kind == ModelInstanceGroup.Types.Kind.Gpu ? "GPU" : "CPU")}")));
        parts.AddRange(Config.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.StringValue}"));
        return string.Join(", ", parts);
    }

    /// <summary>The digest of a config's content (its name left out) with the identity of the model it serves.</summary>
    public static string IdentityOf(ModelConfig config, string modelIdentity)
    {
        var anonymous = config.Clone();
        anonymous.Name = "";
        var json = KServeModelControl.OverrideJson(anonymous) + "|" + modelIdentity;
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 12).ToLowerInvariant();
    }

    /// <summary>A digest of a model file's bytes, for <see cref="ModelIdentity"/>.</summary>
    public static string DigestOf(string modelPath)
    {
        using var stream = File.OpenRead(modelPath);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}

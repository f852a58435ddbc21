namespace InferencePipeline.Testing.Models;

/// <summary>
/// The seed's Model Analyzer workflow in a temp folder: a model repository holding <c>bert_default</c> and
/// <c>bertsquad</c> (the Add model by default, or the demo BERT), and the seed's two YAML files with only their
/// absolute paths (/models/...) changed to real folders here. Deleted on dispose.
/// </summary>
public sealed class SeedWorkspace : IDisposable
{
    public const string SeedModelRepository = "/models/model_repository";
    public const string SeedOutputRepository = "/models/output_model_repository/output_bert_olive1";

    private SeedWorkspace(string root)
    {
        Root = root;
        Repository = new TestModelRepository(Path.Combine(root, "model_repository"));
    }

    public string Root { get; }

    public TestModelRepository Repository { get; }

    public string OutputRepository => Path.Combine(Root, "output_model_repository", "output_bert_olive1");

    public string ProfileFile => Path.Combine(Root, "model-analyzer-profile.yml");

    public string AnalyzeFile => Path.Combine(Root, "model-analyzer-analyze.yml");

    public string CheckpointDirectory => Path.Combine(Root, "checkpoints");

    public string ExportPath => Path.Combine(Root, "results-export");

    /// <summary>The seed file as shipped (from this assembly's Seed folder).</summary>
    public static string SeedText(string fileName) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seed", fileName));

    /// <summary>A workspace whose two models are <paramref name="bert"/> ? the demo BERT : the Add model (max_batch_size 16).</summary>
    public static async Task<SeedWorkspace> CreateAsync(bool bert = false)
    {
        var workspace = new SeedWorkspace(Directory.CreateTempSubdirectory("inferpipe-seed-").FullName);
        foreach (var name in new[] { "bert_default", "bertsquad" })
        {
            if (bert)
            {
                await workspace.Repository.AddBertAsync(name, maxBatchSize: 16);
            }
            else
            {
                await workspace.Repository.AddAddAsync(name, maxBatchSize: 16);
            }
        }

        await workspace.WriteAsync(workspace.ProfileFile, SeedText("model-analyzer-profile.yml"));
        await workspace.WriteAsync(workspace.AnalyzeFile, SeedText("model-analyzer-analyze.yml"));
        return workspace;
    }

    /// <summary>Writes <paramref name="yaml"/> to <paramref name="path"/> with the seed's absolute paths pointed here.</summary>
    public Task WriteAsync(string path, string yaml) =>
        File.WriteAllTextAsync(path, yaml.Replace(SeedOutputRepository, OutputRepository).Replace(SeedModelRepository, Repository.Root));

    public void Dispose()
    {
        Repository.Dispose();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

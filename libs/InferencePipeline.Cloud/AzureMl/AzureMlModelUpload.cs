using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using InferencePipeline.Cloud.Arm;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// Registers the bundle's Triton repository as a model version, as <c>az ml online-deployment create</c> does with
/// a local model path: the files go to the workspace's default datastore (its storage account's blob container,
/// with an Entra ID token for storage), then a <c>triton_model</c> version points at them. The version is the
/// content's hash, so deploying the same repository twice reuses one version and a changed one gets a new one
/// (model versions are immutable).
/// </summary>
public static class AzureMlModelUpload
{
    public static async Task<string> RegisterAsync(
        ArmRestClient arm, AzureMlWorkspace workspace, string repository, string modelName, Func<string, Task> progress, CancellationToken ct)
    {
        var files = Directory.EnumerateFiles(repository, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Relative: Path.GetRelativePath(repository, path).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        var version = await ContentVersionAsync(files, ct);
        var versionPath = AzureMlArmApi.ModelVersion(workspace, modelName, version);
        if (await arm.GetAsync(versionPath, AzureMlArmApi.ApiVersion, ct) is not null)
        {
            await progress($"Model {modelName}:{version} is already registered (same files); not uploading again");
            return versionPath;
        }

        var datastore = await arm.GetAsync(AzureMlArmApi.Datastore(workspace), AzureMlArmApi.ApiVersion, ct)
                        ?? throw new ArmRequestException($"Workspace {workspace.Workspace} has no '{AzureMlArmApi.DefaultDatastore}' datastore to upload the model to; is it an Azure ML workspace?");
        var properties = datastore["properties"];
        var account = properties?["accountName"]?.GetValue<string>();
        var container = properties?["containerName"]?.GetValue<string>();
        var suffix = properties?["endpoint"]?.GetValue<string>() ?? "core.windows.net";
        var protocol = properties?["protocol"]?.GetValue<string>() ?? "https";
        if (string.IsNullOrEmpty(account) || string.IsNullOrEmpty(container))
        {
            throw new ArmRequestException($"Datastore '{AzureMlArmApi.DefaultDatastore}' names no storage account or container: {datastore.ToJsonString()}");
        }

        var prefix = $"inferpipe/{modelName}/{version}/{AzureMlBundle.RepositoryFolder}";
        var containerUri = new Uri($"{protocol}://{account}.blob.{suffix}/{container}/");
        foreach (var (path, relative) in files)
        {
            var blob = new Uri(containerUri, $"{prefix}/{relative}");
            using var response = await arm.SendDataAsync(() => PutBlob(blob, path), arm.Options.StorageScope, ct);
        }

        await progress($"Uploaded {files.Count} files of the Triton repository to {AzureMlArmApi.DefaultDatastore}/{prefix}");
        var body = AzureMlArmApi.ModelVersionBody(AzureMlArmApi.DatastoreUri(workspace, prefix), $"Triton repository of '{modelName}', uploaded by inferpipe");
        await arm.PutAndWaitAsync(versionPath, AzureMlArmApi.ApiVersion, body, $"Model {modelName}:{version}", progress, ct);
        await progress($"Registered model {modelName}:{version} (triton_model)");
        return versionPath;
    }

    private static HttpRequestMessage PutBlob(Uri blob, string path)
    {
        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Put, blob) { Content = content };
        request.Headers.Add("x-ms-version", AzureMlArmApi.StorageApiVersion);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        return request;
    }

    /// <summary>The first 12 hex digits of a SHA-256 over every file's relative path and bytes.</summary>
    private static async Task<string> ContentVersionAsync(IReadOnlyList<(string Path, string Relative)> files, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var (path, relative) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n"));
            await using var stream = File.OpenRead(path);
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}

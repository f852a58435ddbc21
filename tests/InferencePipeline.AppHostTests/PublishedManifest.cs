using System.Diagnostics;
using System.Text.Json.Nodes;

namespace InferencePipeline.AppHostTests;

/// <summary>
/// The AppHost run as a user publishes it (<c>--publisher manifest --output-path F</c>), in a child process, and the
/// manifest it writes. The manifest goes to a temp directory, and the AppHost's artifacts root is pointed at another,
/// so a host path leaking into the manifest shows as either.
/// </summary>
public sealed class PublishedManifest : IDisposable
{
    private PublishedManifest(string directory, string artifactsRoot, JsonObject resources)
    {
        Directory = directory;
        ArtifactsRoot = artifactsRoot;
        Resources = resources;
    }

    public string Directory { get; }

    public string ArtifactsRoot { get; }

    public string Path => System.IO.Path.Combine(Directory, "manifest.json");

    public JsonObject Resources { get; }

    /// <summary>An allowed root given to the AppHost: a path in the cloud's containers (a mounted volume), not on this machine.</summary>
    public const string ModelsRoot = "/mnt/models";

    public static async Task<PublishedManifest> WriteAsync(string inferenceServer)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("inferpipe-manifest-").FullName;
        var artifactsRoot = System.IO.Directory.CreateTempSubdirectory("inferpipe-manifest-artifacts-").FullName;
        var manifest = System.IO.Path.Combine(directory, "manifest.json");
        var appHost = System.IO.Path.Combine(AppContext.BaseDirectory, "InferencePipeline.AppHost.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                appHost, "--publisher", "manifest", "--output-path", manifest,
                $"--InferenceServer:Kind={inferenceServer}", $"--Pipeline:Artifacts:Root={artifactsRoot}",
                "--Pipeline:OrtTuner:WindowMs=100", $"--Pipeline:Models:AllowedRoots:0={ModelsRoot}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0 && File.Exists(manifest), $"the AppHost wrote no manifest (exit {process.ExitCode}):\n{await output}\n{await error}");
        var resources = JsonNode.Parse(await File.ReadAllTextAsync(manifest))!["resources"]!.AsObject();
        return new PublishedManifest(directory, artifactsRoot, resources);
    }

    public JsonObject this[string resource] => Resources[resource]!.AsObject();

    /// <summary>Every string in the manifest but the projects' own relative paths, with where it is.</summary>
    public IEnumerable<(string Where, string Value)> Strings()
    {
        var pending = new Stack<(string, JsonNode?)>();
        pending.Push(("", Resources));
        while (pending.Count > 0)
        {
            var (where, node) = pending.Pop();
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        if (key != "path")
                        {
                            pending.Push(($"{where}.{key}", child));
                        }
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        pending.Push(($"{where}[{i}]", array[i]));
                    }

                    break;
                case JsonValue value when value.TryGetValue<string>(out var text):
                    yield return (where, text);
                    break;
            }
        }
    }

    public void Dispose()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        System.IO.Directory.Delete(ArtifactsRoot, recursive: true);
    }
}

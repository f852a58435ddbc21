using System.Diagnostics;
using InferencePipeline.Testing.Fuzzing;
using InferencePipeline.Testing.Models;
using Xunit.Abstractions;

namespace InferencePipeline.Onnx.Tests.Fuzzing;

/// <summary>
/// ONNX files fuzzed: truncated, bit-flipped, overwritten, cut and spliced copies of real models (plain, with a Loop
/// subgraph, with strings, in fp16, a BERT), and well-formed copies that say impossible things
/// (<see cref="OnnxStructureMutator"/>), go through what the stages and the server do with a model file: inspection,
/// then the server's session factory. Each must load or be refused with <see cref="InvalidModelException"/>, never
/// another exception, never a hang. The loading runs in a child process (<see cref="ModelLoadChild"/>), because ONNX
/// Runtime's native code may crash the process on a corrupt model: a crash is caught there, named by its case, and
/// the rest of the cases go on in a new child.
/// </summary>
public sealed class OnnxFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int CasesPerSmallModel = 1000;
    private const int BertCases = 40;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("inferpipe-onnx-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Corrupt_model_files_load_or_are_refused_as_invalid_models_without_crashing_or_hanging()
    {
        var clock = Stopwatch.StartNew();
        var cases = MakeCases();
        var generated = clock.Elapsed;

        var (results, crashes) = await RunInChildrenAsync(cases);

        var unexpected = results.Select((line, i) => (line, i)).Where(r => r.line is null || r.line.StartsWith("unexpected", StringComparison.Ordinal))
            .Where(r => !crashes.ContainsKey(r.i)).Select(r => $"{cases[r.i].Name}: {r.line ?? "no answer"}").ToList();
        var loaded = results.Count(r => r?.StartsWith("ok", StringComparison.Ordinal) == true);
        output.WriteLine($"{cases.Count} corrupt model files made in {generated.TotalSeconds:0.0} s, loaded in {(clock.Elapsed - generated).TotalSeconds:0.0} s: {loaded} loaded, " +
            $"{results.Count(r => r?.StartsWith("refused", StringComparison.Ordinal) == true)} refused as invalid, {crashes.Count} crashed the child");
        // A model that reads its weights from a file outside its own directory must not load: that would let a model
        // read any file the service can.
        var outside = results.Select((line, i) => (line, i))
            .Where(r => r.line?.StartsWith("ok", StringComparison.Ordinal) == true && cases[r.i].Name.Contains(OnnxStructureMutator.OutsideExternalData, StringComparison.Ordinal))
            .Select(r => cases[r.i].Name).ToList();
        Assert.True(outside.Count == 0, $"models reading weights from outside their directory loaded: {string.Join(", ", outside.Take(10))}");
        foreach (var (index, exit) in crashes)
        {
            output.WriteLine($"  crash: {cases[index].Name} ended the child with {exit}");
        }
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} files ended in another error:\n{string.Join("\n", unexpected.Take(10))}");
        Assert.True(crashes.Count == 0, $"ONNX Runtime crashed the process on {crashes.Count} files:\n" +
            string.Join("\n", crashes.Take(10).Select(c => $"{cases[c.Key].Name}: {c.Value}")));
        Assert.True(loaded > 0, "no mutation left a loadable model: the cases are too damaged to test anything past the header");
    }

    /// <summary>
    /// The harness itself: a child that dies while loading a case (here made to, see
    /// <see cref="ModelLoadChild.CrashOnFp16Argument"/>) is reported with that case, and the cases after it run in a new child.
    /// </summary>
    [Fact]
    public async Task A_case_that_crashes_the_loader_is_named_and_the_next_cases_still_run()
    {
        (string Name, byte[] Bytes)[] cases =
        [
            ("add", File.ReadAllBytes(TestModels.Add)),
            ("fp16", File.ReadAllBytes(TestModels.AddHalf)),
            ("identity", File.ReadAllBytes(TestModels.Identity)),
        ];

        var (results, crashes) = await RunInChildrenAsync(cases, ModelLoadChild.CrashOnFp16Argument);

        output.WriteLine($"the child loading the fp16 model ended with: {crashes.GetValueOrDefault(1)}");
        Assert.Equal([1], crashes.Keys);
        Assert.StartsWith("ok ", results[0]);
        Assert.Null(results[1]);
        Assert.StartsWith("ok ", results[2]);
    }

    /// <summary>The mutated models, each named after its seed model, its case number and what was done to it.</summary>
    private List<(string Name, byte[] Bytes)> MakeCases()
    {
        var slow = Path.Combine(_directory, "seed_loop.onnx");
        DemoModels.WriteSlowAdd(slow, 3);
        var seeds = new (string Name, byte[] Bytes, int Count)[]
        {
            ("add", File.ReadAllBytes(TestModels.Add), CasesPerSmallModel),
            ("identity", File.ReadAllBytes(TestModels.Identity), CasesPerSmallModel),
            ("loop", File.ReadAllBytes(slow), CasesPerSmallModel),
            ("fp16", File.ReadAllBytes(TestModels.AddHalf), CasesPerSmallModel),
            ("strings", Strings(), CasesPerSmallModel),
            ("bert", File.ReadAllBytes(TestModels.Bert), BertCases),
        };
        var cases = new List<(string Name, byte[] Bytes)>();
        var caseNumber = 0;
        foreach (var (name, bytes, count) in seeds)
        {
            for (var i = 0; i < count; i++, caseNumber++)
            {
                var random = new Random(50_000 + caseNumber);
                // Half the cases damage bytes (mostly stopped by the parser), half damage what a well-formed file says.
                var (mutated, how) = i % 2 == 0 ? Mutate(bytes, random) : OnnxStructureMutator.Mutate(bytes, random);
                cases.Add(($"{name}_{caseNumber}_{how}", mutated));
            }
        }
        return cases;
    }

    private byte[] Strings()
    {
        var path = Path.Combine(_directory, "seed_strings.onnx");
        DemoModels.WriteStringIdentity(path);
        return File.ReadAllBytes(path);
    }

    /// <summary>One of: truncated, bits flipped, a run overwritten, a run cut, a run repeated, zeros written; mostly in
    /// the first KiB, where the graph's structure is, rather than in weights.</summary>
    private static (byte[] Bytes, string How) Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        int Position() => random.Next(4) == 0 ? random.Next(bytes.Length) : random.Next(Math.Min(bytes.Length, 1024));
        switch (random.Next(6))
        {
            case 0:
                return (bytes[..Position()], "truncated");
            case 1:
                var flips = random.Next(1, 9);
                for (var f = 0; f < flips; f++)
                {
                    bytes[Position()] ^= (byte)(1 << random.Next(8));
                }
                return (bytes, "bitflip");
            case 2:
                var start = Position();
                for (var i = start; i < Math.Min(bytes.Length, start + random.Next(1, 16)); i++)
                {
                    bytes[i] = (byte)random.Next(256);
                }
                return (bytes, "overwritten");
            case 3:
                var cut = Position();
                return ([.. bytes[..cut], .. bytes[Math.Min(bytes.Length, cut + random.Next(1, 64))..]], "cut");
            case 4:
                var from = Position();
                var piece = bytes[from..Math.Min(bytes.Length, from + random.Next(1, 128))];
                var at = Position();
                return ([.. bytes[..at], .. piece, .. bytes[at..]], "spliced");
            default:
                var zero = Position();
                Array.Clear(bytes, zero, Math.Min(bytes.Length - zero, random.Next(1, 32)));
                return (bytes, "zeroed");
        }
    }

    /// <summary>
    /// Loads every file in child processes, one after another, a new child after each crash or hang. Returns each file's
    /// answer line (null for the one a child died on) and the crashes by file index with how the child ended.
    /// </summary>
    private static async Task<(string?[] Results, Dictionary<int, string> Crashes)> RunInChildrenAsync(IReadOnlyList<(string Name, byte[] Bytes)> cases,
        string mode = ModelLoadChild.Argument)
    {
        var results = new string?[cases.Count];
        var crashes = new Dictionary<int, string>();
        var next = 0;
        while (next < cases.Count)
        {
            var (current, ending) = await RunChildAsync(cases, next, results, mode);
            if (ending is null)
            {
                break;
            }
            crashes[current] = ending;
            next = current + 1;
        }
        return (results, crashes);
    }

    /// <summary>One child from <paramref name="first"/>: (the case it was on, how it ended) when it died or hung, (-1, null) when it finished.</summary>
    private static async Task<(int Current, string? Ending)> RunChildAsync(IReadOnlyList<(string Name, byte[] Bytes)> cases, int first, string?[] results,
        string mode)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ModelLoadChild).Assembly.Location);
        start.ArgumentList.Add(mode);
        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        var feeding = Task.Run(async () =>
        {
            try
            {
                for (var i = first; i < cases.Count; i++)
                {
                    await child.StandardInput.WriteLineAsync($"{cases[i].Name}\t{Convert.ToBase64String(cases[i].Bytes)}");
                }
                child.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child died; the reader below says on which file.
            }
        });

        var current = first - 1;
        var finished = true;
        while (true)
        {
            var read = child.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(read, Task.Delay(CaseTimeout)) != read)
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
                return (current, $"no answer within {CaseTimeout.TotalSeconds:0} s (killed)");
            }
            var line = await read;
            if (line is null)
            {
                break;
            }
            var parts = line.Split(' ', 3);
            var index = first + int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            if (parts[0] == "start")
            {
                current = index;
                finished = false;
                continue;
            }
            results[index] = line;
            finished = true;
        }
        await child.WaitForExitAsync();
        await feeding;
        var stderr = await errors;
        return finished && child.ExitCode == 0
            ? (-1, null)
            : (current, $"exit code {child.ExitCode}{(stderr.Length > 0 ? $", stderr: {stderr.ReplaceLineEndings(" ")[..Math.Min(stderr.Length, 300)]}" : "")}");
    }
}

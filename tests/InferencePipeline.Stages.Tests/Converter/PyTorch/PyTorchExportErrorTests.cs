using System.Diagnostics;
using System.IO.Compression;
using InferencePipeline.Contracts;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.Testing.Models;
using Xunit.Abstractions;

namespace InferencePipeline.Stages.Tests.Converter.PyTorch;

/// <summary>
/// Each way an export goes wrong ends in a <see cref="PyTorchExportException"/> whose one-line summary names the
/// problem and the fix, and leaves nothing behind in the output folder.
/// </summary>
[Collection(PyTorchCollection.Name)]
public sealed class PyTorchExportErrorTests(PyTorchTestModels models, ITestOutputHelper output)
{
    private static readonly TensorSpec[] MlpInput = [new("x", "FP32", [-1, 16])];

    [Fact]
    public async Task A_truncated_torchscript_file_is_refused_as_corrupt_before_python_runs()
    {
        var truncated = Copy(models.Mlp, "truncated.pt", bytes => bytes[..(bytes.Length / 2)]);

        var e = await Fails(new PyTorchExportRequest(truncated, models.NewOnnxPath(), MlpInput), NoPython());

        Assert.Equal(PyTorchExportError.CorruptFile, e.Error);
        Assert.Contains("truncated.pt", e.Summary);
        Assert.Contains("corrupt or truncated", e.Summary);
    }

    [Fact]
    public async Task A_file_that_is_no_pytorch_format_is_refused_naming_its_first_bytes()
    {
        var text = Copy(models.Mlp, "notes.pt", _ => "just some text"u8.ToArray());

        var e = await Fails(new PyTorchExportRequest(text, models.NewOnnxPath(), MlpInput), NoPython());

        Assert.Equal(PyTorchExportError.CorruptFile, e.Error);
        Assert.Contains("neither a TorchScript archive nor a torch.save file", e.Summary);
        Assert.Contains("6A75737420736F6D", e.Summary); // "just som"
    }

    [Fact]
    public async Task A_torchscript_archive_with_broken_contents_fails_to_load_in_torch()
    {
        var broken = Path.Combine(models.Models, "broken.pt");
        using (var zip = ZipFile.Open(broken, ZipArchiveMode.Create))
        {
            foreach (var name in (string[])["broken/constants.pkl", "broken/data.pkl", "broken/version"])
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write("not what torch wrote");
            }
        }

        var e = await Fails(new PyTorchExportRequest(broken, models.NewOnnxPath(), MlpInput));

        Assert.Equal(PyTorchExportError.LoadFailed, e.Error);
        Assert.Contains("cannot load", e.Summary);
        Assert.Contains("save it again", e.Summary);
        Assert.NotEmpty(e.StderrTail);
        Assert.Contains("Last lines of python's stderr", e.Message);
    }

    [Theory]
    [InlineData("sequential.pth")]
    [InlineData("sequential_legacy.pth")]
    [InlineData("mlp_state_dict.pth")]
    public async Task A_pickle_is_not_loaded_without_trust_and_the_error_names_the_flag(string file)
    {
        // The interpreter does not exist: the refusal must come before any python runs.
        var e = await Fails(new PyTorchExportRequest(Path.Combine(models.Models, file), models.NewOnnxPath(), [new("x", "FP32", [-1, 8])]), NoPython());

        Assert.Equal(PyTorchExportError.UntrustedPickle, e.Error);
        Assert.Contains("--trust-pickle", e.Summary);
        Assert.Contains("TrustPickle", e.Summary);
        Assert.Contains("runs code", e.Summary);
    }

    [Fact]
    public async Task A_state_dict_is_refused_asking_for_the_whole_model()
    {
        var e = await Fails(new PyTorchExportRequest(models.MlpStateDict, models.NewOnnxPath(), MlpInput, TrustPickle: true));

        Assert.Equal(PyTorchExportError.StateDict, e.Error);
        Assert.Contains("state dict", e.Summary);
        Assert.Contains("OrderedDict of 4 entries", e.Summary);
        Assert.Contains("torch.save(model, path)", e.Summary);
        Assert.Contains("TorchScript", e.Summary);
    }

    [Fact]
    public async Task A_pickle_that_holds_no_model_is_refused_naming_what_it_holds()
    {
        var e = await Fails(new PyTorchExportRequest(models.TensorList, models.NewOnnxPath(), MlpInput, TrustPickle: true));

        Assert.Equal(PyTorchExportError.NotAModel, e.Error);
        Assert.Contains("builtins.list, not a torch.nn.Module", e.Summary);
    }

    [Fact]
    public async Task An_interpreter_that_dies_without_a_result_fails_with_its_exit_code_and_stderr()
    {
        string python = FakeInterpreter("python-that-dies", "echo 'fatal: something broke' >&2\nexit 3");

        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), MlpInput), o => o.PythonPath = python);

        Assert.Equal(PyTorchExportError.PythonCrashed, e.Error);
        Assert.Contains("exited with code 3 without a result", e.Summary);
        Assert.Equal("fatal: something broke", e.StderrTail);
        Assert.EndsWith("fatal: something broke", e.Message);
    }

    [Fact]
    public async Task An_operator_missing_from_the_opset_fails_naming_the_operator_and_the_opset_that_has_it()
    {
        var e = await Fails(new PyTorchExportRequest(models.Triu, models.NewOnnxPath(), [new("x", "FP32", [-1, 8])]));

        Assert.Equal(PyTorchExportError.UnsupportedOperator, e.Error);
        Assert.Contains("aten::triu", e.Summary);
        Assert.Contains("opset 11", e.Summary);
        Assert.Contains("version 14", e.Summary);
        Assert.Contains("--onnx_opset", e.Summary);
    }

    [Fact]
    public async Task An_opset_this_torch_cannot_write_is_refused_with_the_range_it_can()
    {
        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), MlpInput, Opset: 99));

        Assert.Equal(PyTorchExportError.UnsupportedOpset, e.Error);
        Assert.Matches(@"exports opsets \d+ to \d+, not 99", e.Summary);
    }

    [Fact]
    public async Task A_model_traced_on_the_fused_transformer_fast_path_fails_saying_how_to_trace_it()
    {
        string[] names = ["input_ids", "attention_mask", "token_type_ids"];
        var e = await Fails(new PyTorchExportRequest(
            models.BertFused, models.NewOnnxPath(), names.Select(n => new TensorSpec(n, "int64", [-1, -1])).ToList()));

        Assert.Equal(PyTorchExportError.FusedTransformer, e.Error);
        Assert.Contains("_transformer_encoder_layer_fwd", e.Summary);
        Assert.Contains("torch.no_grad()", e.Summary);
        Assert.Contains("enable_nested_tensor=False", e.Summary);
    }

    [Fact]
    public async Task Too_many_input_names_fail_naming_the_arguments_of_forward()
    {
        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), [.. MlpInput, new("y", "FP32", [-1, 16])]));

        Assert.Equal(PyTorchExportError.InputCountMismatch, e.Error);
        Assert.Contains("forward takes 1 input(s) (input), but 2 input name(s) were given (x, y)", e.Summary);
    }

    [Fact]
    public async Task Too_many_output_names_fail_with_the_outputs_the_model_returns()
    {
        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), MlpInput, ["a", "b"]));

        Assert.Equal(PyTorchExportError.OutputCountMismatch, e.Error);
        Assert.Contains("returns 1 output(s) ([2,4]), but 2 output name(s) were given (a, b)", e.Summary);
    }

    [Fact]
    public async Task A_shape_that_does_not_fit_the_model_fails_naming_the_input_and_torchs_error()
    {
        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), [new("x", "FP32", [-1, 10])]));

        Assert.Equal(PyTorchExportError.ModelRejectedInputs, e.Error);
        Assert.Contains("x FP32 [2,10]", e.Summary);
        Assert.Contains("cannot be multiplied", e.Summary);
        Assert.Contains("--input_shapes", e.Summary);
    }

    [Fact]
    public async Task An_open_length_the_model_fixed_fails_at_the_second_check_size()
    {
        var e = await Fails(new PyTorchExportRequest(models.FixedLength, models.NewOnnxPath(), [new("input_ids", "INT64", [-1, -1])]));

        Assert.Equal(PyTorchExportError.DynamicAxisBroken, e.Error);
        Assert.Contains("input_ids INT64 [3,32]", e.Summary);
        Assert.Contains("declared open (-1)", e.Summary);
    }

    [Fact]
    public async Task A_missing_interpreter_fails_naming_the_path_and_the_setting()
    {
        string missing = Path.Combine(models.Root, "no-such-python3");

        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), MlpInput), o => o.PythonPath = missing);

        Assert.Equal(PyTorchExportError.PythonMissing, e.Error);
        Assert.Contains($"'{missing}' cannot be started (no such file)", e.Summary);
        Assert.Contains("Pipeline:Converter:PyTorch:PythonPath", e.Summary);
        Assert.Contains("python3-torch", e.Summary);
    }

    [Fact]
    public async Task An_interpreter_without_torch_fails_saying_how_to_install_it()
    {
        // Python without its site packages: the standard library works, Debian's torch is not on the path.
        string python = FakeInterpreter("python-without-site", $"exec {PyTorchTestModels.Python} -S \"$@\"");

        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), MlpInput), o => o.PythonPath = python);

        Assert.Equal(PyTorchExportError.TorchMissing, e.Error);
        Assert.Contains("cannot import torch", e.Summary);
        Assert.Contains("No module named 'torch'", e.Summary);
        Assert.Contains("PythonPath", e.Summary);
    }

    [Fact]
    public async Task A_memory_limit_too_small_for_torch_fails_naming_the_limit_and_the_setting()
    {
        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(), MlpInput), o => o.MemoryLimitMb = 300);

        Assert.Equal(PyTorchExportError.OutOfMemory, e.Error);
        Assert.Contains("300 MiB", e.Summary);
        Assert.Contains("Pipeline:Converter:PyTorch:MemoryLimitMb", e.Summary);
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task A_hanging_python_is_killed_with_its_children_at_the_time_limit()
    {
        // A stand-in interpreter that starts a child and waits for it: the limit must end both.
        string pidFile = Path.Combine(models.Root, "hang-" + Guid.NewGuid().ToString("N") + ".pid");
        string python = FakeInterpreter("python-that-hangs", $"sleep 300 &\necho $! > '{pidFile}'\nwait");
        var onnx = models.NewOnnxPath();
        var timer = Stopwatch.StartNew();

        var e = await Fails(new PyTorchExportRequest(models.Mlp, onnx, MlpInput), o =>
        {
            o.PythonPath = python;
            o.Timeout = TimeSpan.FromSeconds(2);
        });

        timer.Stop();
        Assert.Equal(PyTorchExportError.TimedOut, e.Error);
        Assert.Contains("did not finish within 00:00:02", e.Summary);
        Assert.Contains("Pipeline:Converter:PyTorch:Timeout", e.Summary);
        // Generous bound: 2 s limit, a loaded 2-core machine; a missed kill would wait the child's 300 s.
        Assert.InRange(timer.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        int child = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.True(await ExitsAsync(child, TimeSpan.FromSeconds(10)), $"the hanging interpreter's child {child} is still running");
        Assert.False(Directory.Exists(Path.GetDirectoryName(onnx)));
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task Cancelling_an_export_stops_python_and_its_children()
    {
        string pidFile = Path.Combine(models.Root, "cancel-" + Guid.NewGuid().ToString("N") + ".pid");
        string python = FakeInterpreter("python-to-cancel", $"sleep 300 &\necho $! > '{pidFile}'\nwait");
        var onnx = models.NewOnnxPath();
        using var cancel = new CancellationTokenSource();
        var exporter = new PyTorchExporter(ExportTestOptions.Create(o => o.PythonPath = python));

        var export = exporter.ExportAsync(new PyTorchExportRequest(models.Mlp, onnx, MlpInput), cancel.Token);
        Assert.True(await ExistsAsync(pidFile, TimeSpan.FromSeconds(30)), "the stand-in interpreter never started its child");
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);
        int child = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.True(await ExitsAsync(child, TimeSpan.FromSeconds(10)), $"the cancelled interpreter's child {child} is still running");
        Assert.False(Directory.Exists(Path.GetDirectoryName(onnx)));
    }

    [Fact]
    public async Task A_request_with_bad_names_types_and_shapes_lists_every_problem()
    {
        var e = await Fails(new PyTorchExportRequest(models.Mlp, models.NewOnnxPath(),
            [new("x", "int65", [-1, 16]), new("x", "FP32", [-1, 0]), new("", "FP32", [])], ["out", "out"], Opset: 0), NoPython());

        Assert.Equal(PyTorchExportError.InvalidRequest, e.Error);
        Assert.Contains("input 'x' has type 'int65', which is not one of float32,", e.Summary);
        Assert.Contains("input 'x' has shape [-1,0]", e.Summary);
        Assert.Contains("input #3 has no name", e.Summary);
        Assert.Contains("input #3 has no shape", e.Summary);
        Assert.Contains("input name 'x' is given 2 times", e.Summary);
        Assert.Contains("output name 'out' is given 2 times", e.Summary);
        Assert.Contains("opset 0", e.Summary);
    }

    [Fact]
    public async Task A_missing_model_file_is_named()
    {
        string missing = Path.Combine(models.Models, "absent.pt");

        var e = await Fails(new PyTorchExportRequest(missing, models.NewOnnxPath(), MlpInput), NoPython());

        Assert.Equal(PyTorchExportError.ModelFileMissing, e.Error);
        Assert.Contains(missing, e.Summary);
    }

    /// <summary>Runs the export, expects it to fail, and checks that the output folder was left as it was (absent).</summary>
    private async Task<PyTorchExportException> Fails(PyTorchExportRequest request, Action<PyTorchExportOptions>? change = null)
    {
        var exporter = new PyTorchExporter(ExportTestOptions.Create(change));
        var e = await Assert.ThrowsAsync<PyTorchExportException>(() => exporter.ExportAsync(request));
        output.WriteLine($"{e.Error}: {e.Summary}");
        Assert.DoesNotContain('\n', e.Summary);
        Assert.False(Directory.Exists(Path.GetDirectoryName(request.OnnxPath)), $"the failed export left {Path.GetDirectoryName(request.OnnxPath)} behind");
        return e;
    }

    private Action<PyTorchExportOptions> NoPython() => o => o.PythonPath = Path.Combine(models.Root, "python-must-not-run");

    private string Copy(string source, string name, Func<byte[], byte[]> change)
    {
        string path = Path.Combine(models.Models, name);
        File.WriteAllBytes(path, change(File.ReadAllBytes(source)));
        return path;
    }

    private string FakeInterpreter(string name, string body)
    {
        string path = Path.Combine(models.Root, name + "-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>True once the file exists and has a line in it.</summary>
    private static async Task<bool> ExistsAsync(string path, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (File.Exists(path) && File.ReadAllText(path).EndsWith('\n'))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>True once the process is gone or a zombie (dead, waiting to be reaped by init).</summary>
    private static async Task<bool> ExitsAsync(int pid, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            string stat = Path.Combine("/proc", pid.ToString(), "stat");
            if (!File.Exists(stat))
            {
                return true;
            }

            try
            {
                string text = File.ReadAllText(stat);
                if (text[(text.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                return true; // vanished between the check and the read
            }

            await Task.Delay(50);
        }

        return false;
    }
}

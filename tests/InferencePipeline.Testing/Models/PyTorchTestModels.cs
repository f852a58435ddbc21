using System.Diagnostics;

namespace InferencePipeline.Testing.Models;

/// <summary>
/// PyTorch test models, built once per test class fixture by python3-torch (build_pytorch_test_models.py, embedded
/// in this assembly; one python process, since importing torch costs seconds) into a temporary folder that is
/// deleted afterwards. Each test exports into its own folder under <see cref="Root"/>.
/// </summary>
public sealed class PyTorchTestModels : IAsyncLifetime
{
    private const string ScriptResource = "InferencePipeline.Testing.Models.build_pytorch_test_models.py";

    public const string Python = "/usr/bin/python3";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pytorch-export-tests-" + Guid.NewGuid().ToString("N"));

    public string Models => Path.Combine(Root, "models");

    /// <summary>Traced MLP 16 → 32 → 4, input FP32 [-1,16].</summary>
    public string Mlp => Path.Combine(Models, "mlp.pt");

    public string MlpStateDict => Path.Combine(Models, "mlp_state_dict.pth");

    /// <summary>A pickled list of two tensors: no model at all.</summary>
    public string TensorList => Path.Combine(Models, "tensor_list.pth");

    /// <summary>Pickled nn.Sequential 8 → 16 → 3, input FP32 [-1,8].</summary>
    public string Sequential => Path.Combine(Models, "sequential.pth");

    /// <summary>The same, saved in torch.save's pre-1.6 (bare pickle) format.</summary>
    public string SequentialLegacy => Path.Combine(Models, "sequential_legacy.pth");

    /// <summary>Pickled CNN, input FP32 [-1,3,-1,-1], 5 logits.</summary>
    public string Cnn => Path.Combine(Models, "cnn.pth");

    /// <summary>Traced BERT-shaped encoder (vocab 100, max length 256, the seed's sequence length): input_ids, attention_mask, token_type_ids INT64 [-1,-1] → start, end.</summary>
    public string Bert => Path.Combine(Models, "bert.pt");

    /// <summary>The same encoder traced under torch.no_grad(): holds the fused aten::_transformer_encoder_layer_fwd.</summary>
    public string BertFused => Path.Combine(Models, "bert_fused.pt");

    /// <summary>Traced with a constant sequence length of 16: input_ids INT64 [-1,16] only.</summary>
    public string FixedLength => Path.Combine(Models, "fixed_length.pt");

    /// <summary>Linear + torch.triu, input FP32 [-1,8]: exportable from opset 14 on.</summary>
    public string Triu => Path.Combine(Models, "triu.pt");

    /// <summary>forward(x, unused), both FP32 [-1,8]; only x is used.</summary>
    public string UnusedInput => Path.Combine(Models, "unused_input.pt");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Models);
        string script = Path.Combine(Root, "build_pytorch_test_models.py");
        await using (var resource = typeof(PyTorchTestModels).Assembly.GetManifestResourceStream(ScriptResource)
                                    ?? throw new InvalidOperationException($"embedded resource {ScriptResource} is missing"))
        await using (var file = File.Create(script))
        {
            await resource.CopyToAsync(file);
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Models };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Models);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        await stdout;
        if (process.ExitCode != 0)
        {
            var tail = string.Join(Environment.NewLine, (await stderr).Split('\n').TakeLast(30));
            throw new InvalidOperationException($"building the PyTorch test models failed (exit {process.ExitCode}):{Environment.NewLine}{tail}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A fresh, not yet existing output folder and the model file in it.</summary>
    public string NewOnnxPath(string name = "model.onnx") => Path.Combine(Root, "out", Guid.NewGuid().ToString("N"), "m", "1", name);
}

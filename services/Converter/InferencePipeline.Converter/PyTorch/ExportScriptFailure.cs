namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// Turns the export script's failure (its <c>kind</c> and cause) into the user-facing exception: what went wrong
/// with which file, and what to change. Python's stderr tail goes along for the details.
/// </summary>
public static class ExportScriptFailure
{
    private const string Section = PyTorchExportOptions.Section;
    private const string TraceHint = "torch.jit.save(torch.jit.trace(model, example_inputs), path)";

    public static PyTorchExportException ToException(
        ExportScriptResult result, PythonRun run, string modelPath, int opset, string interpreter, int memoryLimitMb)
    {
        string cause = (result.Message ?? "").Trim();
        string torch = result.TorchVersion is { } v ? $"torch {v}" : "torch";
        (PyTorchExportError error, string summary) = result.Kind switch
        {
            "torch_missing" => (PyTorchExportError.TorchMissing,
                $"'{interpreter}' cannot import torch ({cause}). Install PyTorch for it (Debian: apt-get install --no-install-recommends " +
                $"python3-torch python3-onnx) or set {Section}:PythonPath to an interpreter that has torch."),
            "out_of_memory" => (PyTorchExportError.OutOfMemory,
                $"The PyTorch export ran out of its {memoryLimitMb} MiB memory limit ({cause}). Raise {Section}:MemoryLimitMb: " +
                "importing torch takes about 700 MiB, and a model needs several times its weights on top."),
            "load_failed" => (PyTorchExportError.LoadFailed,
                $"{torch} cannot load '{modelPath}' ({cause}). The file may be corrupt, from a newer PyTorch, or a pickle of classes " +
                $"that are not importable here: save it again, best as TorchScript ({TraceHint})."),
            "state_dict" => (PyTorchExportError.StateDict,
                $"'{modelPath}' is a state dict ({cause}): weights only, without the model's code, so there is nothing to export. " +
                $"Save the whole model (torch.save(model, path)) or TorchScript ({TraceHint}) and send that file."),
            "not_a_module" => (PyTorchExportError.NotAModel,
                $"'{modelPath}' is not a model: {cause}, not a torch.nn.Module. Save the model itself (torch.save(model, path)) or TorchScript ({TraceHint})."),
            "input_count" => (PyTorchExportError.InputCountMismatch,
                $"The inputs do not fit '{modelPath}': {cause}. Give one input name, type and shape per argument of forward(), in order."),
            "model_rejected_inputs" => (PyTorchExportError.ModelRejectedInputs,
                $"The model fails on example inputs of the declared shapes and types ({cause}). Make the input shapes and types " +
                "(--input_shapes/--input_types, request Inputs) match what the model's forward() expects, in order."),
            "rejects_other_sizes" => (PyTorchExportError.DynamicAxisBroken,
                $"The model runs at the export's example sizes but fails at another batch or open-dimension size ({cause}): it fixes a size " +
                "declared open (-1), e.g. a length traced as a constant. Declare that dimension with its fixed size in the input shapes, " +
                "or trace/script the model so the size stays symbolic."),
            "output_count" => (PyTorchExportError.OutputCountMismatch,
                $"The output names do not fit the model: {cause}. Give one name per output, or none to have them named output_0, output_1, ..."),
            "unsupported_output" => (PyTorchExportError.UnsupportedOutput,
                $"The model's outputs cannot be exported: {cause}. Make forward() return tensors (one, or a tuple/list/dict of them)."),
            "unsupported_opset" => (PyTorchExportError.UnsupportedOpset,
                $"Opset {opset} cannot be exported: {cause}. Choose an --onnx_opset this torch supports."),
            "fused_transformer" => (PyTorchExportError.FusedTransformer,
                $"The model holds nn.TransformerEncoder's fused fast path (aten::_transformer_encoder_layer_fwd), which no ONNX opset can express: " +
                "it was traced or scripted in eval mode without gradients. Trace it again with gradients on (not under torch.no_grad() or " +
                "inference_mode), or in train mode with dropout 0, building the encoder with enable_nested_tensor=False; or send the whole model " +
                $"(torch.save(model, path), with --trust-pickle). ({cause})"),
            "unsupported_operator" => (PyTorchExportError.UnsupportedOperator,
                $"torch.onnx.export cannot export the model at opset {opset}: {cause.TrimEnd('.')}. Choose a higher --onnx_opset if the message names one, " +
                "or replace the operator in the model."),
            "export_failed" => (PyTorchExportError.ExportFailed,
                $"torch.onnx.export failed on '{modelPath}' ({cause}). Check the input names, shapes and types against the model's forward(); " +
                "python's traceback below names the failing step."),
            _ => (PyTorchExportError.PythonCrashed,
                $"The export script failed unexpectedly on '{modelPath}' ({result.Kind}: {cause}). Python's traceback below says where."),
        };

        return new PyTorchExportException(error, summary, run.StderrTail);
    }
}

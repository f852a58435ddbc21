using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// The int8 transform a tuner calls: on the model's calibration inputs (real ones: tokenized text, images), measure
/// activation ranges and smooth them into the weights (<see cref="ActivationSmoothing"/>), then quantize every weight
/// MatMul/Gemm to <c>DynamicQuantizeMatMul</c>, keeping the most sensitive ones in fp32 only if the accuracy gate
/// against the fp32 model requires it (<see cref="SensitivityGuidedQuantization"/>). The result says whether the gate
/// passed; the model is written only when it did.
/// <para>Opens ONNX Runtime sessions in this process: int8 models are safe on the CPU execution provider.</para>
/// </summary>
public static class Int8Recipe
{
    public static SensitivityGuidedResult Run(
        string modelPath,
        string outputPath,
        IReadOnlyList<IReadOnlyList<RawInputTensor>> calibrationInputs,
        AccuracyCriteria? criteria = null,
        Int8RecipeOptions? options = null,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(calibrationInputs);
        options ??= new Int8RecipeOptions();
        var model = OnnxModelFile.Load(modelPath);
        if (DynamicQuantizer.FindCandidates(model, options.Quantization).Count == 0)
        {
            throw new ModelTransformException(
                $"'{modelPath}' has no MatMul or Gemm with a constant 2-D float weight, so int8 dynamic quantization has nothing to " +
                "quantize; it applies to transformer and dense layers (convolutional models need static quantization instead)");
        }

        using var evaluator = new ReferenceAccuracyEvaluator(modelPath, calibrationInputs, criteria);
        ModelProto start = model;
        if (options.SmoothingAlpha is { } alpha)
        {
            start = ActivationSmoothing.Apply(model, ActivationSmoothing.MeasureActivations(model, calibrationInputs), alpha);
            log?.Invoke($"activation smoothing α {alpha} applied");
        }

        var result = new SensitivityGuidedQuantization(m => evaluator.Evaluate(m)) { MaxKeptFraction = options.MaxKeptFraction, Log = log }
            .Run(start, options.Quantization);
        if (result.Passed)
        {
            OnnxModelFile.Save(result.Quantization.Model, outputPath);
        }

        return result;
    }
}

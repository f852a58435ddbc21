namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// A float weight [K, N] quantized to int8: <c>w ≈ (q − zeroPoint[n]) · scale[n]</c> per output column n (or one
/// scale/zero point for all columns). Round to nearest, ties to even, saturated to the chosen range.
/// </summary>
internal sealed record Int8Weights(sbyte[] Values, float[] Scales, sbyte[] ZeroPoints)
{
    public static Int8Weights Quantize(float[] weight, long k, long n, DynamicQuantizationOptions options)
    {
        int qmax = options.ReduceRange ? 63 : 127;
        int qmin = options.ReduceRange ? -64 : -128;
        int groups = options.PerChannel ? (int)n : 1;
        var low = new float[groups];
        var high = new float[groups];
        for (long i = 0; i < weight.Length; i++)
        {
            int g = options.PerChannel ? (int)(i % n) : 0;
            low[g] = Math.Min(low[g], weight[i]); // 0 is always representable: ranges start at 0
            high[g] = Math.Max(high[g], weight[i]);
        }

        var scales = new float[groups];
        var zeroPoints = new sbyte[groups];
        for (int g = 0; g < groups; g++)
        {
            if (options.Symmetric)
            {
                float absMax = Math.Max(-low[g], high[g]);
                scales[g] = absMax > 0 ? absMax / qmax : 1f;
            }
            else
            {
                float range = high[g] - low[g];
                scales[g] = range > 0 ? range / (qmax - qmin) : 1f;
                zeroPoints[g] = (sbyte)Math.Clamp((int)Math.Round(qmin - low[g] / scales[g], MidpointRounding.ToEven), qmin, qmax);
            }
        }

        var values = new sbyte[weight.Length];
        for (long i = 0; i < weight.Length; i++)
        {
            int g = options.PerChannel ? (int)(i % n) : 0;
            int q = (int)Math.Round(weight[i] / scales[g], MidpointRounding.ToEven) + zeroPoints[g];
            values[i] = (sbyte)Math.Clamp(q, qmin, qmax);
        }

        return new Int8Weights(values, scales, zeroPoints);
    }
}

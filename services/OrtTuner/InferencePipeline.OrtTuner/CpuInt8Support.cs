using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Whether this CPU has the integer dot-product instructions that make ONNX Runtime's int8 GEMM kernels fast: on x86,
/// VNNI (AVX512-VNNI, AVX-VNNI) or AMX-INT8; on Arm64, the dot-product extension. Without them ONNX Runtime's int8
/// kernels emulate the dot products with more instructions and int8 rarely beats fp32, so the tuner does not try it and
/// says why. .NET exposes AVX-VNNI and Arm's dot product as intrinsics but not AVX512-VNNI or AMX, so on Linux the
/// kernel's CPU flags (<c>/proc/cpuinfo</c>) are read as well.
/// </summary>
public sealed record CpuInt8Support(bool Supported, string Detail)
{
    private static readonly string[] X86Flags = ["avx512_vnni", "avx_vnni", "amx_int8"];

    private static readonly Lazy<CpuInt8Support> Detected = new(() => Detect(ReadCpuInfo()));

    /// <summary>This machine's answer, found once per process.</summary>
    public static CpuInt8Support Current => Detected.Value;

    /// <summary>The answer for a CPU described by <paramref name="cpuInfo"/> (the text of <c>/proc/cpuinfo</c>; null where there is none).</summary>
    public static CpuInt8Support Detect(string? cpuInfo)
    {
        var architecture = RuntimeInformation.ProcessArchitecture;
        if (architecture == Architecture.Arm64)
        {
            return System.Runtime.Intrinsics.Arm.Dp.IsSupported
                ? new(true, "Arm64 CPU with the dot-product extension (SDOT/UDOT)")
                : new(false, "this Arm64 CPU has no dot-product extension (SDOT/UDOT), so int8 would not beat fp32");
        }

        return FromX86Flags(CpuFlags(cpuInfo), AvxVnni.IsSupported);
    }

    /// <summary>The answer for an x86 CPU with these <c>/proc/cpuinfo</c> flags (and AVX-VNNI as .NET sees it).</summary>
    public static CpuInt8Support FromX86Flags(IReadOnlySet<string> flags, bool avxVnniIntrinsic)
    {
        var found = X86Flags.Where(flags.Contains).ToList();
        if (avxVnniIntrinsic && !found.Contains("avx_vnni"))
        {
            found.Add("avx_vnni");
        }

        return found.Count > 0
            ? new(true, $"CPU has {string.Join(", ", found)}")
            : new(false, $"this CPU has no VNNI or AMX int8 instructions ({string.Join(", ", X86Flags)}), so int8 would not beat fp32");
    }

    /// <summary>The flags of the first processor listed in <c>/proc/cpuinfo</c> text.</summary>
    public static IReadOnlySet<string> CpuFlags(string? cpuInfo)
    {
        foreach (var line in (cpuInfo ?? "").Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() is "flags" or "Features")
            {
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            }
        }

        return new HashSet<string>();
    }

    private static string? ReadCpuInfo()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/cpuinfo") : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

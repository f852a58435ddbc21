using InferencePipeline.OrtTuner;

namespace InferencePipeline.Stages.Tests.OrtTuner;

public sealed class CpuInt8SupportTests
{
    private const string WithVnni = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n\nprocessor\t: 1\n";
    private const string Avx2Only = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n";

    [Fact]
    public void A_cpu_with_vnni_or_amx_gets_int8_and_says_which_instructions()
    {
        var vnni = CpuInt8Support.FromX86Flags(CpuInt8Support.CpuFlags(WithVnni), avxVnniIntrinsic: false);
        var amx = CpuInt8Support.FromX86Flags(new HashSet<string> { "amx_int8", "amx_tile" }, avxVnniIntrinsic: false);

        Assert.True(vnni.Supported);
        Assert.Contains("avx512_vnni", vnni.Detail);
        Assert.True(amx.Supported);
        Assert.True(CpuInt8Support.FromX86Flags(new HashSet<string>(), avxVnniIntrinsic: true).Supported);
    }

    [Fact]
    public void A_cpu_without_them_is_refused_with_the_reason()
    {
        var avx2 = CpuInt8Support.FromX86Flags(CpuInt8Support.CpuFlags(Avx2Only), avxVnniIntrinsic: false);

        Assert.False(avx2.Supported);
        Assert.Contains("no VNNI or AMX", avx2.Detail);
        Assert.Empty(CpuInt8Support.CpuFlags(null));
    }
}

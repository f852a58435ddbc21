using System.Runtime.InteropServices;
using Google.Protobuf.Collections;
using Inference;
using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// Moves tensor data between the protocol's typed <c>InferTensorContents</c> fields and flat little-endian
/// bytes (the layout ORT and <c>raw_*_contents</c> use). Narrow integer types travel widened in
/// int_contents/uint_contents, as the protocol says; FP16/BF16 have no typed field and must be sent raw.
/// </summary>
internal static class TypedContents
{
    /// <summary>Number of elements the contents hold for <paramref name="type"/>, or -1 when that type has no typed field.</summary>
    public static int Count(InferTensorContents contents, TensorDataType type) => type.Name switch
    {
        "BOOL" => contents.BoolContents.Count,
        "INT8" or "INT16" or "INT32" => contents.IntContents.Count,
        "INT64" => contents.Int64Contents.Count,
        "UINT8" or "UINT16" or "UINT32" => contents.UintContents.Count,
        "UINT64" => contents.Uint64Contents.Count,
        "FP32" => contents.Fp32Contents.Count,
        "FP64" => contents.Fp64Contents.Count,
        _ => -1,
    };

    /// <summary>Writes the typed values into <paramref name="destination"/> (exactly Count × element size bytes).</summary>
    public static void Read(InferTensorContents contents, TensorDataType type, Span<byte> destination)
    {
        switch (type.Name)
        {
            case "BOOL": Narrow(contents.BoolContents, destination, static b => b ? (byte)1 : (byte)0); break;
            case "INT8": Narrow(contents.IntContents, MemoryMarshal.Cast<byte, sbyte>(destination), static v => (sbyte)v); break;
            case "INT16": Narrow(contents.IntContents, MemoryMarshal.Cast<byte, short>(destination), static v => (short)v); break;
            case "INT32": Copy(contents.IntContents, MemoryMarshal.Cast<byte, int>(destination)); break;
            case "INT64": Copy(contents.Int64Contents, MemoryMarshal.Cast<byte, long>(destination)); break;
            case "UINT8": Narrow(contents.UintContents, destination, static v => (byte)v); break;
            case "UINT16": Narrow(contents.UintContents, MemoryMarshal.Cast<byte, ushort>(destination), static v => (ushort)v); break;
            case "UINT32": Copy(contents.UintContents, MemoryMarshal.Cast<byte, uint>(destination)); break;
            case "UINT64": Copy(contents.Uint64Contents, MemoryMarshal.Cast<byte, ulong>(destination)); break;
            case "FP32": Copy(contents.Fp32Contents, MemoryMarshal.Cast<byte, float>(destination)); break;
            case "FP64": Copy(contents.Fp64Contents, MemoryMarshal.Cast<byte, double>(destination)); break;
            default: throw new InvalidOperationException($"{type.Name} has no typed contents field");
        }
    }

    /// <summary>Appends the tensor bytes to the matching typed field of <paramref name="contents"/>.</summary>
    public static void Write(ReadOnlySpan<byte> source, TensorDataType type, InferTensorContents contents)
    {
        switch (type.Name)
        {
            case "BOOL": foreach (var b in source) { contents.BoolContents.Add(b != 0); } break;
            case "INT8": foreach (var v in MemoryMarshal.Cast<byte, sbyte>(source)) { contents.IntContents.Add(v); } break;
            case "INT16": foreach (var v in MemoryMarshal.Cast<byte, short>(source)) { contents.IntContents.Add(v); } break;
            case "INT32": foreach (var v in MemoryMarshal.Cast<byte, int>(source)) { contents.IntContents.Add(v); } break;
            case "INT64": foreach (var v in MemoryMarshal.Cast<byte, long>(source)) { contents.Int64Contents.Add(v); } break;
            case "UINT8": foreach (var v in source) { contents.UintContents.Add(v); } break;
            case "UINT16": foreach (var v in MemoryMarshal.Cast<byte, ushort>(source)) { contents.UintContents.Add(v); } break;
            case "UINT32": foreach (var v in MemoryMarshal.Cast<byte, uint>(source)) { contents.UintContents.Add(v); } break;
            case "UINT64": foreach (var v in MemoryMarshal.Cast<byte, ulong>(source)) { contents.Uint64Contents.Add(v); } break;
            case "FP32": foreach (var v in MemoryMarshal.Cast<byte, float>(source)) { contents.Fp32Contents.Add(v); } break;
            case "FP64": foreach (var v in MemoryMarshal.Cast<byte, double>(source)) { contents.Fp64Contents.Add(v); } break;
            default: throw new InvalidOperationException($"{type.Name} has no typed contents field");
        }
    }

    private static void Copy<T>(RepeatedField<T> values, Span<T> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = values[i];
        }
    }

    private static void Narrow<TFrom, TTo>(RepeatedField<TFrom> values, Span<TTo> destination, Func<TFrom, TTo> convert)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = convert(values[i]);
        }
    }
}

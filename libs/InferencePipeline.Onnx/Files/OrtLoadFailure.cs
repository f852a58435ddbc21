using System.Text.RegularExpressions;

using InferencePipeline.ModelRepository.OnnxFiles;

namespace InferencePipeline.Onnx.Files;

/// <summary>
/// Reads ONNX Runtime's load errors for the ones that mean "this runtime is too old or too new for the file":
/// an IR version above what it reads, an opset it does not know yet, or operators older than the ones it
/// implements. The limits come from ONNX Runtime's own message, not from a table here, so a newer runtime
/// moves them by itself.
/// </summary>
public static partial class OrtLoadFailure
{
    /// <summary>
    /// ONNX Runtime's words for why it cannot run a file of this IR version or opset (e.g. "Unsupported model IR
    /// version: 14, max supported IR version: 13"); null when the failure is about something else.
    /// </summary>
    public static string? RuntimeLimit(string ortMessage, OnnxFileFacts facts)
    {
        if (IrVersion().Match(ortMessage) is { Success: true } ir)
        {
            return ir.Value;
        }

        var parts = new[] { UnreleasedOpset().Match(ortMessage), OfficialOpset().Match(ortMessage) }
            .Where(m => m.Success)
            .Select(m => m.Value.TrimEnd('.'))
            .ToList();
        if (parts.Count > 0)
        {
            return string.Join("; ", parts);
        }

        // Below opset 7 ONNX Runtime only warns at load ("guarantees support for opset 7 or above") and then finds
        // no kernel for the old operator versions.
        if (facts.DefaultOpset is > 0 and < 7 && MissingKernel().Match(ortMessage) is { Success: true } kernel)
        {
            return $"{kernel.Value}; ONNX Runtime guarantees support from opset 7 on";
        }

        return null;
    }

    [GeneratedRegex(@"Unsupported model IR version: \d+, max supported IR version: \d+")]
    private static partial Regex IrVersion();

    [GeneratedRegex(@"Opset \d+ is under development[^.]*\.")]
    private static partial Regex UnreleasedOpset();

    [GeneratedRegex(@"Current official support for domain [\w.]+ is till opset \d+")]
    private static partial Regex OfficialOpset();

    [GeneratedRegex(@"Could not find an implementation for \w+\(\d+\)[^\r\n]*")]
    private static partial Regex MissingKernel();
}

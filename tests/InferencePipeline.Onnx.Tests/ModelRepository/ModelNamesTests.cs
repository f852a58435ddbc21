using InferencePipeline.Contracts;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class ModelNamesTests
{
    [Theory]
    [InlineData("bert")]
    [InlineData("Bert-squad_v1.2")]
    [InlineData("0day")]
    public void Plain_names_are_valid(string name)
    {
        Assert.True(ModelNames.IsValid(name));
        Assert.Null(ModelNames.Problem(name));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData(".", "does not start with a letter or digit")]
    [InlineData(".git", "does not start with a letter or digit")]
    [InlineData("-rf", "does not start with a letter or digit")]
    [InlineData("bert..onnx", "contains '..'")]
    [InlineData("../outside", "path separator")]
    [InlineData("has space", "character ' ' is not allowed")]
    public void Each_broken_part_of_the_rule_is_named_with_the_rule(string name, string reason)
    {
        var problem = ModelNames.Problem(name);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
        Assert.Contains("must be 1-128 letters, digits", problem);
    }

    [Fact]
    public void The_length_limit_is_inclusive()
    {
        Assert.True(ModelNames.IsValid(new string('m', ModelNames.MaxLength)));
        Assert.Contains("longer than 128", ModelNames.Problem(new string('m', ModelNames.MaxLength + 1)));
    }

    [Theory]
    [InlineData("models/BERT squad.v2.onnx", "bert_squad_v2")]
    [InlineData("__private.onnx", "private")]
    [InlineData(".onnx", "model")]
    public void A_file_name_becomes_a_valid_name(string path, string expected)
    {
        var name = ModelNames.FromFileName(path);

        Assert.Equal(expected, name);
        Assert.True(ModelNames.IsValid(name));
    }

    [Fact]
    public void A_long_file_name_is_cut_to_the_limit()
    {
        Assert.Equal(ModelNames.MaxLength, ModelNames.FromFileName(new string('x', 300) + ".onnx").Length);
    }
}

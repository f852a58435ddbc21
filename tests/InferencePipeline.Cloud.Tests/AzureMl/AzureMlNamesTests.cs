namespace InferencePipeline.Cloud.Tests.AzureMl;

/// <summary>The endpoint and deployment names Azure ML refuses, refused here with the rule in the message.</summary>
public sealed class AzureMlNamesTests
{
    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("ab", "shorter than 3")]
    [InlineData("a23456789012345678901234567890123", "more than 32")]
    [InlineData("1bert", "does not start with a letter")]
    [InlineData("-bert", "does not start with a letter")]
    [InlineData("bert_squad", "character '_'")]
    [InlineData("bert.squad", "character '.'")]
    [InlineData("bert squad", "character ' '")]
    [InlineData("bert-", "ends with '-'")]
    public void Names_azure_refuses_are_refused_with_the_reason_and_the_rule(string name, string reason)
    {
        var problem = AzureMlNames.EndpointProblem(name);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
        Assert.Contains("3-32 letters, digits or '-'", problem);
        Assert.Contains("deployment", AzureMlNames.DeploymentProblem(name));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("bert-squad-1")]
    [InlineData("B2b")]
    [InlineData("a2345678901234567890123456789012")]
    public void Names_azure_accepts_pass(string name)
    {
        Assert.Null(AzureMlNames.EndpointProblem(name));
        Assert.Null(AzureMlNames.DeploymentProblem(name));
    }
}

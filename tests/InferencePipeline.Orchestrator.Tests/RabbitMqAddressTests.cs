using InferencePipeline.ServiceDefaults;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>The amqp:// connection strings the AppHost hands out, parsed for AddPipelineBus.</summary>
public sealed class RabbitMqAddressTests
{
    [Fact]
    public void Parses_aspires_uri_with_escaped_credentials()
    {
        var address = RabbitMqAddress.Parse("amqp://guest:p%40ss%3Aword@rabbit.local:5673/");
        Assert.Equal(new RabbitMqAddress("rabbit.local", 5673, "/", "guest", "p@ss:word"), address);
    }

    [Fact]
    public void Fills_rabbitmq_defaults_and_reads_the_virtual_host()
    {
        Assert.Equal(new RabbitMqAddress("localhost", 5672, "pipelines", "guest", "guest"), RabbitMqAddress.Parse("amqp://localhost/pipelines"));
    }

    [Theory]
    [InlineData("localhost:5672")]
    [InlineData("http://localhost:5672/")]
    public void Rejects_what_is_not_an_amqp_uri_with_a_message_naming_it(string connectionString)
    {
        var error = Assert.Throws<FormatException>(() => RabbitMqAddress.Parse(connectionString));
        Assert.Contains("amqp://", error.Message);
    }
}

using Google.Protobuf;
using Inference;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

/// <summary>
/// Triton's queue policy fields are known fields of our ModelConfig, with Triton's field numbers (the wire format of
/// ModelConfig, which a Triton client reads from ModelConfig responses), not text kept aside as unknown.
/// </summary>
public sealed class QueuePolicyConfigTests
{
    private const string WithQueuePolicy = """
        name: "bert"
        max_batch_size: 8
        dynamic_batching {
          preferred_batch_size: [ 4 ]
          max_queue_delay_microseconds: 100
          priority_levels: 2
          default_priority_level: 1
          default_queue_policy {
            timeout_action: DELAY
            default_timeout_microseconds: 50000
            allow_timeout_override: true
            max_queue_size: 32
          }
          priority_queue_policy {
            key: 1
            value: { max_queue_size: 4 }
          }
        }
        """;

    [Fact]
    public void Queue_policy_is_read_into_typed_fields_and_kept_nowhere_else()
    {
        var document = ModelConfigText.ParseDocument(WithQueuePolicy);

        Assert.Empty(document.UnknownFields);
        var batching = document.Config.DynamicBatching;
        Assert.Equal(2UL, batching.PriorityLevels);
        Assert.Equal(1UL, batching.DefaultPriorityLevel);
        var policy = batching.DefaultQueuePolicy;
        Assert.Equal(ModelQueuePolicy.Types.TimeoutAction.Delay, policy.TimeoutAction);
        Assert.Equal(50_000UL, policy.DefaultTimeoutMicroseconds);
        Assert.True(policy.AllowTimeoutOverride);
        Assert.Equal(32U, policy.MaxQueueSize);
        Assert.Equal(4U, batching.PriorityQueuePolicy[1].MaxQueueSize);
        Assert.Equal(document.Config, ModelConfigText.Parse(ModelConfigText.Format(document.Config)));
    }

    [Theory]
    [InlineData("timeout_action", 1)]
    [InlineData("default_timeout_microseconds", 2)]
    [InlineData("allow_timeout_override", 3)]
    [InlineData("max_queue_size", 4)]
    public void Queue_policy_fields_have_tritons_numbers(string field, int number) =>
        Assert.Equal(number, ModelQueuePolicy.Descriptor.FindFieldByName(field).FieldNumber);

    [Theory]
    [InlineData("preferred_batch_size", 1)]
    [InlineData("max_queue_delay_microseconds", 2)]
    [InlineData("preserve_ordering", 3)]
    [InlineData("priority_levels", 4)]
    [InlineData("default_priority_level", 5)]
    [InlineData("default_queue_policy", 6)]
    [InlineData("priority_queue_policy", 7)]
    public void Dynamic_batching_fields_have_tritons_numbers(string field, int number) =>
        Assert.Equal(number, ModelDynamicBatching.Descriptor.FindFieldByName(field).FieldNumber);

    [Fact]
    public void Timeout_actions_have_tritons_values_and_the_wire_bytes_match()
    {
        Assert.Equal(0, (int)ModelQueuePolicy.Types.TimeoutAction.Reject);
        Assert.Equal(1, (int)ModelQueuePolicy.Types.TimeoutAction.Delay);
        // max_queue_size = 7 is field 4, varint: tag 0x20 then 0x07.
        Assert.Equal(new byte[] { 0x20, 0x07 }, new ModelQueuePolicy { MaxQueueSize = 7 }.ToByteArray());
    }
}

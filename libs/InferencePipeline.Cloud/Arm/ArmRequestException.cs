namespace InferencePipeline.Cloud.Arm;

/// <summary>Azure refused or failed a request; the message says what happened and what to do about it.</summary>
public class ArmRequestException(string message, ArmError? error = null, Exception? inner = null) : Exception(message, inner)
{
    public ArmError? Error { get; } = error;
}

/// <summary>No credential could be had, or Azure no longer accepts the one given.</summary>
public sealed class AzureCredentialException(string message, Exception? inner = null) : ArmRequestException(message, null, inner);

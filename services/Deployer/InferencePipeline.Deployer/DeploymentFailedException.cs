using InferencePipeline.Stages;

namespace InferencePipeline.Deployer;

/// <summary>The deployment cannot succeed on retry (the server refuses the model, the answer is wrong): becomes StageFailed.</summary>
public sealed class DeploymentFailedException(string message, Exception? innerException = null) : StageFailedException(message, innerException);

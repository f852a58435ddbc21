namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// A service cannot start for a reason its operator fixes (a dependency that never answered, a setting that is wrong).
/// The message is the one line the host prints: the cause and the setting that fixes it.
/// </summary>
public sealed class StartupFaultException(string message, Exception? innerException = null) : Exception(message, innerException);

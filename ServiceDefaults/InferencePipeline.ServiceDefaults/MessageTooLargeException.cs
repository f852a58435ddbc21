using System.Runtime.Serialization;

namespace InferencePipeline.ServiceDefaults;

/// <summary>A message body past <see cref="MessageSizeLimit"/>: it cannot be read, the same failure as malformed JSON.</summary>
public sealed class MessageTooLargeException(string message) : SerializationException(message);

using Microsoft.Extensions.Configuration;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// The largest message body a pipeline service reads or sends (<c>Pipeline:Messaging:MaxMessageBytes</c>, 4 MiB by
/// default). Pipeline messages carry artifact URIs and figures, a few KiB; models and data travel through the artifact
/// store. A body past the limit is a mistake or an attack: it is moved to its queue's <c>_error</c> queue unread instead
/// of being parsed into the service's memory, and our own publishers refuse to send one.
/// </summary>
public sealed record MessageSizeLimit(long MaxBytes)
{
    public const string Setting = "Pipeline:Messaging:MaxMessageBytes";
    public const long DefaultMaxBytes = 4 * 1024 * 1024;

    /// <summary>The configured limit; a value that is not a positive number of bytes stops the service with the setting named.</summary>
    public static MessageSizeLimit From(IConfiguration configuration)
    {
        var text = configuration[Setting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MessageSizeLimit(DefaultMaxBytes);
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? new MessageSizeLimit(bytes)
            : throw new InvalidOperationException(
                $"{Setting} is '{text}', not a positive number of bytes; set it to the largest message body to accept (default {DefaultMaxBytes}).");
    }

    /// <summary>Why a body of <paramref name="bytes"/> is refused, in words that name the limit and the setting that changes it.</summary>
    public string Refusal(long bytes, string what) =>
        $"{what} is {bytes} bytes, over the {MaxBytes}-byte limit on pipeline messages ({Setting}); it was not read. " +
        "Pipeline messages carry artifact URIs, not data: upload large inputs to the artifact store, or raise the setting on every service.";
}

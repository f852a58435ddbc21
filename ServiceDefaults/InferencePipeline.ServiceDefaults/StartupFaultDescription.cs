using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Turns the exception a service's start failed with into the one line its host prints: what went wrong, in the
/// operator's terms, and the setting that fixes it. No stack trace: a start-up fault is a setting or a missing server
/// to fix, not a bug to debug.
/// </summary>
public static partial class StartupFaultDescription
{
    /// <summary>The setting that moves a web service to another address.</summary>
    public const string UrlsSetting = "ASPNETCORE_URLS (or --urls)";

    /// <param name="portSetting">For a port that is taken: the setting that chooses it (a host with several ports names
    /// the one for each).</param>
    public static string Describe(Exception error, Func<int, string>? portSetting = null)
    {
        var inner = Unwrap(error);
        var line = inner switch
        {
            StartupFaultException fault => fault.Message,
            IOException { InnerException: AddressInUseException } io => PortInUse(io, portSetting ?? (_ => UrlsSetting)),
            OptionsValidationException invalid => $"invalid settings: {string.Join("; ", invalid.Failures)}",
            FormatException or InvalidOperationException or DirectoryNotFoundException or UnauthorizedAccessException or ArgumentException
                => inner.Message,
            _ when IsFromBus(inner) => $"RabbitMQ did not let the bus start: {Innermost(inner).Message}. Check the address, user, " +
                $"password and virtual host in ConnectionStrings:{PipelineBusExtensions.RabbitMqConnectionName}",
            _ => $"{inner.GetType().Name}: {inner.Message}",
        };
        // One line, whatever the exception's message held.
        return string.Join(' ', line.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string PortInUse(IOException error, Func<int, string> portSetting)
    {
        var match = BoundAddress().Match(error.Message);
        if (!match.Success || !int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return $"{error.Message.TrimEnd('.')}: another process listens there; stop it, or choose a free port with {portSetting(0)}";
        }
        return $"port {port} is already in use ({match.Groups["address"].Value}): another process listens there; stop it, " +
            $"or choose a free port with {portSetting(port)}";
    }

    /// <summary>Hosting may wrap the fault of one hosted service; the fault itself is what to describe.</summary>
    private static Exception Unwrap(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => error,
    };

    private static Exception Innermost(Exception error) => error.InnerException is { } inner ? Innermost(inner) : error;

    /// <summary>MassTransit's and RabbitMQ.Client's failures to connect, by where they come from.</summary>
    private static bool IsFromBus(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            var ns = e.GetType().Namespace ?? "";
            if (ns.StartsWith("MassTransit", StringComparison.Ordinal) || ns.StartsWith("RabbitMQ", StringComparison.Ordinal) ||
                e is SocketException)
            {
                return true;
            }
        }
        return false;
    }

    // Kestrel: "Failed to bind to address http://127.0.0.1:5000: address already in use."
    [GeneratedRegex(@"address (?<address>\S+:(?<port>\d+))")]
    private static partial Regex BoundAddress();
}

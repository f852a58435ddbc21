using System.Globalization;

namespace InferencePipeline.InferenceServer.Hosting;

/// <summary>
/// Maps tritonserver-style arguments (<c>--model-repository=/m</c>, <c>--grpc-port 8001</c>,
/// <c>--model-control-mode explicit --load-model bert --load-model add</c>, <c>--model-control-mode poll
/// --repository-poll-secs 5</c>) to configuration keys of the
/// "InferenceServer" section, so scripts written for Triton start the embedded server unchanged.
/// </summary>
public static class TritonServerArguments
{
    public const string GrpcPortKey = InferenceServerOptions.SectionName + ":GrpcPort";
    public const string HttpPortKey = InferenceServerOptions.SectionName + ":HttpPort";

    /// <summary>Set only by <c>--metrics-port</c>: without it /metrics is served on the HTTP port.</summary>
    public const string MetricsPortKey = InferenceServerOptions.SectionName + ":MetricsPort";
    public const int DefaultGrpcPort = 8001;
    public const int DefaultHttpPort = 8000;

    public static IReadOnlyDictionary<string, string?> ToConfiguration(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var loadModels = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }
            var equals = arg.IndexOf('=');
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            string Value()
            {
                if (equals > 0)
                {
                    return arg[(equals + 1)..];
                }
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"--{name} needs a value");
                }
                return args[++i];
            }

            switch (name)
            {
                case "model-repository" or "model-store":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.ModelRepository)}"] = Value();
                    break;
                case "model-control-mode":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.ControlMode)}"] = ControlMode(Value()).ToString();
                    break;
                case "load-model":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.LoadModels)}:{loadModels++}"] = Value();
                    break;
                case "grpc-port":
                    values[GrpcPortKey] = Port(name, Value());
                    break;
                case "http-port":
                    values[HttpPortKey] = Port(name, Value());
                    break;
                case "metrics-port":
                    values[MetricsPortKey] = Port(name, Value());
                    break;
                case "exit-on-error":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.ExitOnError)}"] = Bool(name, Value());
                    break;
                case "repository-poll-secs":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.RepositoryPollInterval)}"] = PollInterval(name, Value());
                    break;
                case "max-request-bytes":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.MaxRequestBytes)}"] = Value();
                    break;
                case "max-queue-size":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.MaxQueueSize)}"] = Value();
                    break;
                case "max-in-flight-bytes":
                    values[$"{InferenceServerOptions.SectionName}:{nameof(InferenceServerOptions.MaxInFlightBytes)}"] = Value();
                    break;
            }
        }
        return values;
    }

    /// <summary>The flag that chose <paramref name="port"/> (for a start that finds it taken), or all three when unknown.</summary>
    public static string PortSetting(Microsoft.Extensions.Configuration.IConfiguration configuration, int port)
    {
        int? Configured(string key, int? fallback) =>
            int.TryParse(configuration[key], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
        if (port != 0 && port == Configured(GrpcPortKey, DefaultGrpcPort))
        {
            return "--grpc-port";
        }
        if (port != 0 && port == Configured(HttpPortKey, DefaultHttpPort))
        {
            return "--http-port";
        }
        return port != 0 && port == Configured(MetricsPortKey, null) ? "--metrics-port" : "--grpc-port, --http-port or --metrics-port";
    }

    private static ModelControlMode ControlMode(string value) => value.ToLowerInvariant() switch
    {
        "none" => ModelControlMode.None,
        "explicit" => ModelControlMode.Explicit,
        "poll" => ModelControlMode.Poll,
        _ => throw new ArgumentException($"--model-control-mode '{value}' is not supported: use 'none', 'explicit' or 'poll'"),
    };

    /// <summary>Seconds, as tritonserver takes them, written as a TimeSpan for the options binder.</summary>
    private static string PollInterval(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture)
            : throw new ArgumentException($"--{name} '{value}' is not a whole number of seconds greater than 0");

    private static string Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "on" => "true",
        "false" or "0" or "off" => "false",
        _ => throw new ArgumentException($"--{name} '{value}' is not true or false"),
    };

    private static string Port(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? value
            : throw new ArgumentException($"--{name} '{value}' is not a port number");
}

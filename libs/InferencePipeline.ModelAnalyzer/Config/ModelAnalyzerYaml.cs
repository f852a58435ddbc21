using System.Globalization;
using InferencePipeline.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// Reads Model Analyzer's YAML (the <c>profile</c> and <c>analyze</c> files share one set of keys). Keys it does
/// not know are reported as warnings, each by its path; a value of the wrong type or out of range is a
/// <see cref="ModelAnalyzerConfigException"/> with the key's path, its line and what was expected.
/// Relative paths are resolved against <c>baseDirectory</c> (the directory the command runs in, as Model Analyzer does).
/// </summary>
public static class ModelAnalyzerYaml
{
    /// <summary>Reads <paramref name="path"/>; a missing or unreadable file is an error naming it.</summary>
    public static ModelAnalyzerConfig Load(string path, string baseDirectory, ICollection<string> warnings)
    {
        var full = Path.GetFullPath(path, baseDirectory);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelAnalyzerConfigException(full, "", 0, "the file does not exist; give -f the path of a Model Analyzer YAML file.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelAnalyzerConfigException(full, "", 0, $"the file cannot be read ({e.Message}); check its permissions.", e);
        }

        return Parse(text, full, baseDirectory, warnings);
    }

    public static ModelAnalyzerConfig Parse(string text, string source, string baseDirectory, ICollection<string> warnings)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ModelAnalyzerConfigException(source, "", (int)e.Start.Line, $"not valid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || YamlNodeReader.IsNull(stream.Documents[0].RootNode))
        {
            throw new ModelAnalyzerConfigException(source, "", 0, "the file is empty; it needs at least 'profile_models' or 'analysis_models'.");
        }

        var reader = new YamlNodeReader(source, warnings);
        var root = stream.Documents[0].RootNode;
        var state = new Builder(reader, baseDirectory) { Config = new ModelAnalyzerConfig { Source = source } };
        reader.ReadMapping(root, "", state.TopLevelHandlers(), "the Model Analyzer config");
        return state.Finish(root);
    }

    /// <summary>The reading state of one file: the config built so far and the handlers of its keys.</summary>
    private sealed class Builder(YamlNodeReader r, string baseDirectory)
    {
        private double? _latencyBudget;
        private double? _minThroughput;
        private IReadOnlyList<MetricConstraint> _constraints = [];

        public ModelAnalyzerConfig Config { get; set; } = null!;

        public Dictionary<string, Action<YamlNode, string>> TopLevelHandlers() => new()
        {
            ["model_repository"] = (v, p) => Config = Config with { ModelRepository = PathOf(v, p) },
            ["output_model_repository_path"] = (v, p) => Config = Config with { OutputModelRepositoryPath = PathOf(v, p) },
            ["override_output_model_repository"] = (v, p) => Config = Config with { OverrideOutputModelRepository = r.Bool(v, p) },
            ["checkpoint_directory"] = (v, p) => Config = Config with { CheckpointDirectory = PathOf(v, p) },
            ["export_path"] = (v, p) => Config = Config with { ExportPath = PathOf(v, p) },
            ["profile_models"] = (v, p) => Config = Config with { ProfileModels = ProfileModels(v, p) },
            ["analysis_models"] = (v, p) => Config = Config with { AnalysisModels = AnalysisModels(v, p) },
            ["concurrency"] = (v, p) => Config = Config with { Parameters = Config.Parameters with { Concurrency = r.IntList(v, p, 1) } },
            ["batch_sizes"] = (v, p) => Config = Config with { Parameters = Config.Parameters with { BatchSizes = r.IntList(v, p, 1) } },
            ["request_rate"] = (v, p) => Config = Config with { Parameters = Config.Parameters with { RequestRate = r.NumberList(v, p, 0) } },
            ["run_config_search_mode"] = (v, p) => Config = Config with { SearchMode = SearchMode(v, p) },
            ["run_config_search_disable"] = (v, p) => Config = Config with { SearchDisable = r.Bool(v, p) },
            ["run_config_search_min_concurrency"] = (v, p) => Config = Config with { MinConcurrency = r.Int(v, p, 1) },
            ["run_config_search_max_concurrency"] = (v, p) => Config = Config with { MaxConcurrency = r.Int(v, p, 1) },
            ["run_config_search_min_request_rate"] = (v, p) => Config = Config with { MinRequestRate = r.Int(v, p, 1) },
            ["run_config_search_max_request_rate"] = (v, p) => Config = Config with { MaxRequestRate = r.Int(v, p, 1) },
            ["run_config_search_min_instance_count"] = (v, p) => Config = Config with { MinInstanceCount = r.Int(v, p, 1) },
            ["run_config_search_max_instance_count"] = (v, p) => Config = Config with { MaxInstanceCount = r.Int(v, p, 1) },
            ["run_config_search_min_model_batch_size"] = (v, p) => Config = Config with { MinModelBatchSize = r.Int(v, p, 1) },
            ["run_config_search_max_model_batch_size"] = (v, p) => Config = Config with { MaxModelBatchSize = r.Int(v, p, 1) },
            ["run_config_search_max_binary_search_steps"] = (v, p) => Config = Config with { MaxBinarySearchSteps = r.Int(v, p, 0) },
            ["num_configs_per_model"] = (v, p) => Config = Config with { NumConfigsPerModel = r.Int(v, p, 1) },
            ["num_top_model_configs"] = (v, p) => Config = Config with { NumTopModelConfigs = r.Int(v, p, 0) },
            ["perf_analyzer_flags"] = (v, p) => Config = Config with { PerfAnalyzerFlags = Flags(v, p) },
            ["triton_launch_mode"] = (v, p) => Config = Config with { LaunchMode = LaunchMode(v, p) },
            ["triton_grpc_endpoint"] = (v, p) => Config = Config with { GrpcEndpoint = r.String(v, p) },
            ["triton_http_endpoint"] = (v, p) => Config = Config with { HttpEndpoint = r.String(v, p) },
            ["triton_docker_image"] = (v, p) => Config = Config with { DockerImage = r.String(v, p) },
            ["latency_budget"] = (v, p) => _latencyBudget = r.Number(v, p, 0),
            ["min_throughput"] = (v, p) => _minThroughput = r.Number(v, p, 0),
            ["constraints"] = (v, p) => _constraints = Constraints(v, p),
            ["objectives"] = (v, p) => Config = Config with { Objectives = Objectives(v, p) },
            ["inference_output_fields"] = (v, p) => Config = Config with { InferenceOutputFields = Fields(v, p) },
            ["server_output_fields"] = (v, p) => Config = Config with { ServerOutputFields = Fields(v, p) },
            ["filename_model_inference"] = (v, p) => Config = Config with { FilenameModelInference = FileName(v, p) },
            ["filename_server_only"] = (v, p) => Config = Config with { FilenameServerOnly = FileName(v, p) },
        };

        public ModelAnalyzerConfig Finish(YamlNode root)
        {
            var constraints = new ConstraintSet(_constraints);
            var extra = new List<MetricConstraint>();
            if (_latencyBudget is { } budget)
            {
                extra.Add(new MetricConstraint(Metrics.LatencyP99, null, budget));
            }

            if (_minThroughput is { } floor)
            {
                extra.Add(new MetricConstraint(Metrics.Throughput, floor, null));
            }

            var config = Config with { Constraints = constraints.With(extra).Constraints };
            if (config.CheckpointDirectory == "checkpoints")
            {
                config = config with { CheckpointDirectory = Path.GetFullPath("checkpoints", baseDirectory) };
            }

            if (config.ExportPath == ".")
            {
                config = config with { ExportPath = Path.GetFullPath(baseDirectory) };
            }

            Check(root, config.MinConcurrency <= config.MaxConcurrency, "run_config_search_min_concurrency",
                $"run_config_search_min_concurrency ({config.MinConcurrency}) is above run_config_search_max_concurrency ({config.MaxConcurrency})");
            Check(root, config.MinInstanceCount <= config.MaxInstanceCount, "run_config_search_min_instance_count",
                $"run_config_search_min_instance_count ({config.MinInstanceCount}) is above run_config_search_max_instance_count ({config.MaxInstanceCount})");
            Check(root, config.MinModelBatchSize <= config.MaxModelBatchSize, "run_config_search_min_model_batch_size",
                $"run_config_search_min_model_batch_size ({config.MinModelBatchSize}) is above run_config_search_max_model_batch_size ({config.MaxModelBatchSize})");
            Check(root, config.Parameters.Concurrency is null || config.Parameters.RequestRate is null, "request_rate",
                "'concurrency' and 'request_rate' exclude each other: a sweep measures one kind of load");
            return config;
        }

        private void Check(YamlNode root, bool condition, string key, string problem)
        {
            if (!condition)
            {
                throw new ModelAnalyzerConfigException(r.Source, key, 0, problem);
            }
        }

        private string PathOf(YamlNode node, string path)
        {
            var text = r.String(node, path);
            if (text.Trim().Length == 0)
            {
                throw r.Error(node, path, "expected a path, got an empty string");
            }

            return Path.GetFullPath(text, baseDirectory);
        }

        private string FileName(YamlNode node, string path)
        {
            var text = r.String(node, path);
            return text.Length > 0 && text.IndexOfAny(['/', '\\']) < 0 && text is not "." and not ".."
                ? text
                : throw r.Error(node, path, $"expected a plain file name (no folders: the file goes under export_path/results), got '{text}'");
        }

        private ConfigSearchMode SearchMode(YamlNode node, string path) => r.String(node, path).Trim().ToLowerInvariant() switch
        {
            "brute" => ConfigSearchMode.Brute,
            "quick" => ConfigSearchMode.Quick,
            var other => throw r.Error(node, path, $"expected 'brute' or 'quick', got '{other}'"),
        };

        private TritonLaunchMode LaunchMode(YamlNode node, string path) => r.String(node, path).Trim().ToLowerInvariant() switch
        {
            "local" => TritonLaunchMode.Local,
            "remote" => TritonLaunchMode.Remote,
            "docker" => TritonLaunchMode.Docker,
            var other => throw r.Error(node, path, $"expected 'local' (the embedded server), 'remote' (a running KServe v2 server) or 'docker' (the Triton container), got '{other}'"),
        };

        private IReadOnlyList<ProfileModelSpec> ProfileModels(YamlNode node, string path)
        {
            var models = new List<ProfileModelSpec>();
            switch (node)
            {
                case YamlSequenceNode seq:
                    for (var i = 0; i < seq.Children.Count; i++)
                    {
                        var item = seq.Children[i];
                        if (item is YamlMappingNode single && single.Children.Count == 1)
                        {
                            var (key, value) = single.Children.First();
                            models.Add(ProfileModel(r.String(key, $"{path}[{i}]"), value, $"{path}[{i}].{((YamlScalarNode)key).Value}"));
                        }
                        else
                        {
                            models.Add(ProfileModel(ModelName(item, $"{path}[{i}]"), null, $"{path}[{i}]"));
                        }
                    }

                    break;
                case YamlMappingNode:
                    foreach (var (key, value, keyPath) in r.Entries(node, path))
                    {
                        models.Add(ProfileModel(ModelName(key, keyPath, node), value, keyPath));
                    }

                    break;
                case YamlScalarNode when !YamlNodeReader.IsNull(node):
                    models.AddRange(r.StringList(node, path).Select(name => ProfileModel(ModelName(name, path, node), null, path)));
                    break;
                default:
                    throw r.Error(node, path, "expected a list of model names or a mapping of model names to their settings");
            }

            if (models.Count == 0)
            {
                throw r.Error(node, path, "names no model; list the models of model_repository to profile");
            }

            var duplicate = models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
            return duplicate is null ? models : throw r.Error(node, path, $"model '{duplicate.Key}' is listed twice");
        }

        private ProfileModelSpec ProfileModel(string name, YamlNode? settings, string path)
        {
            ParameterMap? parameters = null;
            var load = LoadParameters.None;
            var flags = PerfAnalyzerFlags.None;
            IReadOnlyList<MetricConstraint>? constraints = null;
            IReadOnlyList<Objective>? objectives = null;
            if (settings is not null)
            {
                r.ReadMapping(settings, path, new Dictionary<string, Action<YamlNode, string>>
                {
                    ["model_config_parameters"] = (v, p) => parameters = ParameterTree(v, p) as ParameterMap
                        ?? throw r.Error(v, p, "expected a mapping of config.pbtxt fields to the values to search"),
                    ["parameters"] = (v, p) => load = Load(v, p),
                    ["perf_analyzer_flags"] = (v, p) => flags = Flags(v, p),
                    ["constraints"] = (v, p) => constraints = Constraints(v, p),
                    ["objectives"] = (v, p) => objectives = Objectives(v, p),
                }, $"model '{name}'");
            }

            return new ProfileModelSpec(name, parameters, load, flags, constraints, objectives);
        }

        private IReadOnlyList<AnalysisModelSpec> AnalysisModels(YamlNode node, string path)
        {
            var models = new List<AnalysisModelSpec>();
            void Add(string name, YamlNode? settings, string p)
            {
                IReadOnlyList<MetricConstraint>? constraints = null;
                IReadOnlyList<Objective>? objectives = null;
                if (settings is not null)
                {
                    r.ReadMapping(settings, p, new Dictionary<string, Action<YamlNode, string>>
                    {
                        ["constraints"] = (v, kp) => constraints = Constraints(v, kp),
                        ["objectives"] = (v, kp) => objectives = Objectives(v, kp),
                    }, $"analysis model '{name}'");
                }

                models.Add(new AnalysisModelSpec(name, constraints, objectives));
            }

            switch (node)
            {
                case YamlSequenceNode seq:
                    for (var i = 0; i < seq.Children.Count; i++)
                    {
                        Add(ModelName(seq.Children[i], $"{path}[{i}]"), null, $"{path}[{i}]");
                    }

                    break;
                case YamlMappingNode:
                    foreach (var (key, value, keyPath) in r.Entries(node, path))
                    {
                        Add(ModelName(key, keyPath, node), value, keyPath);
                    }

                    break;
                default:
                    foreach (var name in r.StringList(node, path))
                    {
                        Add(ModelName(name, path, node), null, path);
                    }

                    break;
            }

            return models.Count > 0 ? models : throw r.Error(node, path, "names no model; list the profiled models to analyze");
        }

        private string ModelName(YamlNode node, string path) => ModelName(r.String(node, path), path, node);

        private string ModelName(string name, string path, YamlNode node) =>
            ModelNames.Problem(name) is { } problem ? throw r.Error(node, path, problem) : name;

        private LoadParameters Load(YamlNode node, string path)
        {
            var load = LoadParameters.None;
            r.ReadMapping(node, path, new Dictionary<string, Action<YamlNode, string>>
            {
                ["concurrency"] = (v, p) => load = load with { Concurrency = r.IntList(v, p, 1) },
                ["batch_sizes"] = (v, p) => load = load with { BatchSizes = r.IntList(v, p, 1) },
                ["request_rate"] = (v, p) => load = load with { RequestRate = r.NumberList(v, p, 0) },
            }, "parameters");
            return load.Concurrency is not null && load.RequestRate is not null
                ? throw r.Error(node, path, "'concurrency' and 'request_rate' exclude each other: a sweep measures one kind of load")
                : load;
        }

        private PerfAnalyzerFlags Flags(YamlNode node, string path)
        {
            var flags = PerfAnalyzerFlags.None;
            r.ReadMapping(node, path, new Dictionary<string, Action<YamlNode, string>>
            {
                ["shape"] = (v, p) => flags = flags with { Shapes = Shapes(v, p) },
                ["measurement-interval"] = (v, p) => flags = flags with { MeasurementIntervalMs = r.Int(v, p, 1) },
                ["percentile"] = (v, p) => flags = flags with { Percentile = Percentile(v, p) },
                ["input-data"] = (v, p) => flags = flags with { InputData = InputData(v, p) },
                ["stability-percentage"] = (v, p) => flags = flags with { StabilityPercentage = Stability(v, p) },
                ["max-trials"] = (v, p) => flags = flags with { MaxTrials = r.Int(v, p, 3) },
            }, "perf_analyzer_flags (supported: shape, measurement-interval, percentile, input-data, stability-percentage, max-trials)");
            return flags;
        }

        private int Percentile(YamlNode node, string path)
        {
            var value = r.Int(node, path, 1);
            return value is 50 or 90 or 95 or 99 ? value : throw r.Error(node, path, $"expected 50, 90, 95 or 99, got {value}");
        }

        private double Stability(YamlNode node, string path)
        {
            var value = r.Number(node, path, 0);
            return value < 100 ? value : throw r.Error(node, path, $"expected a percentage in (0, 100), got {value}");
        }

        private string InputData(YamlNode node, string path)
        {
            var text = r.String(node, path).Trim();
            return text is "random" or "zero" ? text : Path.GetFullPath(text, baseDirectory);
        }

        /// <summary>perf_analyzer's "--shape name:d1,d2", one string or a list of them.</summary>
        private IReadOnlyDictionary<string, long[]> Shapes(YamlNode node, string path)
        {
            var shapes = new Dictionary<string, long[]>();
            var items = node is YamlSequenceNode seq ? seq.Children.Select((c, i) => (c, $"{path}[{i}]")).ToList() : [(node, path)];
            foreach (var (item, itemPath) in items)
            {
                var text = r.String(item, itemPath);
                var colon = text.LastIndexOf(':');
                var dims = colon > 0 ? text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries) : [];
                var parsed = dims.Select(d => long.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : -1).ToArray();
                if (colon <= 0 || parsed.Length == 0 || parsed.Any(d => d < 1))
                {
                    throw r.Error(item, itemPath, $"expected 'input_name:dim1,dim2' with positive dims (perf_analyzer's --shape), got '{text}'");
                }

                shapes[text[..colon]] = parsed;
            }

            return shapes;
        }

        private IReadOnlyList<MetricConstraint> Constraints(YamlNode node, string path)
        {
            var list = new List<MetricConstraint>();
            foreach (var (metric, value, metricPath) in r.Entries(node, path))
            {
                if (Metrics.Unmeasured.Contains(metric))
                {
                    r.Warn(value, metricPath, $"'{metric}' is not measured by this profiler (no GPU/host counters); the constraint is ignored");
                    continue;
                }

                if (Metrics.Find(metric)?.FromStats is null)
                {
                    throw r.Error(value, metricPath, $"unknown metric '{metric}'; constraints take {string.Join(", ", Metrics.StatTags)}");
                }

                double? min = null, max = null;
                r.ReadMapping(value, metricPath, new Dictionary<string, Action<YamlNode, string>>
                {
                    ["min"] = (v, p) => min = r.Number(v, p, 0),
                    ["max"] = (v, p) => max = r.Number(v, p, 0),
                }, $"constraint '{metric}' (min, max)");
                if (min is null && max is null)
                {
                    throw r.Error(value, metricPath, "a constraint needs 'min' or 'max'");
                }

                list.Add(new MetricConstraint(metric, min, max));
            }

            return list;
        }

        /// <summary>A list of metrics (equal weights) or a mapping of metric to weight, as Model Analyzer takes them.</summary>
        private IReadOnlyList<Objective> Objectives(YamlNode node, string path)
        {
            var objectives = new List<Objective>();
            if (node is YamlMappingNode)
            {
                foreach (var (metric, value, metricPath) in r.Entries(node, path))
                {
                    objectives.Add(new Objective(ObjectiveMetric(metric, value, metricPath), YamlNodeReader.IsNull(value) ? 1 : r.Number(value, metricPath, 0)));
                }
            }
            else
            {
                objectives.AddRange(r.StringList(node, path).Select(metric => new Objective(ObjectiveMetric(metric, node, path), 1)));
            }

            return objectives.Count > 0 ? objectives : throw r.Error(node, path, "names no objective");
        }

        private string ObjectiveMetric(string metric, YamlNode node, string path) =>
            Metrics.Find(metric)?.FromStats is not null
                ? metric
                : throw r.Error(node, path, $"unknown objective '{metric}'; objectives take {string.Join(", ", Metrics.StatTags)}");

        private IReadOnlyList<string> Fields(YamlNode node, string path)
        {
            var fields = r.StringList(node, path);
            return fields.Count > 0 ? fields : throw r.Error(node, path, "names no field");
        }

        private ParameterNode ParameterTree(YamlNode node, string path) => node switch
        {
            YamlMappingNode => new ParameterMap(path, YamlNodeReader.LineOf(node),
                r.Entries(node, path).Select(e => KeyValuePair.Create(e.Key, ParameterTree(e.Value, e.Path))).ToList()),
            YamlSequenceNode seq => new ParameterList(path, YamlNodeReader.LineOf(node),
                seq.Children.Select((c, i) => ParameterTree(c, $"{path}[{i}]")).ToList()),
            YamlScalarNode s when !YamlNodeReader.IsNull(s) => new ParameterScalar(path, YamlNodeReader.LineOf(node), s.Value!.Trim(),
                s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted),
            _ => throw r.Error(node, path, "expected a value"),
        };
    }

    internal static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using InferencePipeline.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>profile_models and analysis_models, and the model_config_parameters tree of a model.</summary>
internal sealed partial class ModelAnalyzerYamlReader
{
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

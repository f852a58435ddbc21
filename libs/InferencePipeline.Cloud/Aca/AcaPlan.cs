using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InferencePipeline.Cloud.Aca;

/// <summary>
/// The manifest read as Container Apps: an app per project and container, a Bicep parameter per manifest
/// parameter (secure when secret) and per project image, an Azure Files share per named volume (and the
/// artifacts share for every service whose artifact store points at it), and every <c>{resource.…}</c> expression
/// resolved to what it is inside the environment: the app's name as host, its ingress port, the parameter. An env
/// value that holds a secret becomes a Container Apps secret.
/// </summary>
public sealed partial class AcaPlan
{
    private readonly AspireManifest _manifest;
    private readonly AcaPublishOptions _options;

    private AcaPlan(AspireManifest manifest, AcaPublishOptions options)
    {
        _manifest = manifest;
        _options = options;
    }

    public List<AcaApp> Apps { get; } = [];

    /// <summary>Bicep parameter name → (secure, description).</summary>
    public SortedDictionary<string, (bool Secure, string Description)> Parameters { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Shares { get; } = new(StringComparer.Ordinal);

    public static AcaPlan From(AspireManifest manifest, AcaPublishOptions options)
    {
        var plan = new AcaPlan(manifest, options);
        plan.Build();
        return plan;
    }

    private void Build()
    {
        foreach (var (name, resource) in _manifest.Resources)
        {
            switch (AspireManifest.TypeOf(resource))
            {
                case "project.v0" or "project.v1" or "container.v0" or "container.v1":
                    Apps.Add(App(name, resource));
                    break;
                case "parameter.v0":
                    var secret = resource["inputs"]?["value"]?["secret"]?.GetValue<bool>() ?? false;
                    Parameters[BicepText.Identifier(name)] = (secret, $"The value of Aspire parameter '{name}'.");
                    break;
                case "value.v0" or "annotated.string":
                    break;
                case var other:
                    throw new AcaPublishException(
                        $"Resource '{name}' is a {other}, which Container Apps cannot run from this manifest: publish only project, container, parameter and value resources.");
            }
        }
    }

    private AcaApp App(string name, JsonObject resource)
    {
        if (!AppName().IsMatch(name) || name.Contains("--", StringComparison.Ordinal))
        {
            throw new AcaPublishException($"Resource '{name}' cannot be a container app name: 2-32 lowercase letters, digits or '-', starting with a letter, ending with a letter or digit, no '--'.");
        }

        var type = AspireManifest.TypeOf(resource);
        var fromProject = type.StartsWith("project", StringComparison.Ordinal);
        string image;
        if (fromProject || resource["image"] is null)
        {
            var parameter = BicepText.Identifier(name) + "_image";
            Parameters[parameter] = (false, $"Container image of '{name}' (its project published with dotnet publish /t:PublishContainer, pushed to a registry the environment can pull from).");
            image = parameter;
        }
        else
        {
            image = BicepText.String(resource["image"]!.GetValue<string>());
        }

        var app = new AcaApp(name, image, fromProject)
        {
            Gpu = !fromProject && _options.GpuImagePrefixes.Any(p => resource["image"]!.GetValue<string>().StartsWith(p, StringComparison.Ordinal)),
            Stateful = resource["volumes"] is JsonArray { Count: > 0 } && !fromProject,
            ScaleQueue = _options.QueueScaledApps.GetValueOrDefault(name),
            Ingress = Ingress(name, resource),
        };

        if (resource["entrypoint"]?.GetValue<string>() is { } entrypoint)
        {
            app.Command.Add(BicepText.String(entrypoint));
        }

        foreach (var arg in resource["args"] as JsonArray ?? [])
        {
            var (value, secret) = Resolve(arg!.GetValue<string>(), name);
            if (secret)
            {
                throw new AcaPublishException($"An argument of '{name}' holds a secret; Container Apps shows arguments in plain text: pass it in the environment.");
            }

            app.Args.Add(value);
        }

        foreach (var (variable, node) in resource["env"] as JsonObject ?? [])
        {
            var (value, secret) = Resolve(node!.GetValue<string>(), name);
            if (secret)
            {
                var secretName = SecretName(variable);
                app.Secrets[secretName] = value;
                app.Env.Add((variable, null, secretName));
            }
            else
            {
                app.Env.Add((variable, value, null));
            }

            if (variable == _options.ArtifactsRootVariable)
            {
                Mount(app, _options.ArtifactsVolume, node.GetValue<string>());
            }
        }

        foreach (var volume in resource["volumes"] as JsonArray ?? [])
        {
            Mount(app, volume!["name"]!.GetValue<string>(), volume["target"]!.GetValue<string>());
        }

        if (fromProject)
        {
            // Projects send their telemetry to the environment's Aspire dashboard.
            app.Env.Add(("OTEL_EXPORTER_OTLP_ENDPOINT", BicepText.String("http://aspire-dashboard:18889"), null));
            app.Env.Add(("OTEL_SERVICE_NAME", BicepText.String(name), null));
        }

        if (app.ScaleQueue is not null)
        {
            var (uri, _) = Resolve($"{{{_options.RabbitMqResource}.connectionString}}", name);
            app.Secrets["scale-rabbitmq-uri"] = uri;
        }

        return app;
    }

    private void Mount(AcaApp app, string volume, string mountPath)
    {
        var share = ShareName(volume);
        Shares.Add(share);
        if (!app.Volumes.Any(v => v.MountPath == mountPath))
        {
            app.Volumes.Add((share, mountPath));
        }
    }

    private AcaIngress? Ingress(string name, JsonObject resource)
    {
        var bindings = (resource["bindings"] as JsonObject ?? [])
            .Where(b => b.Value?["scheme"]?.GetValue<string>() != "https")
            .Select(b => (Name: b.Key, Binding: b.Value!.AsObject()))
            .ToList();
        if (bindings.Count == 0)
        {
            return null;
        }

        var main = bindings.FirstOrDefault(b => b.Name == "grpc");
        if (main.Binding is null)
        {
            main = bindings.FirstOrDefault(b => b.Name == "http");
        }

        if (main.Binding is null)
        {
            main = bindings[0];
        }

        var transport = main.Binding["scheme"]?.GetValue<string>() is "tcp" or "redis" || main.Binding["transport"]?.GetValue<string>() == "tcp"
            ? "tcp"
            : main.Name == "grpc" || main.Binding["transport"]?.GetValue<string>() == "http2" ? "http2" : "http";
        var external = bindings.Any(b => b.Binding["external"]?.GetValue<bool>() ?? false);
        if (external && transport == "tcp")
        {
            throw new AcaPublishException($"'{name}' asks for an external TCP port; only HTTP apps are published outside the environment.");
        }

        var others = bindings.Where(b => b.Name != main.Name).Select(b => TargetPort(name, b.Binding)).ToList();
        return new AcaIngress(transport, TargetPort(name, main.Binding), external, others);
    }

    private int TargetPort(string resource, JsonObject binding) =>
        binding["targetPort"]?.GetValue<int>()
        ?? (AspireManifest.TypeOf(_manifest.Resources[resource]).StartsWith("project", StringComparison.Ordinal)
            ? _options.ProjectPort
            : throw new AcaPublishException($"A binding of container '{resource}' has no targetPort."));

    /// <summary>A manifest value with its {…} expressions as a Bicep expression, and whether it holds a secret.</summary>
    private (string Bicep, bool Secret) Resolve(string value, string owner)
    {
        var (parts, secret) = Parts(value, owner, 0);
        return (Render(parts), secret);
    }

    /// <summary>
    /// Literal text and Bicep expressions, in order; a reference to another value (a connection string) splices
    /// that value's parts in, so no string is interpolated into another.
    /// </summary>
    private (List<(bool Literal, string Text)> Parts, bool Secret) Parts(string value, string owner, int depth)
    {
        if (depth > 10)
        {
            throw new AcaPublishException($"Expressions in '{owner}' refer to each other in a loop.");
        }

        var parts = new List<(bool Literal, string Text)>();
        var secret = false;
        var at = 0;
        foreach (Match match in Expression().Matches(value))
        {
            parts.Add((true, value[at..match.Index]));
            var (inner, innerSecret) = Reference(match.Groups[1].Value, owner, depth);
            parts.AddRange(inner);
            secret |= innerSecret;
            at = match.Index + match.Length;
        }

        parts.Add((true, value[at..]));
        return (parts.Where(p => !p.Literal || p.Text.Length > 0).ToList(), secret);
    }

    /// <summary>The parts as one Bicep expression: a literal string, the expression itself, or an interpolated string.</summary>
    private static string Render(IReadOnlyList<(bool Literal, string Text)> parts)
    {
        if (parts.Count == 1 && !parts[0].Literal)
        {
            return parts[0].Text;
        }

        var text = new StringBuilder("'");
        foreach (var (literal, part) in parts)
        {
            text.Append(literal ? BicepText.Escape(part) : $"${{{part}}}");
        }

        return text.Append('\'').ToString();
    }

    private (List<(bool Literal, string Text)> Parts, bool Secret) Reference(string reference, string owner, int depth)
    {
        var parts = reference.Split('.');
        if (!_manifest.Resources.TryGetValue(parts[0], out var target))
        {
            throw new AcaPublishException($"'{owner}' refers to {{{reference}}}, but the manifest has no resource '{parts[0]}'.");
        }

        var type = AspireManifest.TypeOf(target);
        switch (parts)
        {
            case [_, "value"] when type == "parameter.v0":
                var secret = target["inputs"]?["value"]?["secret"]?.GetValue<bool>() ?? false;
                return ([(false, BicepText.Identifier(parts[0]))], secret);
            case [_, "value"] when type == "annotated.string":
                var (inner, innerSecret) = Parts(target["value"]!.GetValue<string>(), owner, depth + 1);
                return target["filter"]?.GetValue<string>() == "uri" ? ([(false, $"uriComponent({Render(inner)})")], innerSecret) : (inner, innerSecret);
            case [_, "connectionString"] or [_, "value"]:
                var expression = target["connectionString"]?.GetValue<string>() ?? target["value"]?.GetValue<string>() ?? "";
                return Parts(expression, owner, depth + 1);
            case [_, "bindings", var binding, var property]:
                return ([(true, BindingProperty(parts[0], target, binding, property, owner))], false);
            default:
                throw new AcaPublishException($"'{owner}' refers to {{{reference}}}, which this publisher does not know how to resolve.");
        }
    }

    private string BindingProperty(string resource, JsonObject target, string bindingName, string property, string owner)
    {
        var binding = target["bindings"]?[bindingName] as JsonObject
                      ?? throw new AcaPublishException($"'{owner}' refers to binding '{bindingName}' of '{resource}', which it does not have.");
        var ingress = Ingress(resource, target)!;
        var targetPort = TargetPort(resource, binding);
        var isMain = targetPort == ingress.TargetPort;
        // Inside the environment: HTTP apps answer on port 80 of their name; TCP and extra ports on their own number.
        var port = isMain && ingress.Transport != "tcp" ? 80 : targetPort;
        var scheme = binding["scheme"]?.GetValue<string>() ?? "http";
        return property switch
        {
            "host" => resource,
            "port" => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "targetPort" => targetPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "scheme" => scheme,
            "url" => port == 80 ? $"{scheme}://{resource}" : $"{scheme}://{resource}:{port}",
            _ => throw new AcaPublishException($"'{owner}' refers to {resource}.bindings.{bindingName}.{property}, which this publisher does not resolve."),
        };
    }

    /// <summary>An env variable's secret name: lowercase letters, digits and '-'.</summary>
    public static string SecretName(string variable)
    {
        var name = new string(variable.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return MultipleHyphens().Replace(name, "-");
    }

    /// <summary>A volume's Azure Files share (and environment storage) name: 3-63 lowercase letters, digits and single '-'.</summary>
    public static string ShareName(string volume)
    {
        var name = MultipleHyphens().Replace(new string(volume.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()), "-").Trim('-');
        name = name.Length > 32 ? name[..32].TrimEnd('-') : name;
        return name.Length >= 3 ? name : name + "-share";
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_.\-]+)\}")]
    private static partial Regex Expression();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$")]
    private static partial Regex AppName();

    [GeneratedRegex("-{2,}")]
    private static partial Regex MultipleHyphens();
}

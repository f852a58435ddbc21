using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.InferenceServer.KServe;
using InferencePipeline.InferenceServer.Repository;
using InferencePipeline.InferenceServer.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// The KServe v2 HTTP/REST endpoints with Triton's extensions: health, metadata, infer (JSON and binary
/// tensor data), config, statistics, repository index/load/unload, and Prometheus /metrics. Inference goes
/// through the same <see cref="InferenceRunner"/> as gRPC, so both refuse and count requests the same way.
/// </summary>
internal static class RestEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/metrics", Metrics);

        var v2 = endpoints.MapGroup("/v2");
        v2.MapGet("", ServerMetadata);
        v2.MapGet("/health/live", () => Results.Ok());
        v2.MapGet("/health/ready", () => Results.Ok());
        v2.MapGet("/models/{name}/ready", (string name, ModelRegistry registry) =>
            registry.IsReady(name) ? Results.Ok() : Results.BadRequest());
        v2.MapGet("/models/{name}/versions/{version}/ready", (string name, string version, ModelRegistry registry) =>
            registry.IsReady(name, version) ? Results.Ok() : Results.BadRequest());
        v2.MapGet("/models/{name}", (string name, ModelRegistry registry) => Metadata(registry, name, null));
        v2.MapGet("/models/{name}/versions/{version}", (string name, string version, ModelRegistry registry) =>
            Metadata(registry, name, version));

        v2.MapPost("/models/{name}/infer", (HttpContext context, string name) => InferAsync(context, name, null));
        v2.MapPost("/models/{name}/versions/{version}/infer", (HttpContext context, string name, string version) =>
            InferAsync(context, name, version));

        v2.MapGet("/models/{name}/config", (string name, ModelRegistry registry) => Config(registry, name, null));
        v2.MapGet("/models/{name}/versions/{version}/config", (string name, string version, ModelRegistry registry) =>
            Config(registry, name, version));

        v2.MapGet("/models/stats", (ModelRegistry registry) => Statistics(registry, null, null));
        v2.MapGet("/models/{name}/stats", (string name, ModelRegistry registry) => Statistics(registry, name, null));
        v2.MapGet("/models/{name}/versions/{version}/stats", (string name, string version, ModelRegistry registry) =>
            Statistics(registry, name, version));

        v2.MapPost("/repository/index", RepositoryIndexAsync);
        v2.MapPost("/repository/models/{name}/load", RepositoryLoadAsync);
        v2.MapPost("/repository/models/{name}/unload", RepositoryUnloadAsync);
    }

    private static IResult ServerMetadata() => Json(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("name", ServerIdentity.Name);
        writer.WriteString("version", ServerIdentity.Version);
        writer.WriteStartArray("extensions");
        foreach (var extension in (string[])["binary_tensor_data", "model_repository", "model_repository(unload_dependents)",
                     "schedule_policy", "model_configuration", "statistics"])
        {
            writer.WriteStringValue(extension);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static IResult Metadata(ModelRegistry registry, string name, string? version)
    {
        try
        {
            var metadata = ModelMetadataBuilder.Build(registry, name, version);
            return Results.Json(new
            {
                name = metadata.Name,
                versions = metadata.Versions,
                platform = metadata.Platform,
                inputs = metadata.Inputs.Select(t => new { name = t.Name, datatype = t.Datatype, shape = t.Shape }),
                outputs = metadata.Outputs.Select(t => new { name = t.Name, datatype = t.Datatype, shape = t.Shape }),
            });
        }
        catch (InferenceException e)
        {
            return RestErrors.From(e);
        }
    }

    private static async Task InferAsync(HttpContext context, string name, string? version)
    {
        var runner = context.RequestServices.GetRequiredService<InferenceRunner>();
        var inFlight = runner.InFlight;
        var maxRequestBytes = context.RequestServices.GetRequiredService<IOptions<InferenceServerOptions>>().Value.MaxRequestBytes;
        byte[]? rented = null;
        long held = 0;
        var inputBuffers = new List<byte[]>(2);
        try
        {
            // Counted before the body is read, so a server at its in-flight limit does not first take in another body.
            Hold(inFlight, ref held, context.Request.ContentLength ?? 0);
            // JSON numbers take a few times the bytes of the tensor they encode; allow for that before MaxRequestBytes applies.
            var body = await RequestBodyBuffer.ReadAsync(context, Math.Min(int.MaxValue - 64, maxRequestBytes * 4 + 1024 * 1024))
                .ConfigureAwait(false);
            rented = body.Array;
            // The pooled array (and an inflated body) can be larger than what was declared.
            Hold(inFlight, ref held, rented.Length - held);
            var request = RestInferRequestReader.Read(name, version, body.Memory, HeaderLength(context.Request), maxRequestBytes, inputBuffers);
            var response = await runner.InferAsync(request.Request).ConfigureAwait(false);
            try
            {
                await RestInferResponseWriter.WriteAsync(context.Response, response, request).ConfigureAwait(false);
            }
            finally
            {
                if (response.RentedOutputBuffer is { } outputs)
                {
                    ArrayPool<byte>.Shared.Return(outputs);
                }
            }
        }
        catch (InferenceException e)
        {
            await RestErrors.From(e).ExecuteAsync(context).ConfigureAwait(false);
        }
        finally
        {
            inFlight.Release(held);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
            foreach (var buffer in inputBuffers)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Counts <paramref name="bytes"/> more as held by this request, or refuses it with 503.</summary>
    private static void Hold(InFlightRequestBytes inFlight, ref long held, long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }
        if (!inFlight.TryReserve(bytes))
        {
            throw inFlight.Refusal(bytes);
        }
        held += bytes;
    }

    private static int? HeaderLength(HttpRequest request)
    {
        var value = request.Headers[RestInferResponseWriter.HeaderLengthName];
        if (value.Count == 0)
        {
            return null;
        }
        return int.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw InferenceException.Invalid($"{RestInferResponseWriter.HeaderLengthName} must be a non-negative integer, got '{value[0]}'");
    }

    private static IResult Config(ModelRegistry registry, string name, string? version)
    {
        try
        {
            var config = registry.Get(name, version).Definition.Config;
            return Results.Text(ConfigJson.Format(config), "application/json");
        }
        catch (InferenceException e)
        {
            return RestErrors.From(e);
        }
    }

    private static IResult Statistics(ModelRegistry registry, string? name, string? version)
    {
        try
        {
            var snapshots = ModelStatisticsSelection.Select(registry, name, version).Select(m => m.Statistics.Snapshot(m.Definition.Name, m.Definition.Version)).ToList();
            return Json(writer => StatisticsJson.Write(writer, snapshots));
        }
        catch (InferenceException e)
        {
            return RestErrors.From(e);
        }
    }

    private static IResult Metrics(ModelRegistry registry)
    {
        var loaded = registry.Loaded.ToList();
        var snapshots = loaded.Select(m => m.Statistics.Snapshot(m.Definition.Name, m.Definition.Version)).ToList();
        return Results.Text(PrometheusMetricsWriter.Write(snapshots, loaded.Select(m => m.PendingRequests).ToList()), PrometheusMetricsWriter.ContentType);
    }

    private static async Task<IResult> RepositoryIndexAsync(HttpContext context, ModelRegistry registry)
    {
        try
        {
            using var body = await ReadOptionalJsonAsync(context).ConfigureAwait(false);
            var readyOnly = body is not null && body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True;
            var entries = registry.Index(readyOnly);
            return Json(writer =>
            {
                writer.WriteStartArray();
                foreach (var entry in entries)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", entry.Name);
                    if (!string.IsNullOrEmpty(entry.Version))
                    {
                        writer.WriteString("version", entry.Version);
                    }
                    if (!string.IsNullOrEmpty(entry.State))
                    {
                        writer.WriteString("state", entry.State);
                    }
                    if (!string.IsNullOrEmpty(entry.Reason))
                    {
                        writer.WriteString("reason", entry.Reason);
                    }
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            });
        }
        catch (InferenceException e)
        {
            return RestErrors.From(e);
        }
    }

    private static async Task<IResult> RepositoryLoadAsync(HttpContext context, string name, ModelRegistry registry,
        IOptions<InferenceServerOptions> options)
    {
        try
        {
            ModelControl.RequireExplicitMode(options.Value);
            using var body = await ReadOptionalJsonAsync(context).ConfigureAwait(false);
            var modelOverride = body is null ? null : ModelLoadOverride.FromLoadBody(name, body.RootElement);
            await registry.LoadAsync(name, modelOverride, context.RequestAborted).ConfigureAwait(false);
            return Results.Ok();
        }
        catch (InferenceException e)
        {
            return RestErrors.From(e);
        }
    }

    private static async Task<IResult> RepositoryUnloadAsync(HttpContext context, string name, ModelRegistry registry,
        IOptions<InferenceServerOptions> options)
    {
        try
        {
            ModelControl.RequireExplicitMode(options.Value);
            await registry.UnloadAsync(name, context.RequestAborted).ConfigureAwait(false);
            return Results.Ok();
        }
        catch (InferenceException e)
        {
            return RestErrors.From(e);
        }
    }

    /// <summary>The JSON body of a control request, or null when the body is empty (all these bodies are optional).</summary>
    private static async Task<JsonDocument?> ReadOptionalJsonAsync(HttpContext context)
    {
        var body = await RequestBodyBuffer.ReadAsync(context, 64L * 1024 * 1024).ConfigureAwait(false);
        try
        {
            if (body.Memory.Span.Trim(" \t\r\n"u8).IsEmpty)
            {
                return null;
            }
            // JsonDocument.Parse keeps a reference to the memory, so give it its own copy of the pooled bytes.
            return JsonDocument.Parse(body.Memory.ToArray());
        }
        catch (JsonException e)
        {
            throw InferenceException.Invalid($"failed to parse the request JSON buffer: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Array);
        }
    }

    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }
}

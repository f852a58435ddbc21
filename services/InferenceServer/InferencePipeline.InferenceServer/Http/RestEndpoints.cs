using InferencePipeline.InferenceServer.KServe;
using InferencePipeline.InferenceServer.Repository;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>The KServe v2 HTTP/REST health and metadata endpoints (inference over HTTP is not offered yet).</summary>
internal static class RestEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var v2 = endpoints.MapGroup("/v2");
        v2.MapGet("/health/live", () => Results.Ok());
        v2.MapGet("/health/ready", () => Results.Ok());
        v2.MapGet("/models/{name}/ready", (string name, ModelRegistry registry) =>
            registry.IsReady(name) ? Results.Ok() : Results.BadRequest());
        v2.MapGet("/models/{name}/versions/{version}/ready", (string name, string version, ModelRegistry registry) =>
            registry.IsReady(name, version) ? Results.Ok() : Results.BadRequest());
        v2.MapGet("/models/{name}", (string name, ModelRegistry registry) => Metadata(registry, name, null));
        v2.MapGet("/models/{name}/versions/{version}", (string name, string version, ModelRegistry registry) =>
            Metadata(registry, name, version));
    }

    private static IResult Metadata(ModelRegistry registry, string name, string? version)
    {
        try
        {
            var metadata = ModelMetadataBuilder.Build(registry.Get(name, version).Definition);
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
            return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status404NotFound);
        }
    }
}

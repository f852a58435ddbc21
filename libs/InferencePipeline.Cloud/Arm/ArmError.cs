using System.Net;
using System.Text.Json.Nodes;

namespace InferencePipeline.Cloud.Arm;

/// <summary>ARM's error body (<c>{"error": {"code", "message", "details"}}</c>) with the HTTP status it came with.</summary>
public sealed record ArmError(HttpStatusCode Status, string Code, string Message)
{
    public static ArmError From(HttpStatusCode status, string? body)
    {
        JsonNode? error = null;
        try
        {
            error = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body)?["error"];
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (error is null)
        {
            return new ArmError(status, status.ToString(), string.IsNullOrWhiteSpace(body) ? $"HTTP {(int)status}" : body.Trim());
        }

        var code = error["code"]?.GetValue<string>() ?? status.ToString();
        var message = error["message"]?.GetValue<string>() ?? "";
        if (error["details"] is JsonArray details)
        {
            var inner = details.Select(d => d?["message"]?.GetValue<string>()).Where(m => !string.IsNullOrWhiteSpace(m)).ToList();
            if (inner.Count > 0)
            {
                message = $"{message} ({string.Join("; ", inner)})";
            }
        }

        return new ArmError(status, code, message);
    }

    /// <summary>The error of a long-running operation that ended Failed or Canceled (its status body).</summary>
    public static ArmError FromOperation(JsonNode? status)
    {
        var error = status?["error"];
        return new ArmError(HttpStatusCode.OK,
            error?["code"]?.GetValue<string>() ?? status?["status"]?.GetValue<string>() ?? "Failed",
            error?["message"]?.GetValue<string>() ?? "the operation ended without saying why");
    }

    public override string ToString() => $"{Code}: {Message}";
}

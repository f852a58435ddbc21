namespace InferencePipeline.Cloud.Tests.Aca;

/// <summary>An Aspire manifest shaped as the AppHost publishes it: a broker with a volume and a secret, a stage, the API, the server.</summary>
public static class SampleManifest
{
    public const string EmbeddedServer = """
        "inference-server": {
          "type": "project.v0",
          "path": "../services/InferenceServer/InferencePipeline.InferenceServer.Host/InferencePipeline.InferenceServer.Host.csproj",
          "args": ["--model-repository", "/mnt/artifacts/model-repository", "--grpc-port", "8001", "--http-port", "8000"],
          "env": { "HTTP_PORTS": "{inference-server.bindings.grpc.targetPort};{inference-server.bindings.http.targetPort}", "Pipeline__Artifacts__Root": "/mnt/artifacts" },
          "bindings": {
            "grpc": { "scheme": "http", "protocol": "tcp", "transport": "http", "targetPort": 8001 },
            "http": { "scheme": "http", "protocol": "tcp", "transport": "http", "targetPort": 8000 }
          }
        },
        """;

    public const string TritonServer = """
        "inference-server": {
          "type": "container.v0",
          "image": "nvcr.io/nvidia/tritonserver:25.01-py3",
          "entrypoint": "/bin/sh",
          "args": ["-c", "mkdir -p /mnt/artifacts/model-repository && exec tritonserver --model-repository=/mnt/artifacts/model-repository"],
          "volumes": [ { "name": "artifacts", "target": "/mnt/artifacts", "readOnly": false } ],
          "bindings": {
            "http": { "scheme": "http", "protocol": "tcp", "transport": "http", "targetPort": 8000 },
            "grpc": { "scheme": "http", "protocol": "tcp", "transport": "http", "targetPort": 8001 },
            "metrics": { "scheme": "http", "protocol": "tcp", "transport": "http", "targetPort": 8002 }
          }
        },
        """;

    public static readonly string Json = """
        {
          "$schema": "https://json.schemastore.org/aspire-8.0.json",
          "resources": {
            "rabbitmq": {
              "type": "container.v0",
              "connectionString": "amqp://guest:{rabbitmq-password-uri-encoded.value}@{rabbitmq.bindings.tcp.host}:{rabbitmq.bindings.tcp.port}",
              "image": "docker.io/library/rabbitmq:4.3",
              "volumes": [ { "name": "rabbitmq-data", "target": "/var/lib/rabbitmq", "readOnly": false } ],
              "env": { "RABBITMQ_DEFAULT_USER": "guest", "RABBITMQ_DEFAULT_PASS": "{rabbitmq-password.value}" },
              "bindings": { "tcp": { "scheme": "tcp", "protocol": "tcp", "transport": "tcp", "targetPort": 5672 } }
            },
        """ + EmbeddedServer + """
            "orchestrator": {
              "type": "project.v0",
              "path": "../services/Orchestrator/InferencePipeline.Orchestrator.Host/InferencePipeline.Orchestrator.Host.csproj",
              "env": {
                "HTTP_PORTS": "{orchestrator.bindings.http.targetPort}",
                "ConnectionStrings__rabbitmq": "{rabbitmq.connectionString}",
                "Pipeline__Artifacts__Root": "/mnt/artifacts"
              },
              "bindings": {
                "http": { "scheme": "http", "protocol": "tcp", "transport": "http", "external": true },
                "https": { "scheme": "https", "protocol": "tcp", "transport": "http", "external": true }
              }
            },
            "converter": {
              "type": "project.v0",
              "path": "../services/Converter/InferencePipeline.Converter.Host/InferencePipeline.Converter.Host.csproj",
              "env": {
                "HTTP_PORTS": "{converter.bindings.http.targetPort}",
                "ConnectionStrings__rabbitmq": "{rabbitmq.connectionString}",
                "RABBITMQ_HOST": "{rabbitmq.bindings.tcp.host}",
                "Pipeline__Artifacts__Root": "/mnt/artifacts",
                "Pipeline__InferenceServer__GrpcAddress": "{inference-server.bindings.grpc.url}"
              },
              "bindings": {
                "http": { "scheme": "http", "protocol": "tcp", "transport": "http" },
                "https": { "scheme": "https", "protocol": "tcp", "transport": "http" }
              }
            },
            "rabbitmq-password": {
              "type": "parameter.v0",
              "value": "{rabbitmq-password.inputs.value}",
              "inputs": { "value": { "type": "string", "secret": true, "default": { "generate": { "minLength": 22, "special": false } } } }
            },
            "rabbitmq-password-uri-encoded": { "type": "annotated.string", "value": "{rabbitmq-password.value}", "filter": "uri" }
          }
        }
        """;
}

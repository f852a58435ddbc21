using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Tests.Server.Http;
using InferencePipeline.Onnx;
using InferencePipeline.Testing.Fuzzing;
using Xunit.Abstractions;

namespace InferencePipeline.InferenceServer.Tests.Server.Fuzzing;

/// <summary>
/// KServe v2 requests fuzzed against a real embedded server: mutated requests over gRPC, mutated bytes on the gRPC
/// wire, mutated JSON and binary bodies over REST. Every case ends in an answer or a clear refusal (a status that names
/// the client's mistake, never INTERNAL/UNKNOWN or HTTP 500, and a message), allocates nothing in proportion to what a
/// request merely declares (a shape of 2^40 elements), and the server serves normally afterwards.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class KServeFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int GrpcCases = 3000;
    private const int WireCases = 2000;
    private const int RestCases = 3000;

    /// <summary>Small, so that what a request really sends stays far below what a runaway allocation would be.</summary>
    private const long MaxRequestBytes = 1 << 20;

    /// <summary>Bytes one case may allocate, server and client together, before it counts as allocating what it declared.</summary>
    private const long AllocationBound = 64L << 20;

    private static readonly StatusCode[] Refusals =
        [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.Unavailable, StatusCode.ResourceExhausted, StatusCode.Unimplemented];

    private static readonly Method<byte[], byte[]> RawModelInfer = new(
        MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer",
        Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private ServedRepository _served = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var repository = new TestModelRepository();
        await repository.AddAddAsync("add", 8);
        await repository.AddAddAsync("add_batched", 8, c =>
        {
            c.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 4 }, MaxQueueDelayMicroseconds = 1000 };
        });
        // Any shape the config allows reaches ONNX Runtime, which knows better: its refusal must still be the client's.
        await repository.AddAddAsync("add_any_shape", 0, c =>
        {
            c.Input[0].Dims.Clear();
            c.Input[0].Dims.Add([-1, -1]);
            c.Output[0].Dims.Clear();
            c.Output[0].Dims.Add([-1, -1]);
        });
        await repository.AddModelAsync("text", DemoModels.WriteStringIdentity, DemoModels.TextInputs, DemoModels.TextOutputs, 8);
        _served = await ServedRepository.StartAsync(repository, ModelControlMode.None, o => o.MaxRequestBytes = MaxRequestBytes);
        _http = RestClient.For(_served.Server);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _served.DisposeAsync();
    }

    private static ModelInferRequest[] ValidRequests() =>
    [
        AddRequests.Raw("add", AddRequests.Values(2, 1), 2),
        AddRequests.Typed("add_batched", AddRequests.Values(1, 2), 1),
        AddRequests.Raw("add_any_shape", AddRequests.Values(2, 3), 2),
        BytesRequests.Raw("text", BytesRequests.Values(2, 4), 2),
        BytesRequests.Typed("text", BytesRequests.Values(1, 5), 1),
    ];

    [Fact]
    public async Task Mutated_grpc_requests_are_answered_or_refused_with_a_clear_status()
    {
        var valid = ValidRequests();
        var clock = Stopwatch.StartNew();
        var failures = await FuzzCases.RunAsync(40_000, GrpcCases, async (i, random) =>
        {
            var request = KServeRequestMutator.Mutate(valid[i % valid.Length], random);
            return await CheckGrpcAsync(() => _served.Client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync,
                () => Describe(request));
        });

        output.WriteLine($"{GrpcCases} mutated gRPC requests in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, FuzzCases.Describe(failures, GrpcCases));
        await AssertServesAsync();
    }

    [Fact]
    public async Task Mutated_bytes_on_the_grpc_wire_are_refused_as_malformed_or_answered()
    {
        var valid = ValidRequests().Select(r => r.ToByteArray()).ToArray();
        var invoker = _served.Channel.CreateCallInvoker();
        var clock = Stopwatch.StartNew();
        var failures = await FuzzCases.RunAsync(41_000, WireCases, async (i, random) =>
        {
            var bytes = WireMutation(valid[i % valid.Length], random);
            return await CheckGrpcAsync(async () =>
                    ModelInferResponse.Parser.ParseFrom(await invoker.AsyncUnaryCall(RawModelInfer, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60)), bytes)),
                () => Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 200))));
        });

        output.WriteLine($"{WireCases} mutated ModelInfer payloads in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, FuzzCases.Describe(failures, WireCases));
        await AssertServesAsync();
    }

    [Fact]
    public async Task Mutated_rest_bodies_are_answered_or_refused_with_a_json_error_and_no_500()
    {
        var mutator = new TextMutator(
        [
            "{", "}", "[", "]", ":", ",", "\"", "null", "true", "-1", "1099511627776", "4611686018427387905", "9223372036854775807",
            "\"shape\": [1099511627776, 16],", "\"shape\": [],", "\"datatype\": \"BYTES\",", "\"datatype\": \"FP16\",", "\"data\": [[1, 2], [3]],",
            "\"parameters\": { \"binary_data_size\": -1 },", "\"parameters\": { \"binary_data_size\": 99999999999 },", "\"parameters\": { \"timeout\": \"x\" },",
            "\"data\": \"\\ud800\",", "\"data\": [\"\\u0000\"],", "\"outputs\": [ { \"name\": \"nope\" } ],", "\"inputs\": null,", "\"name\": 5,",
        ]);
        var bodies = new (string Model, string Json)[]
        {
            ("add", RestClient.AddJson(AddRequests.Values(2, 1), 2).ToJsonString()),
            ("add_any_shape", RestClient.AddJson(AddRequests.Values(2, 2), 2).ToJsonString()),
            ("text", """{"id":"t","inputs":[{"name":"TEXT","shape":[1,2],"datatype":"BYTES","data":["a","é"]}],"outputs":[{"name":"TEXT_OUT","parameters":{"binary_data":true}}]}"""),
        };
        var clock = Stopwatch.StartNew();
        var failures = await FuzzCases.RunAsync(42_000, RestCases, async (i, random) =>
        {
            var (model, json) = bodies[i % bodies.Length];
            var mutated = mutator.Mutate(json, random);
            using var request = RestRequest(model, mutated, random);
            var description = $"{request.RequestUri} {string.Join(' ', request.Content!.Headers.Select(h => $"{h.Key}={string.Join(',', h.Value)}"))}" +
                $" {string.Join(' ', request.Headers.Select(h => $"{h.Key}={string.Join(',', h.Value)}"))} {(mutated.Length > 400 ? mutated[..400] : mutated)}";
            var before = GC.GetTotalAllocatedBytes();
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var allocated = GC.GetTotalAllocatedBytes() - before;
            if (allocated > AllocationBound)
            {
                return $"allocated {allocated >> 20} MiB for {description}";
            }
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return null;
            }
            if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable))
            {
                return $"HTTP {(int)response.StatusCode} {text} for {description}";
            }
            try
            {
                var error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString();
                return string.IsNullOrWhiteSpace(error) ? $"an empty error for {description}" : null;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return $"HTTP {(int)response.StatusCode} without a JSON error ({text}) for {description}";
            }
        });

        output.WriteLine($"{RestCases} mutated REST bodies in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, FuzzCases.Describe(failures, RestCases));
        await AssertServesAsync();
    }

    /// <summary>
    /// Shapes whose element count overflows 64 bits to a small number, with exactly that many bytes sent: a server that
    /// multiplies without checking takes [2^32, 2^32] for 0 elements and hands ONNX Runtime a tensor it cannot hold.
    /// And a shape the config allows but the model does not, which ONNX Runtime itself refuses.
    /// </summary>
    [Theory]
    [InlineData("add_any_shape", new long[] { 1L << 62, 16 }, 16)]
    [InlineData("add_any_shape", new long[] { 1L << 32, 1L << 32 }, 0)]
    [InlineData("add_any_shape", new long[] { 4611686018427387905, 4 }, 16)]
    [InlineData("add_any_shape", new long[] { 1L << 40, 16 }, 64)]
    [InlineData("add", new long[] { 1L << 62, 16 }, 16)]
    [InlineData("text", new long[] { 1L << 63 - 1, 2 }, 8)]
    [InlineData("add_any_shape", new long[] { 2, 8 }, 64)]
    public async Task Declared_shapes_that_overflow_or_the_model_does_not_take_are_refused_without_allocating_them(string model, long[] shape, int bytes)
    {
        var input = model == "text" ? BytesRequests.Input(1) : new ModelInferRequest.Types.InferInputTensor { Name = DemoModels.TrivialInputName, Datatype = "FP32" };
        input.Shape.Clear();
        input.Shape.Add(shape);
        var request = new ModelInferRequest { ModelName = model, Inputs = { input }, RawInputContents = { ByteString.CopyFrom(new byte[bytes]) } };

        var failure = await CheckGrpcAsync(() => _served.Client.ModelInferAsync(request).ResponseAsync, () => Describe(request));

        Assert.Null(failure);
        var error = await Assert.ThrowsAsync<RpcException>(() => _served.Client.ModelInferAsync(request).ResponseAsync);
        Assert.Contains(error.StatusCode, (StatusCode[])[StatusCode.InvalidArgument, StatusCode.ResourceExhausted]);
        await AssertServesAsync();
    }

    /// <summary>Null when the call was answered, or refused with a status naming the client's mistake and a message.</summary>
    private static async Task<string?> CheckGrpcAsync(Func<Task<ModelInferResponse>> call, Func<string> describe)
    {
        var before = GC.GetTotalAllocatedBytes();
        string? failure = null;
        try
        {
            await call();
        }
        catch (RpcException e) when (Refusals.Contains(e.StatusCode) && !string.IsNullOrWhiteSpace(e.Status.Detail))
        {
        }
        catch (RpcException e)
        {
            failure = $"{e.StatusCode} '{e.Status.Detail}' for {describe()}";
        }
        var allocated = GC.GetTotalAllocatedBytes() - before;
        return failure ?? (allocated > AllocationBound ? $"allocated {allocated >> 20} MiB for {describe()}" : null);
    }

    /// <summary>A REST infer request: the JSON as is, or with a binary part, a header length that lies, or gzip that is not.</summary>
    private static HttpRequestMessage RestRequest(string model, string json, Random random)
    {
        var path = random.Next(10) == 0 ? $"/v2/models/{model}/versions/{random.Next(-1, 3)}/infer" : $"/v2/models/{model}/infer";
        var message = new HttpRequestMessage(HttpMethod.Post, path);
        var body = Encoding.UTF8.GetBytes(json);
        switch (random.Next(6))
        {
            case 0:
                // Triton's binary extension: JSON header, then raw bytes, with a header length that may lie.
                var binary = new byte[random.Next(0, 256)];
                random.NextBytes(binary);
                message.Content = new ByteArrayContent([.. body, .. binary]);
                message.Headers.TryAddWithoutValidation(RestClient.HeaderLength, random.Next(4) switch
                {
                    0 => body.Length.ToString(),
                    1 => (body.Length + binary.Length + random.Next(1, 100)).ToString(),
                    2 => random.Next(-5, body.Length).ToString(),
                    _ => "abc",
                });
                break;
            case 1:
                var compressed = new MemoryStream();
                using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                {
                    gzip.Write(body);
                }
                var zipped = compressed.ToArray();
                if (random.Next(2) == 0)
                {
                    zipped[random.Next(zipped.Length)] ^= 0xFF;
                }
                message.Content = new ByteArrayContent(zipped);
                message.Content.Headers.ContentEncoding.Add(random.Next(5) == 0 ? "br" : "gzip");
                break;
            case 2 when body.Length > 0:
                // Not UTF-8 at all in places.
                body[random.Next(body.Length)] = (byte)random.Next(0x80, 0x100);
                message.Content = new ByteArrayContent(body);
                break;
            default:
                message.Content = new ByteArrayContent(body);
                break;
        }
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return message;
    }

    /// <summary>Protobuf-level damage: bits flipped, bytes cut, inserted or repeated, varints stretched.</summary>
    private static byte[] WireMutation(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 16), bytes.Count - at));
                    break;
                case 2:
                    var junk = new byte[random.Next(1, 16)];
                    random.NextBytes(junk);
                    bytes.InsertRange(at, junk);
                    break;
                case 3:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(random.Next(1, 64), bytes.Count - at)));
                    break;
                default:
                    // A length or varint as long as protobuf allows, or longer.
                    bytes.InsertRange(at, Enumerable.Repeat((byte)0xFF, random.Next(1, 12)).Append((byte)0x01));
                    break;
            }
        }
        return [.. bytes];
    }

    private async Task AssertServesAsync()
    {
        Assert.True((await _served.Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        var values = AddRequests.Values(1, 9);
        var answer = await _served.Client.ModelInferAsync(AddRequests.Raw("add", values, 1));
        Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(answer));
    }

    private static string Describe(ModelInferRequest request)
    {
        var text = request.Clone();
        for (var i = 0; i < text.RawInputContents.Count; i++)
        {
            text.RawInputContents[i] = ByteString.CopyFromUtf8($"<{request.RawInputContents[i].Length} bytes>");
        }
        var json = text.ToString();
        return json.Length > 400 ? json[..400] : json;
    }
}

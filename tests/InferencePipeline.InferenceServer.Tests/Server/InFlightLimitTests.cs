using System.Net;
using Grpc.Core;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.InferenceServer.Tests.Server.Http;
using InferencePipeline.Onnx;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// The server-wide bound on request bytes held at once (<see cref="InferenceServerOptions.MaxInFlightBytes"/>): set
/// below one request here, so a request alone is served and every one arriving while another is held is refused.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class InFlightLimitTests : IAsyncLifetime
{
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        var repository = new TestModelRepository();
        await repository.AddAsync("slow", TestModels.SlowAdd, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 1);
        _served = await ServedRepository.StartAsync(repository, ModelControlMode.None, o => o.MaxInFlightBytes = 1);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Fact]
    public async Task Requests_arriving_while_the_limit_is_held_are_refused_and_a_lone_request_is_served()
    {
        using var http = RestClient.For(_served.Server);
        var calls = Enumerable.Range(0, 12).Select(async i =>
        {
            var values = AddRequests.Values(1, i);
            if (i % 2 == 0)
            {
                try
                {
                    await _served.Client.ModelInferAsync(AddRequests.Raw("slow", values, 1));
                    return null;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return e.Status.Detail;
                }
            }
            var response = await RestClient.PostJsonAsync(http, "/v2/models/slow/infer", RestClient.AddJson(values, 1));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return null;
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            return await RestClient.ErrorAsync(response);
        });
        var refusals = (await Task.WhenAll(calls)).OfType<string>().ToList();

        Assert.NotEmpty(refusals);
        Assert.True(refusals.Count < 12, "every request was refused, even the first");
        Assert.All(refusals, r => Assert.Contains("bytes of requests in flight", r));
        Assert.All(refusals, r => Assert.Contains("InferenceServer:MaxInFlightBytes", r));
        // Everything given back once answered, and a request alone still passes.
        Assert.Equal(0, _served.Server.Services.GetRequiredService<InFlightRequestBytes>().Held);
        var alone = await _served.Client.ModelInferAsync(AddRequests.Raw("slow", AddRequests.Values(1, 0), 1));
        Assert.Equal(AddRequests.Values(1, 0).Select(v => v + TestModels.SlowAddIterations), AddRequests.Output(alone));
    }
}

global using InferencePipeline.Cloud.AzureMl;
global using InferencePipeline.Cloud.Tests.FakeAzure;

using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("InferencePipeline.InferenceServer.Tests")]

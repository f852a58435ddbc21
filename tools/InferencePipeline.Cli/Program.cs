using InferencePipeline.Cli;

return await InferpipeApp.Create().RunAsync(args);

using InferencePipeline.OrtTuner.Trials;

// The child side of an isolated trial: InferencePipeline.OrtTuner.TrialWorker <request.json>.
return await TrialWorkerProgram.RunAsync(args, Console.Error);

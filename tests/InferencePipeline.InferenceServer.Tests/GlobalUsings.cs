// One repository helper for every test project (InferencePipeline.Testing), the server tests included.
global using InferencePipeline.Testing.Models;

global using ContractsVariant = InferencePipeline.Contracts.ConfigVariant;

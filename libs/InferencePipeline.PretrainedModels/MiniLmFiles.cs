namespace InferencePipeline.PretrainedModels;

/// <summary>The extracted all-MiniLM-L6-v2 files: the ONNX model and its WordPiece vocabulary (one token a line, id = line number).</summary>
public sealed record MiniLmFiles(string ModelPath, string VocabularyPath);

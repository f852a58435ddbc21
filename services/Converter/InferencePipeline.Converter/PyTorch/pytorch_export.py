# Exports a PyTorch model to ONNX for the converter, in a child process the converter starts with time and
# memory limits. Usage: python3 pytorch_export.py REQUEST.json
#
# The request names the model file and how to load it, the inputs (name, KServe datatype, shape with -1 for
# open dims), the output names, the opset and the example sizes. The script
#   1. limits its own address space (before torch is imported, so the limit covers everything torch maps),
#   2. loads the model (TorchScript with torch.jit.load, a whole pickled module with torch.load),
#   3. generates example inputs for each check (batch and open-dim sizes given by the request),
#   4. runs the model on them for the reference outputs,
#   5. exports with torch.onnx.export on the first example (dynamic batch axis on every input and output,
#      every other open input dim a named dynamic axis),
#   6. writes inputs and reference outputs as raw little-endian files plus result.json, so the converter can
#      run the ONNX model in ONNX Runtime on the very same inputs and compare.
# A failure writes result.json with ok=false, a kind the converter maps to its message, and the cause; the
# traceback goes to stderr, whose last lines the converter shows.

import json
import os
import sys
import time
import traceback


def write_result(work_dir, result):
    path = os.path.join(work_dir, "result.json")
    with open(path + ".part", "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(path + ".part", path)


class Failure(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def is_out_of_memory(error):
    if isinstance(error, MemoryError):
        return True
    text = str(error)
    return any(marker in text for marker in (
        "failed to map segment", "Cannot allocate memory", "can't allocate memory",
        "std::bad_alloc", "DefaultCPUAllocator", "out of memory"))


def first_line(error):
    """The line of an error that says what went wrong. TorchScript wraps errors raised inside a scripted or
    traced model in both tracebacks and puts the original error last."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    return lines[-1] if lines[0].startswith("The following operation failed in the TorchScript interpreter") else lines[0]


def cause(error):
    """'Type: what went wrong', without doubling a type name the line already starts with."""
    line = first_line(error)
    name = type(error).__name__
    return line if line.startswith(name + ":") else f"{name}: {line}"


def limit_memory(megabytes):
    if megabytes and megabytes > 0:
        import resource
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def import_torch():
    try:
        import torch  # noqa: F401
        import torch.onnx  # noqa: F401
        import numpy  # noqa: F401
    except BaseException as e:  # ImportError, OSError from a shared object, MemoryError
        if is_out_of_memory(e):
            raise Failure("out_of_memory", f"importing torch ran out of memory: {first_line(e)}")
        raise Failure("torch_missing", cause(e))
    return sys.modules["torch"]


def load_model(torch, request):
    path, kind = request["model_path"], request["model_kind"]
    try:
        if kind == "torchscript":
            model = torch.jit.load(path, map_location="cpu")
        else:
            # weights_only=False is the point of a trusted pickle: the caller said it may run code.
            model = torch.load(path, map_location="cpu")
    except BaseException as e:
        if is_out_of_memory(e):
            raise Failure("out_of_memory", f"loading the model ran out of memory: {first_line(e)}")
        raise Failure("load_failed", cause(e))

    if isinstance(model, dict):
        tensors = sum(1 for v in model.values() if isinstance(v, torch.Tensor))
        raise Failure("state_dict", f"{type(model).__name__} of {len(model)} entries, {tensors} of them tensors")
    if not isinstance(model, torch.nn.Module):
        raise Failure("not_a_module", f"the file holds a {type(model).__module__}.{type(model).__name__}")
    model.eval()
    return model


def forward_parameters(torch, model):
    """(names, required count, max count) of forward's arguments; max is None when it takes *args."""
    if isinstance(model, torch.jit.ScriptModule):
        args = [a for a in model.forward.schema.arguments if a.name != "self"]
        return [a.name for a in args], sum(1 for a in args if not a.has_default_value()), len(args)
    import inspect
    try:
        signature = inspect.signature(model.forward)
    except (TypeError, ValueError):
        return None, 0, None
    names, required, maximum = [], 0, 0
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL,):
            maximum = None
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
            if maximum is not None:
                maximum += 1
            if p.default is p.empty:
                required += 1
    return names, required, maximum


def check_input_count(torch, model, inputs):
    names, required, maximum = forward_parameters(torch, model)
    if names is None:
        return
    count = len(inputs)
    if count < required or (maximum is not None and count > maximum):
        raise Failure("input_count",
                      f"the model's forward takes {required if required == maximum else f'{required} to {maximum}'} "
                      f"input(s) ({', '.join(names) or 'none'}), but {count} input name(s) were given "
                      f"({', '.join(i['name'] for i in inputs)})")


TORCH_TYPES = {
    "FP32": "float32", "FP16": "float16", "BF16": "bfloat16", "FP64": "float64",
    "INT8": "int8", "INT16": "int16", "INT32": "int32", "INT64": "int64",
    "UINT8": "uint8", "BOOL": "bool",
}


def kserve_type(torch, dtype):
    for name, torch_name in TORCH_TYPES.items():
        if getattr(torch, torch_name) == dtype:
            return name
    return None


def id_limit(torch, model, configured):
    """Integer inputs are usually indices (token ids, positions, segments): keep them below the smallest
    embedding table, so every example index is valid whatever table an input feeds."""
    limit = configured
    for _, module in model.named_modules():
        name = getattr(module, "original_name", type(module).__name__)
        weight = getattr(module, "weight", None)
        if name in ("Embedding", "EmbeddingBag") and isinstance(weight, torch.Tensor) and weight.dim() == 2:
            limit = min(limit, int(weight.shape[0]))
    return max(limit, 1)


def example_inputs(torch, inputs, batch, open_size, ids, seed):
    generator = torch.Generator().manual_seed(seed)
    tensors = []
    for spec in inputs:
        shape = [batch if d == 0 else (open_size if size < 0 else size) for d, size in enumerate(spec["shape"])]
        dtype = getattr(torch, TORCH_TYPES[spec["datatype"]])
        if dtype.is_floating_point:
            tensor = torch.randn(shape, generator=generator, dtype=torch.float32).to(dtype)
        elif dtype == torch.bool:
            tensor = torch.randint(0, 2, shape, generator=generator).to(torch.bool)
        else:
            tensor = torch.randint(0, ids, shape, generator=generator, dtype=torch.int64).to(dtype)
        tensors.append(tensor)
    return tensors


def flatten(torch, value, into):
    if isinstance(value, torch.Tensor):
        into.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            flatten(torch, item, into)
    elif isinstance(value, dict):
        for item in value.values():
            flatten(torch, item, into)
    else:
        raise Failure("unsupported_output", f"the model returns a {type(value).__name__}, which ONNX cannot carry as an output")
    return into


def describe(inputs, tensors):
    return ", ".join(f"{spec['name']} {spec['datatype']} [{','.join(str(s) for s in t.shape)}]" for spec, t in zip(inputs, tensors))


def run_model(torch, model, inputs, tensors, first):
    # Grad mode stays on, as torch.onnx.export traces with it: in eval mode without grad, torch's fused
    # TransformerEncoder fast path would compute a reference the exported graph never runs.
    try:
        outputs = flatten(torch, model(*tensors), [])
    except Failure:
        raise
    except BaseException as e:
        if is_out_of_memory(e):
            raise Failure("out_of_memory", f"running the model ran out of memory: {first_line(e)}")
        # Failing only at the later check's sizes means a size declared open is fixed inside the model.
        kind = "model_rejected_inputs" if first else "rejects_other_sizes"
        raise Failure(kind, f"on {describe(inputs, tensors)}: {cause(e)}")
    return [o.detach() for o in outputs]


def save_tensor(torch, work_dir, file_name, tensor):
    tensor = tensor.detach().contiguous().cpu()
    if tensor.dtype == torch.bfloat16:
        tensor = tensor.view(torch.int16)
    with open(os.path.join(work_dir, file_name), "wb") as f:
        f.write(tensor.numpy().tobytes())


def dynamic_axes(inputs, output_names, outputs, batch):
    axes = {}
    for spec in inputs:
        named = {0: "batch"}
        for d, size in enumerate(spec["shape"]):
            if d > 0 and size < 0:
                named[d] = f"{spec['name']}_dim{d}"
        axes[spec["name"]] = named
    for name, tensor in zip(output_names, outputs):
        if tensor.dim() > 0 and tensor.shape[0] == batch:
            axes[name] = {0: "batch"}
    return axes


def check_opset(torch, opset):
    constants = getattr(torch.onnx, "_constants", None)
    low, high = getattr(constants, "ONNX_MIN_OPSET", None), getattr(constants, "ONNX_MAX_OPSET", None)
    if low is not None and high is not None and not low <= opset <= high:
        raise Failure("unsupported_opset", f"torch {torch.__version__} exports opsets {low} to {high}, not {opset}")


def export(torch, model, request, tensors, output_names, outputs, batch):
    inputs = request["inputs"]
    try:
        torch.onnx.export(
            model, tuple(tensors), request["onnx_path"],
            input_names=[i["name"] for i in inputs], output_names=output_names,
            opset_version=request["opset"], dynamic_axes=dynamic_axes(inputs, output_names, outputs, batch),
            do_constant_folding=True)
    except BaseException as e:
        text = str(e)
        if "_transformer_encoder_layer_fwd" in text or "_native_multi_head_attention" in text:
            raise Failure("fused_transformer", first_line(e))
        if "Unsupported ONNX opset version" in text:
            raise Failure("unsupported_opset", first_line(e))
        if type(e).__name__ == "UnsupportedOperatorError" or "is not supported" in text:
            raise Failure("unsupported_operator", first_line(e))
        if is_out_of_memory(e):
            raise Failure("out_of_memory", f"the export ran out of memory: {first_line(e)}")
        raise Failure("export_failed", cause(e))


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        request = json.load(f)
    work_dir = request["work_dir"]
    versions = {"python_version": sys.version.split()[0]}
    try:
        limit_memory(request.get("memory_limit_mb", 0))
        torch = import_torch()
        torch.manual_seed(request["seed"])
        versions["torch_version"] = torch.__version__
        check_opset(torch, request["opset"])

        model = load_model(torch, request)
        inputs = request["inputs"]
        check_input_count(torch, model, inputs)
        ids = id_limit(torch, model, request["example_id_limit"])

        checks = []
        for i, check in enumerate(request["checks"]):
            tensors = example_inputs(torch, inputs, check["batch"], check["open_size"], ids, request["seed"] + i)
            checks.append((check["batch"], tensors, run_model(torch, model, inputs, tensors, i == 0)))

        output_names = list(request["output_names"]) or [f"output_{i}" for i in range(len(checks[0][2]))]
        if len(output_names) != len(checks[0][2]):
            shapes = ", ".join(f"[{','.join(str(s) for s in o.shape)}]" for o in checks[0][2])
            raise Failure("output_count",
                          f"the model returns {len(checks[0][2])} output(s) ({shapes}), but {len(output_names)} "
                          f"output name(s) were given ({', '.join(output_names)})")
        for o in checks[0][2]:
            if kserve_type(torch, o.dtype) is None:
                raise Failure("unsupported_output", f"an output has dtype {o.dtype}, which the check cannot compare")

        started = time.monotonic()
        batch, tensors, outputs = checks[0]
        export(torch, model, request, tensors, output_names, outputs, batch)
        export_seconds = time.monotonic() - started

        manifest = []
        for i, (batch, tensors, outputs) in enumerate(checks):
            entry = {"batch": batch, "inputs": [], "outputs": []}
            for spec, tensor in zip(inputs, tensors):
                file_name = f"check{i}.input.{len(entry['inputs'])}.bin"
                save_tensor(torch, work_dir, file_name, tensor)
                entry["inputs"].append({"name": spec["name"], "datatype": spec["datatype"],
                                        "shape": list(tensor.shape), "file": file_name})
            for name, tensor in zip(output_names, outputs):
                file_name = f"check{i}.output.{len(entry['outputs'])}.bin"
                save_tensor(torch, work_dir, file_name, tensor)
                entry["outputs"].append({"name": name, "datatype": kserve_type(torch, tensor.dtype),
                                         "shape": list(tensor.shape), "file": file_name})
            manifest.append(entry)

        write_result(work_dir, dict(versions, ok=True, output_names=output_names, checks=manifest,
                                    export_seconds=export_seconds))
        return 0
    except Failure as failure:
        traceback.print_exc(file=sys.stderr)
        write_result(work_dir, dict(versions, ok=False, kind=failure.kind, message=str(failure)))
        return 2
    except BaseException as e:  # anything unforeseen still ends in a result the converter can read
        traceback.print_exc(file=sys.stderr)
        kind = "out_of_memory" if is_out_of_memory(e) else "unexpected"
        write_result(work_dir, dict(versions, ok=False, kind=kind, message=cause(e)))
        return 2


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Start an InferencePipeline run from any AMQP client, here Python's pika.

The orchestrator reads StartPipeline from the RabbitMQ queue 'start-pipeline' in MassTransit's JSON envelope:
content type application/vnd.masstransit+json, the message type as a URN, the message itself (camelCase fields)
under "message". Whoever can publish to the broker can start a pipeline, so keep the broker's credentials as
close as the API key.

usage: start_pipeline_pika.py AMQP_URL MODEL_URI [MODEL_NAME]
  AMQP_URL    the system's RabbitMQ, e.g. amqp://guest:guest@localhost:5672/
  MODEL_URI   the artifacts/ URI that POST /models answered, or a path under Pipeline:Models:AllowedRoots
  MODEL_NAME  the model's name in the serving repository (default: model)

Prints the new pipeline's id; follow it with GET /pipelines/{id} or 'inferpipe watch ID'.
Needs pika: apt install python3-pika (or pip install pika).
"""
import json
import sys
import uuid

import pika

QUEUE = "start-pipeline"
MESSAGE_TYPE = "urn:message:InferencePipeline.Contracts:StartPipeline"


def start_pipeline_envelope(pipeline_id, model_uri, model_name):
    """StartPipeline with every field given: a message, unlike POST /pipelines, gets no defaults filled in."""
    return {
        "messageId": str(uuid.uuid4()),
        "messageType": [MESSAGE_TYPE],
        "message": {
            "pipelineId": pipeline_id,
            "modelName": model_name,
            "modelUri": model_uri,
            "format": 0,                           # 0 Auto, 1 Onnx, 2 TorchScript, 3 PyTorch
            "inputs": [],                          # ONNX: read from the model; PyTorch: name, dataType, shape
            "outputs": [],
            "constraints": {"maxLatencyP99Ms": 50},
            "objectives": [{"metric": "perf_throughput", "weight": 1}],
            "searchSpace": {
                "concurrency": [1, 4, 16],
                "preferredBatchSizes": [4, 16],
                "instanceCounts": [1, 2],
                "measurementWindowMs": 500,
            },
            "deployTarget": {"kind": 0},           # 0 the inference server that profiled it
        },
    }


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, model_uri = argv[1], argv[2]
    model_name = argv[3] if len(argv) > 3 else "model"
    pipeline_id = str(uuid.uuid4())
    body = json.dumps(start_pipeline_envelope(pipeline_id, model_uri, model_name)).encode("utf-8")

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        # Publisher confirms and mandatory: fail loudly if the broker did not take it or the queue does not exist yet.
        channel.confirm_delivery()
        channel.basic_publish(
            exchange="",
            routing_key=QUEUE,
            body=body,
            properties=pika.BasicProperties(content_type="application/vnd.masstransit+json", delivery_mode=2),
            mandatory=True,
        )
    finally:
        connection.close()

    print(pipeline_id)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Drives botocore's SQS client against the wire handler (see TestBotocoreClients).

Usage: botocore_check.py <protocol: json|query> <endpoint> <cases.json> <out.json> [query-model.json]

Current botocore describes SQS in the JSON protocol only (its model has lost the Query names), so
the query run needs the last Query model of SQS, e.g. botocore/data/sqs/2012-11-05/service-2.json
from botocore 1.31.x (`pip download --no-deps botocore==1.31.0`).

cases.json is a list of {"op": ..., "params": {...}} with parameters in AWS JSON form (blobs as
base64). For each case the script calls the operation and records the parsed output (blobs as
base64, ResponseMetadata dropped) or the error botocore raised.
"""

import base64
import json
import os
import sys
import tempfile

import botocore.config
import botocore.session
from botocore.exceptions import ClientError


def data_path_with_model(path):
    """Returns a data path that serves the SQS model at path instead of botocore's own."""
    with open(path) as f:
        model = json.load(f)
    root = tempfile.mkdtemp()
    d = os.path.join(root, "sqs", model["metadata"]["apiVersion"])
    os.makedirs(d)
    with open(os.path.join(d, "service-2.json"), "w") as f:
        json.dump(model, f)
    return root


def to_params(shape, value):
    """Converts AWS JSON values (blobs in base64) into botocore parameters (blobs as bytes)."""
    if value is None:
        return None
    t = shape.type_name
    if t == "blob":
        return base64.b64decode(value)
    if t == "structure":
        return {k: to_params(shape.members[k], v) for k, v in value.items() if k in shape.members}
    if t == "list":
        return [to_params(shape.member, v) for v in value]
    if t == "map":
        return {k: to_params(shape.value, v) for k, v in value.items()}
    return value


def to_json(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def main():
    protocol, endpoint, cases_path, out_path = sys.argv[1:5]
    if len(sys.argv) > 5:
        os.environ["AWS_DATA_PATH"] = data_path_with_model(sys.argv[5])
    session = botocore.session.get_session()
    client = session.create_client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )
    assert client.meta.service_model.protocol == protocol, client.meta.service_model.protocol
    with open(cases_path) as f:
        cases = json.load(f)
    results = []
    for case in cases:
        op = case["op"]
        method = client.meta.method_to_api_mapping
        name = {v: k for k, v in method.items()}[op]
        op_model = client.meta.service_model.operation_model(op)
        params = to_params(op_model.input_shape, case["params"]) if op_model.input_shape else {}
        try:
            out = getattr(client, name)(**params)
            out.pop("ResponseMetadata", None)
            results.append({"op": op, "output": to_json(out)})
        except ClientError as e:
            err = dict(e.response.get("Error", {}))
            err["HTTPStatusCode"] = e.response["ResponseMetadata"]["HTTPStatusCode"]
            err["Class"] = type(e).__name__
            results.append({"op": op, "error": err})
    with open(out_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()

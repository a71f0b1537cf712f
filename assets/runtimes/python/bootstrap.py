"""mfn-tui's local runtime for python3.x functions.

mfn-tui --local starts one of these per execution environment as `python3 bootstrap.py`. It
follows the AWS Lambda Runtime API 2018-06-01 (init/error, invocation/next, invocation/ID/response,
invocation/ID/error) and behaves like AWS's own Python runtime (awslambdaric): the same
environment variables, handler string, context attributes, error bodies and log lines.

Environment: AWS_LAMBDA_RUNTIME_API (host:port), _HANDLER (`path/module.function`),
LAMBDA_TASK_ROOT (the code directory), AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME, AWS_REGION.

Logs go to stdout, one line per record: `print` output unchanged; the root logger's records as
`[LEVEL]\t2026-11-28T11:42:53.123Z\tREQUEST-ID\tmessage`; an unhandled error as
`[ERROR] Type: message\rTraceback (most recent call last):\r...`. Inside a record, `\r` stands for
a line break, as in AWS's runtimes writing to stdout.
"""

import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback
from types import SimpleNamespace

RUNTIME = "/2018-06-01/runtime"
ERROR_TYPE = "Lambda-Runtime-Function-Error-Type"
JSON_CONTENT = {"Content-Type": "application/json"}

request_id = ""  # the invocation in progress (or last finished), for log records


class LambdaContext:
    """The handler's second argument, with the names AWS's Python runtime gives it."""

    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
    function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
    memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
    log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
    log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")

    def __init__(self, aws_request_id, headers):
        self.aws_request_id = aws_request_id
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        client_context = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = SimpleNamespace(**json.loads(client_context)) if client_context else None
        identity = json.loads(headers.get("Lambda-Runtime-Cognito-Identity") or "{}")
        self.identity = SimpleNamespace(
            cognito_identity_id=identity.get("cognitoIdentityId"),
            cognito_identity_pool_id=identity.get("cognitoIdentityPoolId"),
        )

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


class RecordFormatter(logging.Formatter):
    """AWS's text format, UTC times, the current request id, one line per record."""

    converter = time.gmtime

    def __init__(self):
        super().__init__(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )

    def format(self, record):
        record.aws_request_id = request_id
        return super().format(record).replace("\n", "\r")


class RuntimeFault(Exception):
    """A failure of the runtime's own making, reported with its Runtime.* type."""

    def __init__(self, error_type, message, stack_trace=()):
        super().__init__(message)
        self.error_type = error_type
        self.stack_trace = list(stack_trace)


def load_handler(handler):
    """The function `_HANDLER` names, or a RuntimeFault worded as AWS words it."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise RuntimeFault("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {e}") from None
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise RuntimeFault(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {e}"
        ) from None
    except SyntaxError as e:
        raise RuntimeFault(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {e}",
            [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}'],
        ) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise RuntimeFault(
            "Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'"
        ) from None


def error_body(e):
    """The JSON error shape of the Runtime API, with the user's stack frames only."""
    if isinstance(e, RuntimeFault):
        return {"errorMessage": str(e), "errorType": e.error_type, "stackTrace": e.stack_trace}
    frames = [
        frame
        for frame in traceback.extract_tb(e.__traceback__)
        if frame.filename != __file__ and not frame.filename.startswith("<frozen ")
    ]
    return {
        "errorMessage": str(e),
        "errorType": type(e).__name__,
        "stackTrace": traceback.format_list(frames),
    }


def error_lines(error):
    """An error as AWS's runtime logs it: `[ERROR] Type: message`, then the traceback."""
    message = f": {error['errorMessage']}" if error["errorMessage"] else ""
    lines = [f"[ERROR] {error['errorType']}{message}", "Traceback (most recent call last):"]
    for frame in error["stackTrace"]:
        lines += frame.splitlines()
    return lines


class RuntimeApi:
    """One keep-alive connection to the Runtime API; no timeout, as `next` waits for work."""

    def __init__(self, address):
        self.connection = http.client.HTTPConnection(address)

    def call(self, method, path, body=None, headers=JSON_CONTENT):
        self.connection.request(method, RUNTIME + path, body, headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status >= 300:
            raise RuntimeError(
                f"Runtime API answered {response.status} to {method} {path}: {payload[:200]!r}"
            )
        return response, payload

    def post(self, path, body, headers=JSON_CONTENT):
        self.call("POST", path, json.dumps(body, ensure_ascii=False).encode(), headers)


def main():
    global request_id
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)
    log_handler = logging.StreamHandler(sys.stdout)
    log_handler.setFormatter(RecordFormatter())
    logging.getLogger().addHandler(log_handler)
    logging.getLogger().setLevel(logging.INFO)

    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    os.chdir(task_root)
    sys.path[0] = task_root  # in place of this script's folder: user code sees only its own
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as e:
        error = error_body(e)
        print("\n".join(error_lines(error)), file=sys.stderr)
        header = error["errorType"] if isinstance(e, RuntimeFault) else "Runtime.ImportModuleError"
        api.post("/init/error", error, {**JSON_CONTENT, ERROR_TYPE: header})
        sys.exit(1)

    while True:
        response, event = api.call("GET", "/invocation/next", headers={})
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        trace_id = response.headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            result = handler(json.loads(event), LambdaContext(request_id, response.headers))
            body = json.dumps(result, ensure_ascii=False).encode()
        except Exception as e:
            error = error_body(e)
            sys.stdout.write("\r".join(
                line.replace(" ", "\u00a0", len(line) - len(line.lstrip(" ")))
                for line in error_lines(error)
            ) + "\n")
            api.post(f"/invocation/{request_id}/error", error, {**JSON_CONTENT, ERROR_TYPE: "Unhandled"})
        else:
            api.call("POST", f"/invocation/{request_id}/response", body)


if __name__ == "__main__":
    main()

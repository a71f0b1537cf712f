"""mfn-tui's local runtime for python3.x functions.

`mfn-tui --local` starts one per execution environment as `python3 bootstrap.py`. It speaks the
AWS Lambda Runtime API 2018-06-01 (init/error, invocation/next, invocation/ID/response,
invocation/ID/error) and behaves like AWS's own Python runtime (awslambdaric): the same
environment, handler string, context attributes, error bodies and log lines.

Environment: AWS_LAMBDA_RUNTIME_API (host:port), _HANDLER (`path/module.function`),
LAMBDA_TASK_ROOT (the code directory), AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME,
AWS_REGION (read by the user's code).

Logs go to stdout, a line at a time: `print` output unchanged; the root logger's records as
`[LEVEL]\t2026-11-28T11:42:53.123Z\tREQUEST-ID\tmessage`; an unhandled error as
`[ERROR] Type: message\rTraceback (most recent call last):\r...`. Within a record `\r` stands
for a line break, as with AWS's runtimes writing to stdout.
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
RUNTIME_FILES = (__file__, importlib.__file__)  # their frames are left out of stack traces

request_id = ""  # the invocation in progress (or the last one), for log records


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
        self.client_context = (
            SimpleNamespace(**json.loads(client_context)) if client_context else None
        )
        identity = json.loads(headers.get("Lambda-Runtime-Cognito-Identity") or "{}")
        self.identity = SimpleNamespace(
            cognito_identity_id=identity.get("cognitoIdentityId"),
            cognito_identity_pool_id=identity.get("cognitoIdentityPoolId"),
        )

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


class RecordFormatter(logging.Formatter):
    """AWS's text layout, in UTC, with the current request id, one line per record."""

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
    """A failure the runtime reports with a Runtime.* type, as AWS's runtime does."""

    def __init__(self, error_type, message, stack_trace=()):
        super().__init__(message)
        self.error_type = error_type
        self.stack_trace = list(stack_trace)


def load_handler(handler):
    """The function `_HANDLER` names; a RuntimeFault worded as AWS words it if there is none."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise RuntimeFault(
            "Runtime.MalformedHandlerName", f"Bad handler '{handler}': {e}"
        ) from None
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
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
        ) from None


def error_body(e):
    """The Runtime API's error shape; the stack starts at the first frame not the runtime's."""
    if isinstance(e, RuntimeFault):
        return {"errorMessage": str(e), "errorType": e.error_type, "stackTrace": e.stack_trace}
    frames = traceback.extract_tb(e.__traceback__)
    while frames and (frames[0].filename in RUNTIME_FILES or frames[0].filename[:8] == "<frozen "):
        frames.pop(0)
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


def error_record(error):
    """The error as one stdout line, like AWS's: lines joined by \\r, indents in no-break spaces."""
    indented = ((line, len(line) - len(line.lstrip(" "))) for line in error_lines(error))
    return "\r".join(line.replace(" ", "\u00a0", indent) for line, indent in indented)


def invoke(handler, event, headers):
    """Runs the handler on one event: (the response as JSON bytes, None) or (None, error body)."""
    try:
        result = handler(json.loads(event), LambdaContext(request_id, headers))
    except Exception as e:
        return None, error_body(e)
    try:
        return json.dumps(result, ensure_ascii=False).encode(), None
    except (TypeError, ValueError) as e:
        fault = RuntimeFault("Runtime.MarshalError", f"Unable to marshal response: {e}")
        return None, error_body(fault)


class RuntimeApi:
    """One keep-alive connection to the Runtime API, with no timeout: `next` waits for work."""

    def __init__(self, address):
        self.connection = http.client.HTTPConnection(address)

    def call(self, method, path, body=None, headers=JSON_CONTENT):
        self.connection.request(method, RUNTIME + path, body, headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status >= 300:
            raise RuntimeError(
                f"The Runtime API answered {response.status} to {method} {path}: {payload[:200]!r}"
            )
        return response, payload

    def post_error(self, path, error, error_type):
        body = json.dumps(error, ensure_ascii=False).encode()
        self.call("POST", path, body, {**JSON_CONTENT, ERROR_TYPE: error_type})


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
        # An exception raised at import keeps its class name in the body, as on AWS.
        error_type = e.error_type if isinstance(e, RuntimeFault) else "Runtime.ImportModuleError"
        api.post_error("/init/error", error, error_type)
        sys.exit(1)

    while True:
        response, event = api.call("GET", "/invocation/next", headers={})
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        trace_id = response.headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        body, error = invoke(handler, event, response.headers)
        if error is None:
            api.call("POST", f"/invocation/{request_id}/response", body)
        else:
            print(error_record(error))
            api.post_error(f"/invocation/{request_id}/error", error, "Unhandled")


if __name__ == "__main__":
    main()

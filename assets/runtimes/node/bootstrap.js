// mfn-tui's local runtime for nodejs* functions.
//
// `mfn-tui --local` starts one per execution environment as `node bootstrap.js`. It speaks the
// AWS Lambda Runtime API 2018-06-01 (init/error, invocation/next, invocation/ID/response,
// invocation/ID/error) and behaves like AWS's own Node.js runtime
// (aws-lambda-nodejs-runtime-interface-client): the same environment, handler string, module
// loading (CommonJS and ES modules), context, async and callback handlers, error bodies and logs.
//
// Environment: AWS_LAMBDA_RUNTIME_API (host:port), _HANDLER (`path/module.function`),
// LAMBDA_TASK_ROOT (the code directory), AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
// AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME,
// AWS_REGION (read by the user's code).
//
// Logs go to stdout, one line per console call:
// `2026-11-28T11:42:53.123Z\tREQUEST-ID\tINFO\tmessage` (TRACE, DEBUG, INFO, WARN, ERROR), and
// an unhandled error as `…\tERROR\tInvoke Error \t{"errorType":…}`. Within a line `\r` stands
// for a line break, as with AWS's runtime writing to stdout.
'use strict';

const fs = require('fs');
const net = require('net');
const path = require('path');
const util = require('util');
const { pathToFileURL } = require('url');

const env = process.env;
const runtimeApi = new URL(`http://${env.AWS_LAMBDA_RUNTIME_API}`);
const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';

let requestId; // the invocation in progress (or the last one), for log lines
let phase = 'init'; // then 'invoking' from an event's arrival to its answer, 'waiting' in between
let onEmptyEventLoop = null; // how the invocation in progress ends if the event loop empties

function patchConsole() {
  const levels = {
    trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR',
  };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const line = `${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}`;
      process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
    };
  }
}

/**
 * The Runtime API over one kept-alive socket, one request at a time (`next` waits for work),
 * written and parsed here rather than through `http`: a request costs an invocation little.
 * The socket holds the event loop only while a request is out, so a handler's empty event loop
 * still ends its invocation.
 */
class RuntimeClient {
  constructor(address) {
    this.host = address;
    this.buffer = Buffer.alloc(0);
    this.pending = null;
    this.closed = null;
    this.socket = net.connect({ host: runtimeApi.hostname, port: Number(runtimeApi.port) });
    this.socket.setNoDelay(true);
    this.socket.unref();
    this.socket.on('data', (chunk) => this.received(chunk));
    this.socket.on('error', (error) => this.close(error));
    this.socket.on('close', () => this.close(new Error('The Runtime API closed the connection')));
  }

  request(method, route, body, headers) {
    if (this.closed) return Promise.reject(this.closed);
    let head = `${method} /2018-06-01/runtime${route} HTTP/1.1\r\nHost: ${this.host}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    const payload = body === undefined ? null : Buffer.from(body);
    head += `Content-Length: ${payload ? payload.length : 0}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, what: `${method} ${route}` };
      this.socket.ref();
      this.socket.write(payload ? Buffer.concat([Buffer.from(head), payload]) : head);
    });
  }

  received(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.pending) return;
    const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const text = this.buffer.toString('utf8', end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    const { resolve, reject, what } = this.pending;
    this.pending = null;
    this.socket.unref();
    if (status < 300) return resolve({ headers, body: text });
    reject(new Error(`The Runtime API answered ${status} to ${what}: ${text.slice(0, 200)}`));
  }

  close(error) {
    this.closed ??= error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}

let client;

/** One request to the Runtime API; resolves to its headers (lower case) and body. */
function call(method, route, body, headers = {}) {
  client ??= new RuntimeClient(env.AWS_LAMBDA_RUNTIME_API);
  if (body !== undefined) headers = { 'Content-Type': 'application/json', ...headers };
  return client.request(method, route, body, headers);
}

/** A failure reported with a Runtime.* type; its stack is the cause's (file and line), if any. */
function runtimeError(type, message, cause) {
  const error = new Error(message);
  error.name = type;
  error.stack = cause?.stack ?? `${type}: ${message}`;
  return error;
}

/** The Runtime API's error shape; errorType is the error's name, as in AWS's runtime. */
function errorBody(error) {
  if (!(error instanceof Error)) {
    return { errorType: typeof error, errorMessage: String(error), stackTrace: [] };
  }
  const stackTrace = String(error.stack).split('\n');
  return { errorType: error.name, errorMessage: error.message, stackTrace };
}

/** Logs `…\tERROR\tLABEL \t{"errorType":…,"errorMessage":…,"stack":[…]}`, as AWS does. */
function logError(label, body) {
  const { errorType, errorMessage, stackTrace: stack } = body;
  console.error(label, `\t${JSON.stringify({ errorType, errorMessage, stack })}`);
}

/** An init error's type: a Runtime.* failure's own, else (thrown at import) ImportModuleError. */
function initErrorType(body) {
  return body.errorType.startsWith('Runtime.') ? body.errorType : 'Runtime.ImportModuleError';
}

async function importModule(file) {
  if (file.endsWith('.mjs')) return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (error) {
    if (error?.code !== 'ERR_REQUIRE_ESM') throw error;
    return import(pathToFileURL(file).href);
  }
}

/** The function `_HANDLER` names (`src/handler.main`: src/handler.{js,mjs,cjs}, export `main`). */
async function loadHandler(taskRoot, handlerName) {
  const dot = handlerName.indexOf('.', handlerName.lastIndexOf('/') + 1);
  if (dot < 1) throw runtimeError('Runtime.MalformedHandlerName', `Bad handler ${handlerName}`);
  const modulePath = handlerName.slice(0, dot);
  const base = path.resolve(taskRoot, modulePath);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    const message = `Error: Cannot find module '${modulePath}' in ${taskRoot}`;
    throw runtimeError('Runtime.ImportModuleError', message);
  }
  let module;
  try {
    module = await importModule(file);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw runtimeError('Runtime.UserCodeSyntaxError', String(error), error);
    }
    if (['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'].includes(error?.code)) {
      throw runtimeError('Runtime.ImportModuleError', String(error), error);
    }
    throw error;
  }
  const keys = handlerName.slice(dot + 1).split('.');
  const handler = keys.reduce((object, key) => object?.[key], module);
  if (typeof handler !== 'function') {
    const problem = handler === undefined ? 'is undefined or not exported' : 'is not a function';
    throw runtimeError('Runtime.HandlerNotFound', `${handlerName} ${problem}`);
  }
  return handler;
}

/**
 * Runs the handler once; resolves to { response } (JSON text) or { error }. The answer comes from
 * the returned promise, or from the callback (once the event loop is empty while
 * callbackWaitsForEmptyEventLoop is true), or is null when the handler did neither and the event
 * loop emptied: all as AWS's runtime does.
 */
function invoke(handler, event, headers) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (error, result) => {
      if (settled) return;
      settled = true;
      onEmptyEventLoop = null;
      if (error !== undefined && error !== null) return resolve({ error });
      try {
        resolve({ response: JSON.stringify(result ?? null) ?? 'null' });
      } catch (e) {
        const message = `Unable to marshal response: ${e.message}`;
        resolve({ error: runtimeError('Runtime.MarshalError', message) });
      }
    };
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    const clientContext = headers['lambda-runtime-client-context'];
    const identity = headers['lambda-runtime-cognito-identity'];
    try {
      const context = {
        awsRequestId: requestId,
        invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
        functionName: env.AWS_LAMBDA_FUNCTION_NAME,
        functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
        memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
        clientContext: clientContext && JSON.parse(clientContext),
        identity: identity && JSON.parse(identity),
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => deadline - Date.now(),
        succeed: (result) => settle(null, result),
        fail: (error) => settle(error ?? 'handled'),
        done: settle,
      };
      const callback = (error, result) => {
        if ((error === undefined || error === null) && context.callbackWaitsForEmptyEventLoop) {
          onEmptyEventLoop = () => settle(null, result);
        } else {
          settle(error, result);
        }
      };
      onEmptyEventLoop = () => settle(null, null);
      const returned = handler(JSON.parse(event), context, callback);
      if (typeof returned?.then === 'function') {
        const message = "The event loop emptied before the handler's promise settled";
        onEmptyEventLoop = () => settle(runtimeError('Runtime.NodeJsExit', message));
        returned.then((result) => settle(null, result), (error) => settle(error ?? 'handled'));
      }
    } catch (error) {
      settle(error);
    }
  });
}

/**
 * An error thrown outside the handler's own call (in a timer, a rejection nobody handled): as
 * AWS's runtime does, log it, report it as the invocation's error (or the init's), and exit.
 */
async function crash(label, error, exitCode) {
  const body = errorBody(error);
  logError(label, body);
  try {
    if (phase === 'invoking') {
      await call('POST', `/invocation/${requestId}/error`, JSON.stringify(body), {
        [ERROR_TYPE]: 'Unhandled',
      });
    } else if (phase === 'init') {
      const type = initErrorType(body);
      await call('POST', '/init/error', JSON.stringify(body), { [ERROR_TYPE]: type });
    }
  } finally {
    process.exit(exitCode);
  }
}

async function main() {
  patchConsole();
  process.on('beforeExit', () => onEmptyEventLoop?.());
  process.on('uncaughtException', (error) => crash('Uncaught Exception', error, 129));
  process.on('unhandledRejection', (reason) => {
    const error = runtimeError('Runtime.UnhandledPromiseRejection', String(reason), reason);
    crash('Unhandled Promise Rejection', error, 128);
  });
  const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();
  process.chdir(taskRoot);

  let handler;
  try {
    handler = await loadHandler(taskRoot, env._HANDLER);
  } catch (error) {
    const body = errorBody(error);
    const title = `${body.errorType}: ${body.errorMessage}`;
    const lines = body.stackTrace[0] === title ? body.stackTrace : [title, ...body.stackTrace];
    process.stderr.write(`${lines.join('\n')}\n`);
    await call('POST', '/init/error', JSON.stringify(body), { [ERROR_TYPE]: initErrorType(body) });
    process.exit(1);
  }

  for (;;) {
    const next = await call('GET', '/invocation/next');
    requestId = next.headers['lambda-runtime-aws-request-id'];
    const traceId = next.headers['lambda-runtime-trace-id'];
    if (traceId) env._X_AMZN_TRACE_ID = traceId;
    else delete env._X_AMZN_TRACE_ID;

    phase = 'invoking';
    const outcome = await invoke(handler, next.body, next.headers);
    if ('response' in outcome) {
      await call('POST', `/invocation/${requestId}/response`, outcome.response);
    } else {
      const body = errorBody(outcome.error);
      logError('Invoke Error', body);
      await call('POST', `/invocation/${requestId}/error`, JSON.stringify(body), {
        [ERROR_TYPE]: 'Unhandled',
      });
    }
    phase = 'waiting';
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

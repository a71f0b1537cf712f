// mfn-tui's local runtime for nodejs* functions.
//
// mfn-tui --local starts one of these per execution environment as `node bootstrap.js`. It follows
// the AWS Lambda Runtime API 2018-06-01 (init/error, invocation/next, invocation/ID/response,
// invocation/ID/error) and behaves like AWS's own Node.js runtime
// (aws-lambda-nodejs-runtime-interface-client): the same environment variables, handler string,
// module loading (CommonJS, ES modules), context, callback and promise handlers, error bodies and
// log lines.
//
// Environment: AWS_LAMBDA_RUNTIME_API (host:port), _HANDLER (`path/module.function`),
// LAMBDA_TASK_ROOT (the code directory), AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
// AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME, AWS_REGION.
//
// Logs go to stdout, one line per console call: `2026-11-28T11:42:53.123Z\tREQUEST-ID\tINFO\tmessage`
// (TRACE, DEBUG, INFO, WARN, ERROR); an unhandled error as `...\tERROR\tInvoke Error \t{json}`.
// Inside a line, `\r` stands for a line break, as in AWS's runtime writing to stdout.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const util = require('util');
const { pathToFileURL } = require('url');

const env = process.env;
const runtimeApi = new URL(`http://${env.AWS_LAMBDA_RUNTIME_API}`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';

let requestId; // the invocation in progress (or last finished), for log lines
let onEmptyEventLoop = null; // how the invocation in progress ends if the event loop empties

function patchConsole() {
  const levels = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const line = `${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}`;
      process.stdout.write(line.replace(/\n/g, '\r') + '\n');
    };
  }
}

/** One request to the Runtime API over the one keep-alive socket; no timeout, as `next` waits for work. */
function call(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        hostname: runtimeApi.hostname,
        port: runtimeApi.port,
        path: `/2018-06-01/runtime${route}`,
        method,
        agent,
        headers: body === undefined ? headers : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (response.statusCode >= 300) {
            reject(new Error(`Runtime API answered ${response.statusCode} to ${method} ${route}: ${text.slice(0, 200)}`));
          } else {
            resolve({ headers: response.headers, body: text });
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function runtimeError(type, message) {
  const error = new Error(message);
  error.name = type;
  return error;
}

/** The Runtime API's error shape; errorType is the error's name, as in AWS's runtime. */
function errorBody(error) {
  return error instanceof Error
    ? { errorType: error.name, errorMessage: error.message, stackTrace: String(error.stack).split('\n') }
    : { errorType: typeof error, errorMessage: String(error), stackTrace: [] };
}

async function importModule(file) {
  if (file.endsWith('.mjs')) return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (error) {
    if (error.code !== 'ERR_REQUIRE_ESM') throw error;
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
  if (!file) throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}' in ${taskRoot}`);
  let module;
  try {
    module = await importModule(file);
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', String(error));
    if (['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'].includes(error.code)) {
      throw runtimeError('Runtime.ImportModuleError', String(error));
    }
    throw error;
  }
  const handler = handlerName.slice(dot + 1).split('.').reduce((object, key) => object?.[key], module);
  if (typeof handler !== 'function') {
    const problem = handler === undefined ? 'is undefined or not exported' : 'is not a function';
    throw runtimeError('Runtime.HandlerNotFound', `${handlerName} ${problem}`);
  }
  return handler;
}

/**
 * Runs the handler once and resolves to { error } or { result }: from its promise, from its
 * callback (which, while callbackWaitsForEmptyEventLoop is true, answers once the event loop is
 * empty), or with null when it returned neither and the event loop emptied, as AWS does.
 */
function invoke(handler, event, headers) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (error, result) => {
      if (settled) return;
      settled = true;
      onEmptyEventLoop = null;
      resolve(error !== undefined && error !== null ? { error } : { result });
    };
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    try {
      const clientContext = headers['lambda-runtime-client-context'];
      const identity = headers['lambda-runtime-cognito-identity'];
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
        onEmptyEventLoop = () =>
          settle(runtimeError('Runtime.NodeJsExit', 'The event loop emptied before the handler\'s promise settled'));
        returned.then((result) => settle(null, result), (error) => settle(error ?? 'handled'));
      }
    } catch (error) {
      settle(error);
    }
  });
}

async function main() {
  patchConsole();
  process.on('beforeExit', () => onEmptyEventLoop?.());
  const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();
  process.chdir(taskRoot);

  let handler;
  try {
    handler = await loadHandler(taskRoot, env._HANDLER);
  } catch (error) {
    const body = errorBody(error);
    process.stderr.write(`${body.errorType}: ${body.errorMessage}\n${body.stackTrace.join('\n')}\n`);
    const type = body.errorType.startsWith('Runtime.') ? body.errorType : 'Runtime.ImportModuleError';
    await call('POST', '/init/error', JSON.stringify(body), { [ERROR_TYPE]: type });
    process.exit(1);
  }

  for (;;) {
    const next = await call('GET', '/invocation/next');
    requestId = next.headers['lambda-runtime-aws-request-id'];
    const traceId = next.headers['lambda-runtime-trace-id'];
    if (traceId) env._X_AMZN_TRACE_ID = traceId;
    else delete env._X_AMZN_TRACE_ID;

    const outcome = await invoke(handler, next.body, next.headers);
    let response;
    if (!('error' in outcome)) {
      try {
        response = JSON.stringify(outcome.result ?? null);
      } catch (error) {
        outcome.error = error;
      }
    }
    if (response !== undefined) {
      await call('POST', `/invocation/${requestId}/response`, response);
    } else {
      const body = errorBody(outcome.error);
      const logged = { errorType: body.errorType, errorMessage: body.errorMessage, stack: body.stackTrace };
      console.error('Invoke Error', `\t${JSON.stringify(logged)}`);
      await call('POST', `/invocation/${requestId}/error`, JSON.stringify(body), { [ERROR_TYPE]: 'Unhandled' });
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

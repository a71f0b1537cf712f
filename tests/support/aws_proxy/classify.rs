//! Which AWS call a request is: the service and region from its SigV4 credential scope, the
//! operation from the service's protocol (Lambda's REST paths, JSON targets, query actions,
//! CloudWatch's CBOR path), and the API class whose quota it spends.

use std::fmt;

use super::http::Request;

/// A service, by its SigV4 signing name; it also says which protocol errors must be shaped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// REST-JSON, errors in `x-amzn-ErrorType`.
    Lambda,
    /// JSON 1.1 (`X-Amz-Target: Logs_20140328.OP`).
    Logs,
    /// Smithy RPC v2 CBOR from the SDK; moto speaks JSON 1.0 (`signing name "monitoring"`).
    CloudWatch,
    /// JSON 1.1 (`ResourceGroupsTaggingAPI_20170126.OP`).
    Tagging,
    /// REST-JSON, REST APIs (`/restapis…`) and HTTP APIs (`/v2/apis…`) alike.
    ApiGateway,
    /// Query (`Action=OP`), XML answers.
    Sts,
    /// Anything else (IAM, SQS… seeded through the emulator directly): query protocol.
    Other,
}

/// A group of operations that shares one quota per account and region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiClass {
    /// Every Lambda call except Invoke, GetFunction and GetPolicy.
    LambdaControl,
    LambdaGetFunction,
    LambdaGetPolicy,
    /// Invoke, InvokeAsync, InvokeWithResponseStream.
    LambdaInvoke,
    LogsFilterLogEvents,
    LogsGetLogEvents,
    LogsDescribeLogGroups,
    LogsDescribeLogStreams,
    LogsStartQuery,
    LogsGetQueryResults,
    LogsStopQuery,
    /// Every other Logs call (PutLogEvents, CreateLogGroup, StartLiveTail…).
    LogsOther,
    CloudWatchGetMetricData,
    CloudWatchPutMetricData,
    CloudWatchListMetrics,
    CloudWatchOther,
    /// Resource Groups Tagging API.
    Tagging,
    /// API Gateway, REST and HTTP APIs.
    ApiGateway,
    Sts,
    Other,
}

impl ApiClass {
    /// Every class, in the order summaries list them.
    pub const ALL: [ApiClass; 20] = [
        ApiClass::LambdaControl,
        ApiClass::LambdaGetFunction,
        ApiClass::LambdaGetPolicy,
        ApiClass::LambdaInvoke,
        ApiClass::LogsFilterLogEvents,
        ApiClass::LogsGetLogEvents,
        ApiClass::LogsDescribeLogGroups,
        ApiClass::LogsDescribeLogStreams,
        ApiClass::LogsStartQuery,
        ApiClass::LogsGetQueryResults,
        ApiClass::LogsStopQuery,
        ApiClass::LogsOther,
        ApiClass::CloudWatchGetMetricData,
        ApiClass::CloudWatchPutMetricData,
        ApiClass::CloudWatchListMetrics,
        ApiClass::CloudWatchOther,
        ApiClass::Tagging,
        ApiClass::ApiGateway,
        ApiClass::Sts,
        ApiClass::Other,
    ];

    /// The short name summaries print.
    pub fn name(self) -> &'static str {
        match self {
            ApiClass::LambdaControl => "lambda:control",
            ApiClass::LambdaGetFunction => "lambda:GetFunction",
            ApiClass::LambdaGetPolicy => "lambda:GetPolicy",
            ApiClass::LambdaInvoke => "lambda:Invoke",
            ApiClass::LogsFilterLogEvents => "logs:FilterLogEvents",
            ApiClass::LogsGetLogEvents => "logs:GetLogEvents",
            ApiClass::LogsDescribeLogGroups => "logs:DescribeLogGroups",
            ApiClass::LogsDescribeLogStreams => "logs:DescribeLogStreams",
            ApiClass::LogsStartQuery => "logs:StartQuery",
            ApiClass::LogsGetQueryResults => "logs:GetQueryResults",
            ApiClass::LogsStopQuery => "logs:StopQuery",
            ApiClass::LogsOther => "logs:other",
            ApiClass::CloudWatchGetMetricData => "cloudwatch:GetMetricData",
            ApiClass::CloudWatchPutMetricData => "cloudwatch:PutMetricData",
            ApiClass::CloudWatchListMetrics => "cloudwatch:ListMetrics",
            ApiClass::CloudWatchOther => "cloudwatch:other",
            ApiClass::Tagging => "tagging",
            ApiClass::ApiGateway => "apigateway",
            ApiClass::Sts => "sts",
            ApiClass::Other => "other",
        }
    }
}

impl fmt::Display for ApiClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whose quota a call spends: AWS counts per account and region, moto keeps accounts apart by
/// access key, so the key stands for the account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub access_key: String,
    pub region: String,
}

/// One request, identified.
#[derive(Debug, Clone)]
pub struct Call {
    pub service: Service,
    /// The operation's name (`ListFunctions`, `FilterLogEvents`…), or `METHOD /path` where the
    /// proxy has no name for it.
    pub operation: String,
    pub class: ApiClass,
    pub scope: Scope,
}

/// Identifies `request`.
pub fn classify(request: &Request) -> Call {
    let (scope, signing_name) = credential_scope(request);
    let (service, operation) = match signing_name.as_str() {
        "lambda" => (Service::Lambda, lambda_operation(request)),
        "logs" => (Service::Logs, json_target(request)),
        "tagging" => (Service::Tagging, json_target(request)),
        "monitoring" => (Service::CloudWatch, cloudwatch_operation(request)),
        "apigateway" => (Service::ApiGateway, rest_operation(request)),
        "sts" => (Service::Sts, query_action(request)),
        _ => (Service::Other, query_action(request)),
    };
    let class = class_of(service, &operation);
    Call {
        service,
        operation,
        class,
        scope,
    }
}

fn class_of(service: Service, operation: &str) -> ApiClass {
    match (service, operation) {
        (Service::Lambda, "GetFunction") => ApiClass::LambdaGetFunction,
        (Service::Lambda, "GetPolicy") => ApiClass::LambdaGetPolicy,
        (Service::Lambda, "Invoke" | "InvokeAsync" | "InvokeWithResponseStream") => {
            ApiClass::LambdaInvoke
        }
        (Service::Lambda, _) => ApiClass::LambdaControl,
        (Service::Logs, "FilterLogEvents") => ApiClass::LogsFilterLogEvents,
        (Service::Logs, "GetLogEvents") => ApiClass::LogsGetLogEvents,
        (Service::Logs, "DescribeLogGroups") => ApiClass::LogsDescribeLogGroups,
        (Service::Logs, "DescribeLogStreams") => ApiClass::LogsDescribeLogStreams,
        (Service::Logs, "StartQuery") => ApiClass::LogsStartQuery,
        (Service::Logs, "GetQueryResults") => ApiClass::LogsGetQueryResults,
        (Service::Logs, "StopQuery") => ApiClass::LogsStopQuery,
        (Service::Logs, _) => ApiClass::LogsOther,
        (Service::CloudWatch, "GetMetricData") => ApiClass::CloudWatchGetMetricData,
        (Service::CloudWatch, "PutMetricData") => ApiClass::CloudWatchPutMetricData,
        (Service::CloudWatch, "ListMetrics") => ApiClass::CloudWatchListMetrics,
        (Service::CloudWatch, _) => ApiClass::CloudWatchOther,
        (Service::Tagging, _) => ApiClass::Tagging,
        (Service::ApiGateway, _) => ApiClass::ApiGateway,
        (Service::Sts, _) => ApiClass::Sts,
        (Service::Other, _) => ApiClass::Other,
    }
}

/// The access key, region and signing name of `Authorization: AWS4-HMAC-SHA256
/// Credential=KEY/DATE/REGION/SERVICE/aws4_request, …`; empty where unsigned.
fn credential_scope(request: &Request) -> (Scope, String) {
    let credential = request
        .header("authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split([',', ' ']).next())
        .unwrap_or_default();
    let mut parts = credential.split('/');
    let access_key = parts.next().unwrap_or_default().to_owned();
    let _date = parts.next();
    let region = parts.next().unwrap_or_default().to_owned();
    let signing_name = parts.next().unwrap_or_default().to_owned();
    (Scope { access_key, region }, signing_name)
}

/// `X-Amz-Target: Prefix_VERSION.Operation` → `Operation`.
fn json_target(request: &Request) -> String {
    request
        .header("x-amz-target")
        .and_then(|t| t.rsplit('.').next())
        .map(str::to_owned)
        .unwrap_or_else(|| rest_operation(request))
}

/// `POST /service/GraniteServiceVersion20100801/operation/OP` (CBOR), or moto's own JSON target.
fn cloudwatch_operation(request: &Request) -> String {
    match request.path().split_once("/operation/") {
        Some((_, operation)) => operation.trim_end_matches('/').to_owned(),
        None => json_target(request),
    }
}

/// `Action=OP` in a query-protocol body (or in the query string).
fn query_action(request: &Request) -> String {
    let body = String::from_utf8_lossy(&request.body);
    let query = request.target.split_once('?').map(|(_, q)| q).unwrap_or("");
    body.split('&')
        .chain(query.split('&'))
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_owned)
        .unwrap_or_else(|| rest_operation(request))
}

/// A REST call the proxy has no name for: `METHOD /path`.
fn rest_operation(request: &Request) -> String {
    format!("{} {}", request.method, request.path())
}

/// Lambda's REST routes after the `/YYYY-MM-DD/` version: method, path (`*` for one segment),
/// operation.
const LAMBDA_ROUTES: &[&str] = &[
    "GET functions ListFunctions",
    "POST functions CreateFunction",
    "GET functions/* GetFunction",
    "DELETE functions/* DeleteFunction",
    "GET functions/*/configuration GetFunctionConfiguration",
    "PUT functions/*/configuration UpdateFunctionConfiguration",
    "PUT functions/*/code UpdateFunctionCode",
    "POST functions/*/invocations Invoke",
    "POST functions/*/invoke-async InvokeAsync",
    "POST functions/*/response-streaming-invocations InvokeWithResponseStream",
    "GET functions/*/policy GetPolicy",
    "POST functions/*/policy AddPermission",
    "DELETE functions/*/policy/* RemovePermission",
    "GET functions/*/aliases ListAliases",
    "POST functions/*/aliases CreateAlias",
    "GET functions/*/aliases/* GetAlias",
    "PUT functions/*/aliases/* UpdateAlias",
    "DELETE functions/*/aliases/* DeleteAlias",
    "GET functions/*/versions ListVersionsByFunction",
    "POST functions/*/versions PublishVersion",
    "GET functions/*/concurrency GetFunctionConcurrency",
    "PUT functions/*/concurrency PutFunctionConcurrency",
    "DELETE functions/*/concurrency DeleteFunctionConcurrency",
    "GET tags/* ListTags",
    "POST tags/* TagResource",
    "DELETE tags/* UntagResource",
    "GET event-source-mappings ListEventSourceMappings",
    "POST event-source-mappings CreateEventSourceMapping",
    "GET event-source-mappings/* GetEventSourceMapping",
    "PUT event-source-mappings/* UpdateEventSourceMapping",
    "DELETE event-source-mappings/* DeleteEventSourceMapping",
];

fn lambda_operation(request: &Request) -> String {
    let segments: Vec<&str> = request
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .skip(1) // the API version, e.g. 2015-03-31
        .collect();
    LAMBDA_ROUTES
        .iter()
        .find_map(|line| {
            let mut fields = line.split_whitespace();
            let (method, route, operation) = (fields.next()?, fields.next()?, fields.next()?);
            let route: Vec<&str> = route.split('/').collect();
            let matches = method == request.method
                && route.len() == segments.len()
                && route
                    .iter()
                    .zip(&segments)
                    .all(|(r, s)| *r == "*" || r == s);
            matches.then(|| operation.to_owned())
        })
        .unwrap_or_else(|| rest_operation(request))
}

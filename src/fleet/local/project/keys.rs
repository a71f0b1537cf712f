//! Which keys of a `serverless.yml` are read, which are read past (they only matter to a
//! deployment), and which are refused (running without them would lie). The README's
//! "Running a fleet locally" lists the same.

/// How a key is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    Read,
    /// Read past, with what that means here where it is not obvious.
    Past(Option<&'static str>),
    /// Refused: why.
    Refused(&'static str),
    /// Not a key the framework knows either: read past, noted as unknown.
    Unknown,
}

/// Top-level keys read.
pub const TOP_READ: &[&str] = &["service", "provider", "functions", "params", "useDotenv"];

/// Top-level keys read past.
pub const TOP_PAST: &[&str] = &[
    "app",
    "build",
    "configValidationMode",
    "console",
    "constructs",
    "custom",
    "dashboard",
    "deprecationNotificationMode",
    "disabledDeprecations",
    "frameworkVersion",
    "layers",
    "license",
    "org",
    "outputs",
    "package",
    "plugins",
    "resources",
    "stages",
    "stepFunctions",
    "tenant",
    "unresolvedVariablesNotificationMode",
    "variablesResolutionMode",
];

/// `provider` keys read.
pub const PROVIDER_READ: &[&str] = &[
    "name",
    "runtime",
    "architecture",
    "memorySize",
    "timeout",
    "environment",
    "stage",
    "region",
    "httpApi",
    "layers",
];

/// `provider` keys read past.
pub const PROVIDER_PAST: &[&str] = &[
    "alb",
    "apiGateway",
    "apiKeys",
    "apiName",
    "cfnRole",
    "cloudFront",
    "deploymentBucket",
    "deploymentMethod",
    "deploymentPrefix",
    "disableRollback",
    "ecr",
    "endpointType",
    "eventBridge",
    "iam",
    "iamManagedPolicies",
    "iamRoleStatements",
    "kmsKeyArn",
    "lambdaHashingVersion",
    "logRetentionInDays",
    "logs",
    "notificationArns",
    "profile",
    "resourcePolicy",
    "role",
    "rollbackConfiguration",
    "runtimeManagement",
    "s3",
    "stackName",
    "stackParameters",
    "stackPolicy",
    "stackTags",
    "tags",
    "tracing",
    "usagePlan",
    "versionFunctions",
    "vpc",
    "websocketsApiName",
    "websocketsApiRouteSelectionExpression",
    "websocketsDescription",
];

/// Function keys read.
pub const FUNCTION_READ: &[&str] = &[
    "handler",
    "runtime",
    "architecture",
    "memorySize",
    "timeout",
    "environment",
    "reservedConcurrency",
    "events",
    "description",
    "name",
    "layers",
];

/// Function keys read past.
pub const FUNCTION_PAST: &[&str] = &[
    "condition",
    "dependsOn",
    "destinations",
    "disableLogs",
    "ephemeralStorage",
    "fileSystemConfig",
    "iamRoleStatements",
    "iamRoleStatementsName",
    "kmsKeyArn",
    "logRetentionInDays",
    "logs",
    "maximumEventAge",
    "maximumRetryAttempts",
    "onError",
    "package",
    "provisionedConcurrency",
    "role",
    "runtimeManagement",
    "snapStart",
    "tags",
    "tracing",
    "url",
    "versionFunction",
    "vpc",
];

/// `http` event keys read.
pub const HTTP_READ: &[&str] = &["method", "path", "cors", "integration"];

/// `http` event keys read past.
pub const HTTP_PAST: &[&str] = &[
    "authorizer",
    "caching",
    "connectionId",
    "description",
    "documentation",
    "operationId",
    "private",
    "request",
    "response",
    "summary",
    "throttling",
    "timeout",
];

/// `httpApi` event keys read.
pub const HTTP_API_READ: &[&str] = &["method", "path"];

/// `httpApi` event keys read past.
pub const HTTP_API_PAST: &[&str] = &["authorizer", "name", "summary", "description"];

/// What a key read past means here, where it changes what a request meets.
pub fn hint(key: &str) -> Option<&'static str> {
    Some(match key {
        "authorizer" => "not checked here: requests reach the function",
        "private" => "no API key is asked for here",
        "request" => "requests are not validated here",
        "url" => "the function URL is not served here; an http or httpApi event is",
        "vpc" => "the network here is this machine's",
        "destinations" | "onError" => "nothing is sent on after an invocation here",
        "provisionedConcurrency" => "every first invocation here is cold",
        _ => return None,
    })
}

/// How `key` is treated, given the lists of a section.
pub fn treatment(key: &str, read: &[&str], past: &[&str]) -> Treatment {
    if read.contains(&key) {
        Treatment::Read
    } else if past.contains(&key) {
        Treatment::Past(hint(key))
    } else if key == "image" {
        Treatment::Refused(
            "a container image does not run here; give the function a handler and a runtime",
        )
    } else {
        Treatment::Unknown
    }
}

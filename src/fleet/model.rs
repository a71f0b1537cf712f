//! The fleet as operators talk about it: targets, functions, versions, aliases, routes.
//!
//! Plain data, filled by a provider through [`crate::fleet::Fleet`]; no AWS SDK type appears here.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One place discovery looks: a credentials profile (or the default chain) in one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Target {
    /// `None` means the default credential chain.
    pub profile: Option<String>,
    pub region: String,
}

impl Target {
    pub fn new(profile: Option<&str>, region: &str) -> Self {
        Target {
            profile: profile.map(str::to_owned),
            region: region.to_owned(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.profile {
            Some(p) => write!(f, "{p}/{}", self.region),
            None => f.write_str(&self.region),
        }
    }
}

/// Which provider a fleet comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Local,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Aws => "aws",
            Provider::Local => "local",
        })
    }
}

/// What the header shows about where the fleet comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetContext {
    pub provider: Provider,
    pub targets: Vec<Target>,
    /// An endpoint override (`--endpoint-url`, `AWS_ENDPOINT_URL`), shown so nobody mistakes an emulator for production.
    pub endpoint: Option<String>,
}

impl FleetContext {
    pub fn profiles(&self) -> Vec<String> {
        let mut profiles: Vec<String> = self
            .targets
            .iter()
            .map(|t| t.profile.clone().unwrap_or_else(|| "default".into()))
            .collect();
        profiles.sort();
        profiles.dedup();
        profiles
    }

    pub fn regions(&self) -> Vec<String> {
        let mut regions: Vec<String> = self.targets.iter().map(|t| t.region.clone()).collect();
        regions.sort();
        regions.dedup();
        regions
    }
}

/// An environment variable value: never printed, logged or serialized unless revealed on purpose.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The clear value, for the one place that shows it after the operator asked.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

/// A secret is written as nothing: the inventory cache keeps the names of environment
/// variables, never their values, and reads them back empty.
impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_none()
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let _ = serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Secret::new(""))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Why a function sits in its service: the grouping rule that matched first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupedBy {
    /// The configured service tag (default `mfn:service`).
    Tag,
    /// The `aws:cloudformation:stack-name` tag (Serverless Framework stacks).
    Stack,
    /// `lambda:createdBy=SAM` with its stack tag.
    Sam,
    /// The Serverless naming convention `SERVICE-STAGE-FN`.
    Naming,
    /// No rule matched.
    Ungrouped,
}

impl fmt::Display for GroupedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupedBy::Tag => "tag",
            GroupedBy::Stack => "stack",
            GroupedBy::Sam => "sam",
            GroupedBy::Naming => "naming",
            GroupedBy::Ungrouped => "ungrouped",
        })
    }
}

/// Where grouping put a function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub service: String,
    pub stage: Option<String>,
    pub grouped_by: GroupedBy,
}

/// The name of the group for functions that no rule places.
pub const UNGROUPED: &str = "(ungrouped)";

/// Whether a published version can serve traffic: Lambda's `State` of the version. A
/// SnapStart version stays `Pending` for minutes while its snapshot is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionState {
    Active,
    Pending,
    /// Idle for weeks: Lambda reactivates it on the next invocation, which fails meanwhile.
    Inactive,
    Failed,
    /// The provider did not say.
    Unknown,
}

impl VersionState {
    /// Lambda's name of the state (`Active`, `Pending`, `Inactive`, `Failed`).
    pub fn from_lambda(state: Option<&str>) -> VersionState {
        match state {
            Some("Active") => VersionState::Active,
            Some("Pending") => VersionState::Pending,
            Some("Inactive") => VersionState::Inactive,
            Some("Failed") => VersionState::Failed,
            _ => VersionState::Unknown,
        }
    }
}

impl fmt::Display for VersionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VersionState::Active => "Active",
            VersionState::Pending => "Pending",
            VersionState::Inactive => "Inactive",
            VersionState::Failed => "Failed",
            VersionState::Unknown => "unknown",
        })
    }
}

/// A published version of a function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub version: String,
    pub code_sha256: String,
    pub last_modified: String,
    pub description: String,
    pub state: VersionState,
}

/// An alias, with the share of traffic each version gets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    /// The primary version.
    pub version: String,
    /// Version → share of traffic, the primary included; shares add up to 1.
    pub weights: BTreeMap<String, f64>,
    pub description: String,
}

/// Which kind of API Gateway API a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    Rest,
    Http,
}

/// An API Gateway route whose integration reaches a function.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Route {
    /// The API's name.
    pub api: String,
    pub api_id: String,
    pub kind: ApiKind,
    pub method: String,
    pub path: String,
    /// The alias or version the integration calls, if it names one.
    pub qualifier: Option<String>,
}

/// An event source mapping (SQS, Kinesis, DynamoDB streams, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    pub uuid: String,
    pub source_arn: String,
    pub state: String,
    pub batch_size: Option<i32>,
}

/// A deployed function with everything discovery learned about it. Serialized for the
/// inventory cache, environment values never (their names only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    /// The unqualified ARN; the key of a function across the whole fleet.
    pub arn: String,
    pub region: String,
    pub account: String,
    /// The profile × region that discovered it: every call about this function goes through
    /// this target's credentials, never another profile's in the same region.
    pub target: Target,
    pub runtime: Option<String>,
    pub architecture: String,
    pub handler: Option<String>,
    pub memory_mb: u32,
    pub timeout_s: u32,
    /// `/tmp` size; above the free 512 MB it is billed.
    pub ephemeral_storage_mb: u32,
    pub code_sha256: String,
    pub code_size: i64,
    pub last_modified: String,
    pub description: String,
    /// `LoggingConfig.LogGroup`, or `/aws/lambda/NAME`.
    pub log_group: String,
    pub environment: BTreeMap<String, Secret>,
    pub tags: BTreeMap<String, String>,
    pub versions: Vec<Version>,
    pub aliases: Vec<Alias>,
    pub routes: Vec<Route>,
    pub event_sources: Vec<EventSource>,
    pub placement: Placement,
}

impl Function {
    /// A function as `ListFunctions` describes it, before tags, versions, aliases and routes
    /// arrive; reached through the default credentials of `region` until [`Function::target`]
    /// says otherwise.
    pub fn new(name: &str, arn: &str, region: &str) -> Self {
        Function {
            name: name.to_owned(),
            arn: arn.to_owned(),
            region: region.to_owned(),
            account: account_of_arn(arn).unwrap_or_default().to_owned(),
            target: Target::new(None, region),
            runtime: None,
            architecture: "x86_64".into(),
            handler: None,
            memory_mb: 128,
            timeout_s: 3,
            ephemeral_storage_mb: 512,
            code_sha256: String::new(),
            code_size: 0,
            last_modified: String::new(),
            description: String::new(),
            log_group: format!("/aws/lambda/{name}"),
            environment: BTreeMap::new(),
            tags: BTreeMap::new(),
            versions: Vec::new(),
            aliases: Vec::new(),
            routes: Vec::new(),
            event_sources: Vec::new(),
            placement: Placement {
                service: UNGROUPED.into(),
                stage: None,
                grouped_by: GroupedBy::Ungrouped,
            },
        }
    }

    /// Published version `version`, if there is one.
    pub fn version(&self, version: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// Alias `name`, if there is one.
    pub fn alias(&self, name: &str) -> Option<&Alias> {
        self.aliases.iter().find(|a| a.name == name)
    }
}

/// The account id in an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`).
pub fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The unqualified function ARN and the qualifier, from a possibly qualified Lambda function ARN.
pub fn split_function_arn(arn: &str) -> Option<(String, Option<String>)> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 || parts[2] != "lambda" || parts[5] != "function" {
        return None;
    }
    let base = parts[..7].join(":");
    let qualifier = parts.get(7).map(|q| (*q).to_owned());
    Some((base, qualifier))
}

/// A group of functions deployed together: one stack, one stage, one region, one account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ServiceKey {
    pub name: String,
    pub stage: Option<String>,
    pub region: String,
    pub account: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_never_shows_the_value() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.reveal(), "hunter2");
    }

    #[test]
    fn qualified_function_arn_splits_into_base_and_qualifier() {
        let (base, q) = split_function_arn(
            "arn:aws:lambda:eu-west-1:123456789012:function:users-dev-login:live",
        )
        .unwrap();
        assert_eq!(
            base,
            "arn:aws:lambda:eu-west-1:123456789012:function:users-dev-login"
        );
        assert_eq!(q.as_deref(), Some("live"));
        assert!(split_function_arn("arn:aws:sqs:eu-west-1:1:q").is_none());
    }
}

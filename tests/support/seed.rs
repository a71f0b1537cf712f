//! Fixtures seeded into the emulator through the AWS SDK for Rust, the way a deploy tool would.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    AliasRoutingConfiguration, Architecture, Environment, FunctionCode, Runtime,
};

use super::emulator::{ACCOUNT, Emulator};

/// A function to create.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    pub name: String,
    pub runtime: Runtime,
    pub arm64: bool,
    pub memory_mb: i32,
    pub tags: Vec<(String, String)>,
    pub env: Vec<(String, String)>,
    pub ephemeral_storage_mb: Option<i32>,
}

impl FunctionSpec {
    pub fn new(name: &str) -> Self {
        FunctionSpec {
            name: name.to_owned(),
            runtime: Runtime::Python312,
            arm64: false,
            memory_mb: 128,
            tags: Vec::new(),
            env: Vec::new(),
            ephemeral_storage_mb: None,
        }
    }

    pub fn tag(mut self, k: &str, v: &str) -> Self {
        self.tags.push((k.into(), v.into()));
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn ephemeral(mut self, mb: i32) -> Self {
        self.ephemeral_storage_mb = Some(mb);
        self
    }

    pub fn node_arm64(mut self, memory_mb: i32) -> Self {
        self.runtime = Runtime::Nodejs20x;
        self.arm64 = true;
        self.memory_mb = memory_mb;
        self
    }
}

/// An (empty) zip archive; `revision` goes into the archive comment so each revision has its
/// own SHA-256, as a real code change would.
pub fn zip_bytes(revision: &str) -> Vec<u8> {
    let mut eocd = vec![0x50, 0x4b, 0x05, 0x06];
    eocd.extend_from_slice(&[0; 16]);
    eocd.extend_from_slice(&(revision.len() as u16).to_le_bytes());
    eocd.extend_from_slice(revision.as_bytes());
    eocd
}

pub fn function_arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}")
}

/// Seeds through the SDK clients of one region.
pub struct Seeder {
    pub region: String,
    pub role: String,
    pub lambda: aws_sdk_lambda::Client,
    pub rest: aws_sdk_apigateway::Client,
    pub http: aws_sdk_apigatewayv2::Client,
}

impl Seeder {
    pub async fn new(emulator: &Emulator, region: &str, role: &str) -> Seeder {
        let config = emulator.sdk_config(region).await;
        Seeder::with_config(&config, region, role)
    }

    /// A seeder acting with `config`'s credentials (another account's, say).
    pub fn with_config(config: &aws_config::SdkConfig, region: &str, role: &str) -> Seeder {
        Seeder {
            region: region.to_owned(),
            role: role.to_owned(),
            lambda: aws_sdk_lambda::Client::new(config),
            rest: aws_sdk_apigateway::Client::new(config),
            http: aws_sdk_apigatewayv2::Client::new(config),
        }
    }

    pub async fn function(&self, spec: &FunctionSpec) -> String {
        let mut env = Environment::builder();
        for (k, v) in &spec.env {
            env = env.variables(k, v);
        }
        let mut call = self
            .lambda
            .create_function()
            .function_name(&spec.name)
            .runtime(spec.runtime.clone())
            .role(&self.role)
            .handler("handler.main")
            .memory_size(spec.memory_mb)
            .timeout(10)
            .architectures(if spec.arm64 {
                Architecture::Arm64
            } else {
                Architecture::X8664
            })
            .environment(env.build())
            .code(
                FunctionCode::builder()
                    .zip_file(Blob::new(zip_bytes(&format!("{}-1", spec.name))))
                    .build(),
            );
        for (k, v) in &spec.tags {
            call = call.tags(k, v);
        }
        if let Some(mb) = spec.ephemeral_storage_mb {
            call = call.ephemeral_storage(
                aws_sdk_lambda::types::EphemeralStorage::builder()
                    .size(mb)
                    .build()
                    .expect("a size"),
            );
        }
        let out = call
            .send()
            .await
            .unwrap_or_else(|e| panic!("create {}: {e:?}", spec.name));
        out.function_arn().expect("an ARN").to_owned()
    }

    /// Changes the code and publishes it as the next version; returns the version.
    pub async fn publish(&self, name: &str, revision: &str, description: &str) -> String {
        self.lambda
            .update_function_code()
            .function_name(name)
            .zip_file(Blob::new(zip_bytes(&format!("{name}-{revision}"))))
            .send()
            .await
            .expect("update code");
        let out = self
            .lambda
            .publish_version()
            .function_name(name)
            .description(description)
            .send()
            .await
            .expect("publish");
        out.version().expect("a version").to_owned()
    }

    /// An alias on `version`, with an optional second version taking `weight` of the traffic.
    pub async fn alias(&self, name: &str, alias: &str, version: &str, canary: Option<(&str, f64)>) {
        let mut call = self
            .lambda
            .create_alias()
            .function_name(name)
            .name(alias)
            .function_version(version);
        if let Some((v, w)) = canary {
            call = call.routing_config(
                AliasRoutingConfiguration::builder()
                    .additional_version_weights(v, w)
                    .build(),
            );
        }
        call.send().await.expect("create alias");
    }

    /// Points an existing alias at `version` alone.
    pub async fn move_alias(&self, name: &str, alias: &str, version: &str) {
        self.lambda
            .update_alias()
            .function_name(name)
            .name(alias)
            .function_version(version)
            .send()
            .await
            .expect("update alias");
    }

    /// A REST API whose `routes` (method, path, function ARN) are Lambda proxy integrations.
    pub async fn rest_api(&self, name: &str, routes: &[(&str, &str, &str)]) -> String {
        use aws_sdk_apigateway::types::IntegrationType;
        let api = self
            .rest
            .create_rest_api()
            .name(name)
            .send()
            .await
            .expect("create rest api");
        let api_id = api.id().expect("id").to_owned();
        let root = self
            .rest
            .get_resources()
            .rest_api_id(&api_id)
            .send()
            .await
            .expect("resources")
            .items()
            .iter()
            .find(|r| r.path() == Some("/"))
            .and_then(|r| r.id().map(str::to_owned))
            .expect("root resource");
        let mut made: Vec<(String, String)> = vec![("/".into(), root)];
        for (method, path, arn) in routes {
            let mut parent = made[0].1.clone();
            let mut so_far = String::new();
            for part in path.split('/').filter(|p| !p.is_empty()) {
                so_far = format!("{so_far}/{part}");
                if let Some((_, id)) = made.iter().find(|(p, _)| *p == so_far) {
                    parent = id.clone();
                    continue;
                }
                let r = self
                    .rest
                    .create_resource()
                    .rest_api_id(&api_id)
                    .parent_id(&parent)
                    .path_part(part)
                    .send()
                    .await
                    .expect("create resource");
                parent = r.id().expect("id").to_owned();
                made.push((so_far.clone(), parent.clone()));
            }
            self.rest
                .put_method()
                .rest_api_id(&api_id)
                .resource_id(&parent)
                .http_method(*method)
                .authorization_type("NONE")
                .send()
                .await
                .expect("put method");
            self.rest
                .put_integration()
                .rest_api_id(&api_id)
                .resource_id(&parent)
                .http_method(*method)
                .r#type(IntegrationType::AwsProxy)
                .integration_http_method("POST")
                .uri(format!(
                    "arn:aws:apigateway:{}:lambda:path/2015-03-31/functions/{arn}/invocations",
                    self.region
                ))
                .send()
                .await
                .expect("put integration");
        }
        api_id
    }

    /// An HTTP API whose `routes` (route key, function ARN) are Lambda proxy integrations.
    pub async fn http_api(&self, name: &str, routes: &[(&str, &str)]) -> String {
        use aws_sdk_apigatewayv2::types::{IntegrationType, ProtocolType};
        let api = self
            .http
            .create_api()
            .name(name)
            .protocol_type(ProtocolType::Http)
            .send()
            .await
            .expect("create http api");
        let api_id = api.api_id().expect("id").to_owned();
        for (route_key, arn) in routes {
            let integration = self
                .http
                .create_integration()
                .api_id(&api_id)
                .integration_type(IntegrationType::AwsProxy)
                .integration_uri(*arn)
                .payload_format_version("2.0")
                .send()
                .await
                .expect("create integration");
            self.http
                .create_route()
                .api_id(&api_id)
                .route_key(*route_key)
                .target(format!(
                    "integrations/{}",
                    integration.integration_id().expect("id")
                ))
                .send()
                .await
                .expect("create route");
        }
        api_id
    }

    pub async fn event_source(&self, function: &str, source_arn: &str, batch_size: i32) {
        self.lambda
            .create_event_source_mapping()
            .function_name(function)
            .event_source_arn(source_arn)
            .batch_size(batch_size)
            .send()
            .await
            .expect("create event source mapping");
    }
}

/// Seeds `services` Serverless services of `per_service` functions each into the region, every
/// function tagged with its stack; every fourth one gets a published version and an alias.
/// Creates `concurrency` functions at a time.
pub async fn seed_many(seeder: &Seeder, services: usize, per_service: usize, concurrency: usize) {
    use std::sync::Arc;
    use tokio::sync::Semaphore;
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for s in 0..services {
        for f in 0..per_service {
            let permits = permits.clone();
            let lambda = seeder.lambda.clone();
            let role = seeder.role.clone();
            let stack = format!("svc{s:03}-prod");
            let name = format!("{stack}-fn{f:03}");
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                lambda
                    .create_function()
                    .function_name(&name)
                    .runtime(Runtime::Python312)
                    .role(&role)
                    .handler("handler.main")
                    .code(
                        FunctionCode::builder()
                            .zip_file(Blob::new(zip_bytes(&name)))
                            .build(),
                    )
                    .tags("aws:cloudformation:stack-name", &stack)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("create {name}: {e:?}"));
                if f % 4 == 0 {
                    let v = lambda
                        .publish_version()
                        .function_name(&name)
                        .send()
                        .await
                        .expect("publish");
                    lambda
                        .create_alias()
                        .function_name(&name)
                        .name("live")
                        .function_version(v.version().unwrap_or("1"))
                        .send()
                        .await
                        .expect("alias");
                }
            });
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("seeding task");
    }
}

/// Writes `events` (timestamp ms, message) into `group`/`stream`, creating both if needed, the
/// way Lambda writes a function's log.
pub async fn put_logs(
    logs: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    stream: &str,
    events: &[(i64, String)],
) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let _ = logs.create_log_group().log_group_name(group).send().await;
    let _ = logs
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await;
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|(t, _)| *t);
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(
            sorted
                .iter()
                .map(|(t, m)| {
                    InputLogEvent::builder()
                        .timestamp(*t)
                        .message(m)
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .send()
        .await
        .expect("put log events");
}

/// The log lines of one invocation in the text format: START, a line of the handler, END,
/// REPORT (with Init Duration on a cold start).
pub fn text_invocation(
    id: &str,
    duration_ms: f64,
    memory_mb: u32,
    used_mb: u32,
    init_ms: Option<f64>,
) -> Vec<String> {
    let billed = (duration_ms + init_ms.unwrap_or(0.0)).ceil();
    let init = init_ms
        .map(|i| format!("\tInit Duration: {i:.2} ms"))
        .unwrap_or_default();
    vec![
        format!("START RequestId: {id} Version: $LATEST"),
        format!("2026-11-28T10:00:00.000Z\t{id}\tINFO\thandled the request"),
        format!("END RequestId: {id}"),
        format!(
            "REPORT RequestId: {id}\tDuration: {duration_ms:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: {used_mb} MB{init}\t"
        ),
    ]
}

/// The platform.report record of one invocation in the JSON log format.
pub fn json_report(
    id: &str,
    duration_ms: f64,
    memory_mb: u32,
    init_ms: Option<f64>,
    status: &str,
) -> String {
    let init = init_ms
        .map(|i| format!(",\"initDurationMs\":{i}"))
        .unwrap_or_default();
    format!(
        "{{\"time\":\"2026-11-28T10:00:00.000Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{id}\",\"metrics\":{{\"durationMs\":{duration_ms},\"billedDurationMs\":{},\"memorySizeMB\":{memory_mb},\"maxMemoryUsedMB\":64{init}}},\"status\":\"{status}\"}}}}",
        (duration_ms + init_ms.unwrap_or(0.0)).ceil()
    )
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

//! A function's events: `http` and `httpApi` become routes of the gateway (with their CORS),
//! `schedule` runs here, and every other kind is listed as not triggered locally.

use serde_norway::{Mapping, Value};

use super::fields::Reader;
use super::findings::Reported;
use super::keys::{HTTP_API_PAST, HTTP_API_READ, HTTP_PAST, HTTP_READ};
use super::variables::{intrinsic, scalar};
use super::{Cors, HttpEvent, Payload, Trigger};
use crate::fleet::ApiKind;
use crate::fleet::local::schedule::Schedule;

/// The headers API Gateway allows by default when `cors: true`.
const CORS_HEADERS: [&str; 6] = [
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
];

/// The names a `cors` map gives its settings (they differ between REST and HTTP APIs).
struct CorsKeys {
    origins: &'static [&'static str],
    headers: &'static str,
    methods: Option<&'static str>,
    expose: Option<&'static str>,
}

/// What HTTP API routes share, from `provider.httpApi`.
#[derive(Debug, Clone)]
pub(super) struct HttpApiDefaults {
    pub cors: Option<Cors>,
    pub payload: Payload,
}

/// A function's routes and other events.
#[derive(Debug, Default)]
pub(super) struct Events {
    pub routes: Vec<HttpEvent>,
    pub triggers: Vec<Trigger>,
}

impl Reader<'_> {
    /// One entry of `events`, recorded into `events`.
    pub fn event(&self, event: &Value, at: &str, http_api: &HttpApiDefaults, events: &mut Events) {
        // `- alexaSkill`: an event with no settings.
        if let Value::String(kind) = event {
            events.triggers.push(Trigger {
                kind: kind.clone(),
                source: String::new(),
                schedule: None,
            });
            return;
        }
        let Some((kind, spec)) = event
            .as_mapping()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.iter().next())
            .and_then(|(k, v)| Some((scalar(k)?, v)))
        else {
            self.error(format!(
                "`{at}` must be one event, like `- http: GET /path`"
            ));
            return;
        };
        let at = format!("{at}.{kind}");
        match kind.as_str() {
            "http" => {
                if let Ok(route) = self.route(ApiKind::Rest, spec, &at, None, Payload::V1) {
                    events.routes.push(route);
                }
            }
            "httpApi" => {
                let cors = http_api.cors.clone();
                if let Ok(route) = self.route(ApiKind::Http, spec, &at, cors, http_api.payload) {
                    events.routes.push(route);
                }
            }
            "schedule" => self.schedules(spec, &at, &mut events.triggers),
            _ => events.triggers.push(Trigger {
                source: self.describe(spec),
                kind,
                schedule: None,
            }),
        }
    }

    fn route(
        &self,
        kind: ApiKind,
        spec: &Value,
        at: &str,
        cors: Option<Cors>,
        payload: Payload,
    ) -> Result<HttpEvent, Reported> {
        let (method, path, cors) = match spec {
            // `GET /articles`, or `'*'` for any route.
            Value::String(_) => {
                let text = self.text(Some(spec), at)?.unwrap_or_default();
                match text.split_once(' ') {
                    Some((m, p)) => (m.to_owned(), p.trim().to_owned(), cors),
                    None if text == "*" => ("ANY".to_owned(), "/{proxy+}".to_owned(), cors),
                    None => {
                        return Err(
                            self.error(format!("`{at}` must be `METHOD /path`, not `{text}`"))
                        );
                    }
                }
            }
            Value::Mapping(m) => {
                let (shown, lists) = match kind {
                    ApiKind::Rest => ("http", (HTTP_READ, HTTP_PAST)),
                    ApiKind::Http => ("httpApi", (HTTP_API_READ, HTTP_API_PAST)),
                };
                self.sort_keys(m, at, &format!("functions.*.events.{shown}"), lists);
                let method = self.text(m.get("method"), &format!("{at}.method"));
                let path = self.text(m.get("path"), &format!("{at}.path"));
                let cors = match kind {
                    ApiKind::Rest => self.rest_cors(m.get("cors"), &format!("{at}.cors")),
                    ApiKind::Http => cors,
                };
                self.integration(m, at)?;
                let method =
                    method?.ok_or_else(|| self.error(format!("`{at}.method` is missing")))?;
                let path = match (kind, path?) {
                    (_, Some(p)) => p,
                    // An HTTP API route with only a method is `METHOD /`… as the framework has it.
                    (ApiKind::Http, None) if method == "*" => "/{proxy+}".to_owned(),
                    _ => return Err(self.error(format!("`{at}.path` is missing"))),
                };
                (method, path, cors)
            }
            _ => {
                return Err(self.error(format!(
                    "`{at}` must be `METHOD /path` or a map with method and path"
                )));
            }
        };
        let method = match method.to_ascii_uppercase().as_str() {
            "*" => "ANY".to_owned(),
            m => m.to_owned(),
        };
        let path = format!("/{}", path.trim_start_matches('/'));
        Ok(HttpEvent {
            kind,
            method,
            path,
            cors,
            payload,
        })
    }

    /// `integration`: only the proxy integration runs as on AWS.
    fn integration(&self, m: &Mapping, at: &str) -> Result<(), Reported> {
        let key = format!("{at}.integration");
        match self.text(m.get("integration"), &key)?.map(|t| t.to_ascii_lowercase()) {
            None => Ok(()),
            Some(t) if ["lambda-proxy", "aws_proxy", "aws-proxy"].contains(&t.as_str()) => Ok(()),
            Some(t) => Err(self.error(format!(
                "`{key}: {t}` (mapping templates between the request and the function) is not emulated here; use the default lambda-proxy integration"
            ))),
        }
    }

    /// An `http` event's `cors`: `true` (API Gateway's defaults) or its settings.
    fn rest_cors(&self, value: Option<&Value>, at: &str) -> Option<Cors> {
        let defaults = Cors {
            origins: vec!["*".into()],
            headers: CORS_HEADERS.iter().map(|h| (*h).to_owned()).collect(),
            methods: Vec::new(),
            allow_credentials: false,
            expose_headers: Vec::new(),
            max_age: None,
        };
        let keys = CorsKeys {
            origins: &["origins", "origin"],
            headers: "headers",
            methods: None,
            expose: None,
        };
        self.cors(value, at, defaults, &keys)
    }

    /// `provider.httpApi.cors`: `true` or its settings, for every HTTP API route.
    pub fn http_api_cors(&self, value: Option<&Value>, at: &str) -> Option<Cors> {
        let mut headers: Vec<String> = CORS_HEADERS.iter().map(|h| (*h).to_owned()).collect();
        headers.push("X-Amzn-Trace-Id".into());
        let defaults = Cors {
            origins: vec!["*".into()],
            headers,
            methods: ["OPTIONS", "GET", "POST", "PUT", "PATCH", "DELETE"]
                .map(str::to_owned)
                .to_vec(),
            allow_credentials: false,
            expose_headers: Vec::new(),
            max_age: None,
        };
        let keys = CorsKeys {
            origins: &["allowedOrigins"],
            headers: "allowedHeaders",
            methods: Some("allowedMethods"),
            expose: Some("exposedResponseHeaders"),
        };
        self.cors(value, at, defaults, &keys)
    }

    /// `cors: true` (the defaults) or a map of settings under `keys`' names.
    fn cors(
        &self,
        value: Option<&Value>,
        at: &str,
        defaults: Cors,
        keys: &CorsKeys,
    ) -> Option<Cors> {
        let Value::Mapping(m) = value? else {
            let on = self.flag(value, at).ok().flatten();
            return on.filter(|on| *on).map(|_| defaults);
        };
        let list = |k: &str| self.texts(m.get(k), &format!("{at}.{k}")).ok().flatten();
        let origins = keys.origins.iter().find_map(|k| list(k));
        let credentials = self.flag(m.get("allowCredentials"), &format!("{at}.allowCredentials"));
        Some(Cors {
            origins: origins.unwrap_or(defaults.origins),
            headers: list(keys.headers).unwrap_or(defaults.headers),
            methods: keys.methods.and_then(list).unwrap_or(defaults.methods),
            expose_headers: keys.expose.and_then(list).unwrap_or_default(),
            allow_credentials: credentials.ok().flatten().unwrap_or(false),
            max_age: self
                .number(m.get("maxAge"), &format!("{at}.maxAge"))
                .ok()
                .flatten(),
        })
    }

    /// `schedule: rate(…)`, or a map with `rate` (one or a list), `enabled` and `input`.
    fn schedules(&self, spec: &Value, at: &str, triggers: &mut Vec<Trigger>) {
        let (rates, enabled, input) = match spec {
            Value::Mapping(m) => {
                for past in ["inputPath", "inputTransformer"] {
                    if m.contains_key(past) {
                        self.findings.note(format!(
                            "`{at}.{past}` is not applied here: the schedule sends its `input`, or AWS's scheduled event"
                        ));
                    }
                }
                let input = match m.get("input") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(
                        serde_json::from_str(s).unwrap_or(serde_json::Value::String(s.clone())),
                    ),
                    Some(v) => serde_json::to_value(v).ok(),
                };
                let enabled = self
                    .flag(m.get("enabled"), &format!("{at}.enabled"))
                    .ok()
                    .flatten()
                    .unwrap_or(true);
                let rates = self.texts(m.get("rate"), &format!("{at}.rate"));
                (rates, enabled, input)
            }
            other => (self.texts(Some(other), at), true, None),
        };
        let Ok(Some(rates)) = rates else {
            if let Ok(None) = rates {
                self.error(format!("`{at}.rate` is missing"));
            }
            return;
        };
        for rate in rates {
            let schedule = match Schedule::parse(&rate) {
                Ok(mut s) => {
                    s.enabled = enabled;
                    s.input = input.clone();
                    Some(s)
                }
                Err(why) => {
                    self.findings
                        .note(format!("`{at}`: `{rate}` is not triggered locally: {why}"));
                    None
                }
            };
            triggers.push(Trigger {
                kind: "schedule".into(),
                source: rate,
                schedule,
            });
        }
    }

    /// What a non-HTTP event reads from, for the listing: its ARN, queue, topic, bucket….
    fn describe(&self, spec: &Value) -> String {
        let text = |v: &Value| -> Option<String> {
            if let Some(cfn) = intrinsic(v) {
                return Some(cfn);
            }
            let raw = scalar(v)?;
            Some(self.resolver.resolve(&raw).unwrap_or(raw))
        };
        match spec {
            Value::Mapping(m) => [
                "arn",
                "queue",
                "topicName",
                "topic",
                "bucket",
                "stream",
                "eventBus",
                "pattern",
                "name",
            ]
            .iter()
            .find_map(|k| m.get(*k).and_then(text))
            .unwrap_or_default(),
            other => text(other).unwrap_or_default(),
        }
    }
}

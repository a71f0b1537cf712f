//! CBOR values to JSON and back, for CloudWatch's shapes: a CBOR timestamp (tag 1) is JSON epoch
//! seconds, a byte string base64, a non-finite float the JSON protocol's `"NaN"`/`"Infinity"`.
//!
//! JSON alone cannot say that `3` is a double or that `1796227045` is a timestamp, so on the way
//! back the members that hold them in the operations the proxy translates (`GetMetricData`,
//! `GetMetricStatistics`, `ListMetrics`, `PutMetricData`, alarms' times) get their CBOR type back
//! by name; any other number keeps the type JSON gave it.

use base64::Engine;
use ciborium::value::{Integer, Value as Cbor};
use serde_json::{Number, Value as Json};

/// CBOR's tag for epoch-seconds timestamps.
const EPOCH_SECONDS: u64 = 1;

/// Members whose numbers are timestamps.
const TIMESTAMPS: &[&str] = &[
    "Timestamps",
    "Timestamp",
    "StateUpdatedTimestamp",
    "StateTransitionedTimestamp",
    "AlarmConfigurationUpdatedTimestamp",
    "LastModified",
];

/// Members whose numbers are doubles (`ExtendedStatistics` maps percentiles to doubles).
const DOUBLES: &[&str] = &[
    "Values",
    "Average",
    "Sum",
    "Minimum",
    "Maximum",
    "SampleCount",
    "ExtendedStatistics",
    "Threshold",
];

/// A CBOR body as JSON; an empty body is the empty object.
pub fn decode(bytes: &[u8]) -> Result<Json, String> {
    if bytes.is_empty() {
        return Ok(Json::Object(Default::default()));
    }
    let value: Cbor = ciborium::from_reader(bytes).map_err(|e| format!("not CBOR: {e}"))?;
    Ok(to_json(value))
}

/// A JSON body as CBOR, timestamps and doubles typed by member name.
pub fn encode(json: &Json) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(&to_cbor(json, Hint::Any), &mut bytes).expect("CBOR into a Vec");
    bytes
}

fn to_json(value: Cbor) -> Json {
    match value {
        Cbor::Null => Json::Null,
        Cbor::Bool(b) => Json::Bool(b),
        Cbor::Integer(i) => integer_to_json(i),
        Cbor::Float(f) => float_to_json(f),
        Cbor::Text(s) => Json::String(s),
        Cbor::Bytes(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Cbor::Tag(_, inner) => to_json(*inner),
        Cbor::Array(items) => Json::Array(items.into_iter().map(to_json).collect()),
        Cbor::Map(entries) => Json::Object(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Cbor::Text(s) => s,
                        other => to_json(other).to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        _ => Json::Null,
    }
}

fn integer_to_json(i: Integer) -> Json {
    let i = i128::from(i);
    if let Ok(n) = i64::try_from(i) {
        Json::from(n)
    } else if let Ok(n) = u64::try_from(i) {
        Json::from(n)
    } else {
        Json::from(i as f64)
    }
}

fn float_to_json(f: f64) -> Json {
    match Number::from_f64(f) {
        Some(n) => Json::Number(n),
        None if f.is_nan() => Json::String("NaN".into()),
        None if f > 0.0 => Json::String("Infinity".into()),
        None => Json::String("-Infinity".into()),
    }
}

/// What the member a value sits in says about its numbers.
#[derive(Clone, Copy)]
enum Hint {
    Any,
    Timestamp,
    Double,
}

fn hint_of(member: &str, inherited: Hint) -> Hint {
    if TIMESTAMPS.contains(&member) {
        Hint::Timestamp
    } else if DOUBLES.contains(&member) {
        Hint::Double
    } else {
        inherited
    }
}

fn to_cbor(json: &Json, hint: Hint) -> Cbor {
    match json {
        Json::Null => Cbor::Null,
        Json::Bool(b) => Cbor::Bool(*b),
        Json::Number(n) => match hint {
            Hint::Timestamp => Cbor::Tag(EPOCH_SECONDS, Box::new(number(n))),
            Hint::Double => Cbor::Float(n.as_f64().unwrap_or(f64::NAN)),
            Hint::Any => number(n),
        },
        Json::String(s) => match (hint, s.as_str()) {
            (Hint::Double, "NaN") => Cbor::Float(f64::NAN),
            (Hint::Double, "Infinity") => Cbor::Float(f64::INFINITY),
            (Hint::Double, "-Infinity") => Cbor::Float(f64::NEG_INFINITY),
            _ => Cbor::Text(s.clone()),
        },
        Json::Array(items) => Cbor::Array(items.iter().map(|i| to_cbor(i, hint)).collect()),
        Json::Object(members) => Cbor::Map(
            members
                .iter()
                .map(|(k, v)| (Cbor::Text(k.clone()), to_cbor(v, hint_of(k, hint))))
                .collect(),
        ),
    }
}

fn number(n: &Number) -> Cbor {
    if let Some(i) = n.as_i64() {
        Cbor::Integer(Integer::from(i))
    } else if let Some(u) = n.as_u64() {
        Cbor::Integer(Integer::from(u))
    } else {
        Cbor::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

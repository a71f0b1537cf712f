//! Percentiles where the emulator has none. moto answers a whole `GetMetricData` call with a 500
//! as soon as one query asks for a percentile (`p99`), where AWS answers it. With
//! [`super::ProxyOptions::percentiles_without_data`] the proxy asks moto for the `Maximum` of
//! the same metric instead (so the call costs moto what it would), and answers those queries
//! with no datapoints, as AWS does for a metric with no data in the window.

use serde_json::Value;

/// The statistics moto computes; any other (`p99`, `tm90`, `PR(…)`…) is a percentile to it.
const COMPUTED: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

/// Rewrites every percentile query of a `GetMetricData` JSON body to `Maximum`; the ids of
/// those queries.
pub fn stand_in(body: &mut Value) -> Vec<String> {
    let mut ids = Vec::new();
    let Some(Value::Array(queries)) = body.get_mut("MetricDataQueries") else {
        return ids;
    };
    for query in queries {
        let id = query.get("Id").and_then(Value::as_str).map(str::to_owned);
        let Some(stat) = query.get_mut("MetricStat").and_then(|m| m.get_mut("Stat")) else {
            continue;
        };
        if stat.as_str().is_some_and(|s| !COMPUTED.contains(&s)) {
            *stat = Value::String("Maximum".into());
            ids.extend(id);
        }
    }
    ids
}

/// Empties the datapoints of the queries `ids` in moto's JSON answer.
pub fn without_data(body: &mut Value, ids: &[String]) {
    let Some(Value::Array(results)) = body.get_mut("MetricDataResults") else {
        return;
    };
    for result in results {
        let ours = result
            .get("Id")
            .and_then(Value::as_str)
            .is_some_and(|id| ids.iter().any(|i| i == id));
        if ours {
            result["Timestamps"] = Value::Array(Vec::new());
            result["Values"] = Value::Array(Vec::new());
        }
    }
}

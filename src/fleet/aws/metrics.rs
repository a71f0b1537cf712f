//! CloudWatch `GetMetricData` for a fleet: 500 queries a call (the API's limit), one period as
//! long as the window so each query is one value, each call under the `GetMetricData` budget.
//! Percentiles go in calls of their own, so an endpoint that refuses them (the emulator
//! answers a percentile with a 500) loses those values only.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};

use super::budget::Api;
use super::clients::Clients;
use super::errors::classify;
use crate::analysis::latency::Window;
use crate::analysis::metrics::period_s;
use crate::fleet::{FleetError, MetricAnswer, MetricQuery};

/// Queries one `GetMetricData` call takes.
pub const QUERIES_PER_CALL: usize = 500;

/// The value of each query over `window`.
pub async fn metrics(clients: &Clients, queries: &[MetricQuery], window: Window) -> MetricAnswer {
    let mut answer = MetricAnswer {
        values: vec![None; queries.len()],
        failures: Vec::new(),
    };
    let age_ms = crate::clock::now_ms() - window.start_ms;
    let period = period_s(window.end_ms - window.start_ms, age_ms);
    let (percentiles, plain): (Vec<usize>, Vec<usize>) =
        (0..queries.len()).partition(|&i| queries[i].stat.is_percentile());
    for batch in plain
        .chunks(QUERIES_PER_CALL)
        .chain(percentiles.chunks(QUERIES_PER_CALL))
    {
        match call(clients, queries, batch, window, period).await {
            Ok(values) => {
                for (i, v) in values {
                    answer.values[i] = v;
                }
            }
            Err(e) => answer.failures.push(e),
        }
    }
    answer
}

/// One call for the queries at `batch`: their values by index.
async fn call(
    clients: &Clients,
    queries: &[MetricQuery],
    batch: &[usize],
    window: Window,
    period: i32,
) -> Result<Vec<(usize, Option<f64>)>, FleetError> {
    let data: Vec<MetricDataQuery> = batch
        .iter()
        .map(|&i| {
            let q = &queries[i];
            let mut metric = Metric::builder()
                .namespace("AWS/Lambda")
                .metric_name(q.metric.name())
                .dimensions(
                    Dimension::builder()
                        .name("FunctionName")
                        .value(&q.function)
                        .build(),
                );
            if let Some(resource) = &q.resource {
                metric = metric.dimensions(
                    Dimension::builder()
                        .name("Resource")
                        .value(resource)
                        .build(),
                );
            }
            MetricDataQuery::builder()
                .id(format!("q{i}"))
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric.build())
                        .period(period)
                        .stat(q.stat.name())
                        .build(),
                )
                .return_data(true)
                .build()
        })
        .collect();
    // An endpoint that refuses percentiles refuses them every time: those get one retry.
    let percentiles = batch.iter().any(|&i| queries[i].stat.is_percentile());
    let mut values: std::collections::BTreeMap<usize, Vec<f64>> = Default::default();
    let mut token: Option<String> = None;
    loop {
        clients.turn(Api::GetMetricData).await;
        let request = clients
            .metrics
            .get_metric_data()
            .set_metric_data_queries(Some(data.clone()))
            .start_time(DateTime::from_millis(window.start_ms))
            .end_time(DateTime::from_millis(window.end_ms))
            .scan_by(ScanBy::TimestampAscending)
            .set_next_token(token.take());
        let sent = if percentiles {
            request
                .customize()
                .config_override(aws_sdk_cloudwatch::Config::builder().retry_config(
                    aws_sdk_cloudwatch::config::retry::RetryConfig::standard().with_max_attempts(2),
                ))
                .send()
                .await
        } else {
            request.send().await
        };
        let out = sent.map_err(|e| classify("cloudwatch", "GetMetricData", &e))?;
        for result in out.metric_data_results() {
            let Some(i) = result
                .id()
                .and_then(|id| id.strip_prefix('q'))
                .and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            values.entry(i).or_default().extend(result.values());
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    Ok(batch
        .iter()
        .map(|&i| {
            let v = values.get(&i).map(Vec::as_slice).unwrap_or_default();
            (i, queries[i].stat.combine(v))
        })
        .collect())
}

//! Benchmark tables: samples of a measurement summarised as one Markdown row, in milliseconds.

use std::time::Duration;

/// The header of the table [`row`] writes rows of.
pub fn header() {
    println!("| what (ms) | mean | p50 | p99 | max | n |");
    println!("|---|---:|---:|---:|---:|---:|");
}

/// One row: mean, p50, p99 and max of `samples`.
pub fn row(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1e3;
    let mean = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len() as f64 * 1e3;
    println!(
        "| {name} | {mean:.3} | {:.3} | {:.3} | {:.3} | {} |",
        at(0.5),
        at(0.99),
        at(1.0),
        samples.len()
    );
}

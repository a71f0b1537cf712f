//! Seeds the demo fleet (two regions, five kinds of grouping, aliases, routes, an event source)
//! into an emulator that is already running: `cargo run --example seed_emulator -- URL`.

#[path = "../tests/support/mod.rs"]
mod support;

#[tokio::main]
async fn main() {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:5000".to_owned());
    let emulator = support::emulator::Emulator::attach(&endpoint);
    support::fleet::seed_fleet(&emulator).await;
    support::fleet::seed_reports(&emulator).await;
    eprintln!("seeded the demo fleet (and some REPORT records) into {endpoint}");
}

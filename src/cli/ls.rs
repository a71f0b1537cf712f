//! `mfn-tui ls [--json]`: the discovered fleet, as JSON for scripts or as a table.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::fleet::{
    Alias, Depth, EventSource, Fleet, FleetError, Function, GroupedBy, Inventory, Route, Version,
    discover_to_end, inventory::Failure,
};

use super::exit;
use crate::text::visible;

/// The JSON document `ls --json` prints. Field names are stable: scripts rely on them.
#[derive(Debug, Serialize)]
pub struct FleetListing<'a> {
    pub services: Vec<ServiceEntry<'a>>,
    pub functions: Vec<FunctionEntry<'a>>,
    pub errors: Vec<ErrorEntry>,
}

#[derive(Debug, Serialize)]
pub struct ServiceEntry<'a> {
    pub name: &'a str,
    pub stage: Option<&'a str>,
    pub region: &'a str,
    pub account: &'a str,
    pub functions: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct FunctionEntry<'a> {
    pub name: &'a str,
    pub arn: &'a str,
    pub service: &'a str,
    pub stage: Option<&'a str>,
    pub region: &'a str,
    pub account: &'a str,
    pub grouped_by: GroupedBy,
    pub runtime: Option<&'a str>,
    pub architecture: &'a str,
    pub handler: Option<&'a str>,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub ephemeral_storage_mb: u32,
    pub code_sha256: &'a str,
    pub code_size: i64,
    pub last_modified: &'a str,
    pub log_group: &'a str,
    pub tags: &'a BTreeMap<String, String>,
    /// Names only: values stay masked outside the dashboard.
    pub environment: Vec<&'a str>,
    pub versions: &'a [Version],
    pub aliases: &'a [Alias],
    pub routes: &'a [Route],
    pub event_sources: &'a [EventSource],
}

#[derive(Debug, Serialize)]
pub struct ErrorEntry {
    pub profile: Option<String>,
    pub region: String,
    pub scope: String,
    pub kind: &'static str,
    pub message: String,
}

pub async fn run(fleet: Arc<dyn Fleet>, config: &Config, json: bool) -> ExitCode {
    let mut inventory = Inventory::new(config.grouping.clone());
    discover_to_end(fleet.as_ref(), Depth::Complete, &mut inventory).await;
    let listing = listing(&inventory);
    let out = if json {
        serde_json::to_string_pretty(&listing).expect("the listing serializes") + "\n"
    } else {
        table(&listing)
    };
    print!("{out}");
    for e in inventory.failures() {
        let line = format!("{} · {}: {}", e.target, e.scope, e.error);
        eprintln!("mfn-tui: {}", visible(&line));
    }
    if inventory
        .failures()
        .iter()
        .all(|f| matches!(f.error, FleetError::Note(_)))
    {
        ExitCode::SUCCESS
    } else if inventory
        .targets()
        .keys()
        .all(|t| !inventory.functions_listed(t))
    {
        ExitCode::from(exit::FAILED)
    } else {
        ExitCode::from(exit::PARTIAL)
    }
}

/// The listing of an inventory: services by name, functions by service then name.
pub fn listing(inventory: &Inventory) -> FleetListing<'_> {
    let services = inventory.services();
    let mut functions = Vec::new();
    let mut service_entries = Vec::new();
    for service in &services {
        let members: Vec<&Function> = service
            .function_arns
            .iter()
            .filter_map(|arn| inventory.function(arn))
            .collect();
        let Some(first) = members.first() else {
            continue;
        };
        service_entries.push(ServiceEntry {
            name: &first.placement.service,
            stage: first.placement.stage.as_deref(),
            region: &first.region,
            account: &first.account,
            functions: members.iter().map(|f| f.name.as_str()).collect(),
        });
        functions.extend(members.into_iter().map(function_entry));
    }
    FleetListing {
        services: service_entries,
        functions,
        errors: inventory.failures().iter().map(error_entry).collect(),
    }
}

fn function_entry(f: &Function) -> FunctionEntry<'_> {
    FunctionEntry {
        name: &f.name,
        arn: &f.arn,
        service: &f.placement.service,
        stage: f.placement.stage.as_deref(),
        region: &f.region,
        account: &f.account,
        grouped_by: f.placement.grouped_by,
        runtime: f.runtime.as_deref(),
        architecture: &f.architecture,
        handler: f.handler.as_deref(),
        memory_mb: f.memory_mb,
        timeout_s: f.timeout_s,
        ephemeral_storage_mb: f.ephemeral_storage_mb,
        code_sha256: &f.code_sha256,
        code_size: f.code_size,
        last_modified: &f.last_modified,
        log_group: &f.log_group,
        tags: &f.tags,
        environment: f.environment.keys().map(String::as_str).collect(),
        versions: &f.versions,
        aliases: &f.aliases,
        routes: &f.routes,
        event_sources: &f.event_sources,
    }
}

fn error_entry(f: &Failure) -> ErrorEntry {
    ErrorEntry {
        profile: f.target.profile.clone(),
        region: f.target.region.clone(),
        scope: f.scope.clone(),
        kind: f.error.kind(),
        message: f.error.to_string(),
    }
}

/// One line a function, columns aligned.
pub fn table(listing: &FleetListing) -> String {
    let header = [
        "SERVICE",
        "STAGE",
        "REGION",
        "ACCOUNT",
        "FUNCTION",
        "RUNTIME",
        "MEMORY",
        "ALIASES",
        "ROUTES",
        "GROUPED_BY",
    ];
    let rows: Vec<[String; 10]> = listing
        .functions
        .iter()
        .map(|f| {
            // Names and tag-derived services come from the fleet: shown, never acted on.
            [
                f.service.to_owned(),
                f.stage.unwrap_or("-").to_owned(),
                f.region.to_owned(),
                f.account.to_owned(),
                f.name.to_owned(),
                f.runtime.unwrap_or("-").to_owned(),
                format!("{} MB", f.memory_mb),
                if f.aliases.is_empty() {
                    "-".to_owned()
                } else {
                    f.aliases
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                },
                f.routes.len().to_string(),
                f.grouped_by.to_string(),
            ]
        })
        .map(|row| row.map(|cell| visible(&cell).into_owned()))
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        s.truncate(s.trim_end().len());
        s + "\n"
    };
    let mut out = line(&header.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    out.push_str(&format!(
        "\n{} functions in {} services\n",
        listing.functions.len(),
        listing.services.len()
    ));
    out
}

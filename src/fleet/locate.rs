//! Finding the one function an operator names on the command line, in the account that owns
//! it: by ARN (its region and account pick the target), or by name (looked for through every
//! target; a name found in more than one place is ambiguous, never guessed).

use std::sync::Arc;

use tokio::task::JoinSet;

use super::{Fleet, Function, Target, split_function_arn};

/// The function `name_or_arn` names, with its versions and aliases, read through the target
/// that holds it; or what to do to name it exactly.
pub async fn locate(fleet: Arc<dyn Fleet>, name_or_arn: &str) -> Result<Function, String> {
    let targets = fleet.context().targets;
    if targets.is_empty() {
        return Err("no region to act in: pass --region".into());
    }
    let wanted = split_function_arn(name_or_arn).map(|(arn, _)| arn);
    let (name, region, account) = match &wanted {
        Some(arn) => {
            let parts: Vec<&str> = arn.split(':').collect();
            (parts[6], Some(parts[3]), Some(parts[4]))
        }
        None => (name_or_arn, None, None),
    };
    let searched: Vec<&Target> = targets
        .iter()
        .filter(|t| region.is_none_or(|r| r == t.region))
        .collect();
    if searched.is_empty() {
        return Err(format!(
            "{name_or_arn} is in {}, which none of the regions read here is; add --region {}",
            region.unwrap_or_default(),
            region.unwrap_or_default()
        ));
    }
    // One read per target, side by side.
    let mut reads = JoinSet::new();
    for target in &searched {
        let (fleet, target, name) = (fleet.clone(), (*target).clone(), name.to_owned());
        reads.spawn(async move {
            let read = fleet.function(&target, &name).await;
            (target, read)
        });
    }
    let mut found: Vec<Function> = Vec::new();
    let mut failures = Vec::new();
    while let Some(Ok((target, read))) = reads.join_next().await {
        match read {
            Ok(Some(f)) if account.is_none_or(|a| a == f.account) => found.push(f),
            Ok(_) => {}
            Err(e) => failures.push(format!("{target}: {e}")),
        }
    }
    match found.len() {
        1 => {
            for failure in &failures {
                tracing::warn!(failure, "a target could not be searched for {name_or_arn}");
            }
            Ok(found.remove(0))
        }
        0 if !failures.is_empty() => Err(format!(
            "{name_or_arn} could not be looked up: {}",
            failures.join("; ")
        )),
        0 => Err(format!(
            "no function `{name_or_arn}` in {}; `mfn-tui ls` lists them",
            places(&searched)
        )),
        _ => Err(format!(
            "{name} is in {} places: {}; name one by its ARN, or read only its profile with --profile",
            found.len(),
            found
                .iter()
                .map(|f| format!("{} ({})", f.arn, f.target))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn places(targets: &[&Target]) -> String {
    targets
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

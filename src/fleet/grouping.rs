//! Grouping functions into services: the first rule that matches wins.
//!
//! 1. the configured service tag (default `mfn:service`);
//! 2. CloudFormation: `lambda:createdBy=SAM` with its stack tag is a SAM service named after the
//!    stack; otherwise the stack `SERVICE-STAGE` of a Serverless function named `SERVICE-STAGE-FN`
//!    splits into service and stage, and any other stack is a service of its own;
//! 3. the Serverless naming convention `SERVICE-STAGE-FN` for a known stage;
//! 4. else the group "(ungrouped)".

use std::collections::BTreeMap;

use serde::Deserialize;

use super::model::{GroupedBy, Placement, UNGROUPED};

const STACK_TAG: &str = "aws:cloudformation:stack-name";
const CREATED_BY_TAG: &str = "lambda:createdBy";

/// The grouping settings from the config (`[grouping]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GroupingRules {
    /// The tag whose value names the service.
    pub service_tag: String,
    /// A tag whose value names the stage, used with the service tag.
    pub stage_tag: String,
    /// Stage names the naming convention recognises.
    pub stages: Vec<String>,
}

impl Default for GroupingRules {
    fn default() -> Self {
        GroupingRules {
            service_tag: "mfn:service".into(),
            stage_tag: "mfn:stage".into(),
            stages: ["dev", "test", "staging", "prod", "production"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl GroupingRules {
    /// Where a function belongs, from its name and tags.
    pub fn place(&self, function_name: &str, tags: &BTreeMap<String, String>) -> Placement {
        if let Some(service) = tags.get(&self.service_tag).filter(|s| !s.is_empty()) {
            let stage = tags
                .get(&self.stage_tag)
                .cloned()
                .or_else(|| self.stage_after(function_name, service));
            return placed(service, stage, GroupedBy::Tag);
        }
        if let Some(stack) = tags.get(STACK_TAG).filter(|s| !s.is_empty()) {
            if tags.get(CREATED_BY_TAG).map(String::as_str) == Some("SAM") {
                return placed(stack, None, GroupedBy::Sam);
            }
            return match split_serverless_stack(stack, function_name) {
                Some((service, stage)) => placed(service, Some(stage.into()), GroupedBy::Stack),
                None => placed(stack, None, GroupedBy::Stack),
            };
        }
        if let Some((service, stage)) = self.split_by_naming(function_name) {
            return placed(&service, Some(stage), GroupedBy::Naming);
        }
        placed(UNGROUPED, None, GroupedBy::Ungrouped)
    }

    /// The stage in `SERVICE-STAGE-FN` when the name starts with the service and a known stage follows.
    fn stage_after(&self, function_name: &str, service: &str) -> Option<String> {
        let rest = function_name.strip_prefix(service)?.strip_prefix('-')?;
        let (stage, fn_part) = rest.split_once('-')?;
        (!fn_part.is_empty() && self.is_stage(stage)).then(|| stage.to_owned())
    }

    /// `SERVICE-STAGE-FN` with a known stage: the first known stage with a service before it and
    /// a function name after it.
    fn split_by_naming(&self, function_name: &str) -> Option<(String, String)> {
        let parts: Vec<&str> = function_name.split('-').collect();
        (1..parts.len().saturating_sub(1))
            .find(|&i| self.is_stage(parts[i]) && parts[..i].iter().all(|p| !p.is_empty()))
            .map(|i| (parts[..i].join("-"), parts[i].to_owned()))
    }

    fn is_stage(&self, word: &str) -> bool {
        self.stages.iter().any(|s| s == word)
    }
}

/// A Serverless stack is `SERVICE-STAGE` and its functions `SERVICE-STAGE-FN`.
fn split_serverless_stack<'a>(stack: &'a str, function_name: &str) -> Option<(&'a str, &'a str)> {
    let fn_part = function_name.strip_prefix(stack)?.strip_prefix('-')?;
    if fn_part.is_empty() {
        return None;
    }
    let (service, stage) = stack.rsplit_once('-')?;
    (!service.is_empty() && !stage.is_empty()).then_some((service, stage))
}

fn placed(service: &str, stage: Option<String>, grouped_by: GroupedBy) -> Placement {
    Placement {
        service: service.to_owned(),
        stage,
        grouped_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn place(name: &str, pairs: &[(&str, &str)]) -> (String, Option<String>, GroupedBy) {
        let p = GroupingRules::default().place(name, &tags(pairs));
        (p.service, p.stage, p.grouped_by)
    }

    #[test]
    fn the_service_tag_wins_over_every_other_rule() {
        let got = place(
            "users-dev-login",
            &[("mfn:service", "identity"), (STACK_TAG, "users-dev")],
        );
        assert_eq!(got, ("identity".into(), None, GroupedBy::Tag));
    }

    #[test]
    fn the_service_tag_takes_its_stage_from_the_stage_tag_or_the_name() {
        let got = place("users-prod-login", &[("mfn:service", "users")]);
        assert_eq!(got, ("users".into(), Some("prod".into()), GroupedBy::Tag));
        let got = place("x", &[("mfn:service", "users"), ("mfn:stage", "qa")]);
        assert_eq!(got, ("users".into(), Some("qa".into()), GroupedBy::Tag));
    }

    #[test]
    fn a_serverless_stack_splits_into_service_and_stage() {
        let got = place(
            "comments-api-dev-getComment",
            &[(STACK_TAG, "comments-api-dev")],
        );
        assert_eq!(
            got,
            ("comments-api".into(), Some("dev".into()), GroupedBy::Stack)
        );
    }

    #[test]
    fn a_stack_whose_functions_do_not_follow_the_convention_is_one_service() {
        let got = place("billing-handler", &[(STACK_TAG, "billing-stack")]);
        assert_eq!(got, ("billing-stack".into(), None, GroupedBy::Stack));
    }

    #[test]
    fn a_sam_function_is_grouped_by_its_stack() {
        let got = place(
            "orders-app-CreateOrder-1A2B3C",
            &[(STACK_TAG, "orders-app"), ("lambda:createdBy", "SAM")],
        );
        assert_eq!(got, ("orders-app".into(), None, GroupedBy::Sam));
    }

    #[test]
    fn the_naming_convention_needs_a_known_stage() {
        assert_eq!(
            place("articles-staging-api", &[]),
            ("articles".into(), Some("staging".into()), GroupedBy::Naming)
        );
        assert_eq!(
            place("my-service-prod-do-thing", &[]),
            ("my-service".into(), Some("prod".into()), GroupedBy::Naming)
        );
        assert_eq!(
            place("articles-qa-api", &[]),
            (UNGROUPED.into(), None, GroupedBy::Ungrouped)
        );
        // A stage with nothing after it is not the convention.
        assert_eq!(
            place("articles-dev", &[]),
            (UNGROUPED.into(), None, GroupedBy::Ungrouped)
        );
    }

    #[test]
    fn configured_stages_replace_the_defaults() {
        let rules = GroupingRules {
            stages: vec!["qa".into()],
            ..GroupingRules::default()
        };
        let p = rules.place("articles-qa-api", &BTreeMap::new());
        assert_eq!(
            (p.service.as_str(), p.grouped_by),
            ("articles", GroupedBy::Naming)
        );
        let p = rules.place("articles-dev-api", &BTreeMap::new());
        assert_eq!(p.grouped_by, GroupedBy::Ungrouped);
    }
}

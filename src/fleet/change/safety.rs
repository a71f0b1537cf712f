//! The safety rules both faces share: what read-only mode refuses, and which functions are in a
//! protected stage (a change there is confirmed by typing the function's name).

use super::Refusal;
use crate::fleet::Function;

/// Something an operator does to a function that read-only mode may refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Running it (an invocation, or a benchmark's many): it runs the function's code, with
    /// whatever that code changes.
    Invoke,
    Deploy,
    Rollback,
    Canary,
}

impl Operation {
    /// The verb, as the operator says it.
    pub fn verb(self) -> &'static str {
        match self {
            Operation::Invoke => "invoke",
            Operation::Deploy => "deploy",
            Operation::Rollback => "roll back",
            Operation::Canary => "change the canary of",
        }
    }
}

/// What the operator allowed, and which stages are protected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Safety {
    /// `--read-only`: nothing that runs or changes a function.
    pub read_only: bool,
    /// `[safety] protected_stages`.
    pub protected_stages: Vec<String>,
    /// `[grouping] stages`: the stages a `SERVICE-STAGE-FUNCTION` name is read for when the
    /// function's stage is not known from its grouping.
    pub stages: Vec<String>,
}

impl Safety {
    pub fn from_config(config: &crate::config::Config, read_only: bool) -> Safety {
        Safety {
            read_only,
            protected_stages: config.safety.protected_stages.clone(),
            stages: config.grouping.stages.clone(),
        }
    }

    /// Whether read-only mode refuses `operation`: every one of them. The dashboard's keymap
    /// drops the keys of these operations, and the subcommands refuse them, by this one rule.
    pub fn refused_in_read_only(operation: Operation) -> bool {
        matches!(
            operation,
            Operation::Invoke | Operation::Deploy | Operation::Rollback | Operation::Canary
        )
    }

    /// Refuses `operation` on `function` in read-only mode, saying what to do instead.
    pub fn permit(&self, operation: Operation, function: &str) -> Result<(), Refusal> {
        if self.read_only && Safety::refused_in_read_only(operation) {
            return Err(Refusal::new(format!(
                "read-only: {} {function} is refused; start without --read-only to do it",
                operation.verb()
            )));
        }
        Ok(())
    }

    /// The stage of `f`: where grouping placed it, else the stage its Serverless name carries.
    pub fn stage_of(&self, f: &Function) -> Option<String> {
        f.placement.stage.clone().or_else(|| {
            f.name
                .split('-')
                .find(|part| self.stages.iter().any(|s| s == part))
                .map(str::to_owned)
        })
    }

    /// Whether changes to `f` are confirmed by typing its name.
    pub fn protected(&self, f: &Function) -> bool {
        self.stage_of(f)
            .is_some_and(|s| self.protected_stages.contains(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safety(read_only: bool) -> Safety {
        Safety {
            read_only,
            protected_stages: vec!["prod".into()],
            stages: vec!["dev".into(), "prod".into()],
        }
    }

    #[test]
    fn a_stage_is_read_from_the_grouping_else_from_the_serverless_name() {
        let s = safety(false);
        let named = Function::new("orders-prod-create", "arn", "eu-west-1");
        assert!(s.protected(&named), "the name carries prod");
        let mut tagged = Function::new("legacy-cron", "arn", "eu-west-1");
        assert!(!s.protected(&tagged));
        tagged.placement.stage = Some("prod".into());
        assert!(s.protected(&tagged), "the grouping's stage counts");
        let mut dev = Function::new("orders-prod-create", "arn", "eu-west-1");
        dev.placement.stage = Some("dev".into());
        assert!(
            !s.protected(&dev),
            "the grouping's stage wins over the name"
        );
    }

    #[test]
    fn read_only_refuses_every_operation_and_says_how_to_proceed() {
        for op in [
            Operation::Invoke,
            Operation::Deploy,
            Operation::Rollback,
            Operation::Canary,
        ] {
            let e = safety(true).permit(op, "f").unwrap_err().to_string();
            assert!(e.contains("read-only") && e.contains("--read-only"), "{e}");
            assert!(safety(false).permit(op, "f").is_ok());
        }
    }
}

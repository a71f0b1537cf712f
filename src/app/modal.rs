//! The one dialog open over a view, if any: rollback, invoke, deploy or canary. Whatever it
//! is, the same three things follow it: the plan being confirmed, whether what it asked for is
//! running, and the steps of a running change.

use super::canary_dialog::CanaryDialog;
use super::confirmation::Confirmation;
use super::deploy_dialog::DeployDialog;
use super::invoke_dialog::InvokeDialog;
use super::rollback_dialog::RollbackDialog;
use crate::fleet::{Function, Step};

/// Which dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    Rollback(RollbackDialog),
    Invoke(InvokeDialog),
    Deploy(DeployDialog),
    Canary(CanaryDialog),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Modal {
    pub dialog: Dialog,
    /// The plan of a change, shown and asked about (`y`, or the name in a protected stage).
    pub confirm: Option<Confirmation>,
    /// What the dialog asked for (a change, an invocation) runs; its outcome is awaited.
    pub running: bool,
    /// The steps of the running change started so far, the last one running.
    pub progress: Vec<Step>,
}

impl Modal {
    pub fn new(dialog: Dialog) -> Modal {
        Modal {
            dialog,
            confirm: None,
            running: false,
            progress: Vec::new(),
        }
    }

    /// The function the dialog acts on.
    pub fn function(&self) -> &Function {
        match &self.dialog {
            Dialog::Rollback(d) => &d.function,
            Dialog::Invoke(d) => &d.function,
            Dialog::Deploy(d) => &d.function,
            Dialog::Canary(d) => &d.function,
        }
    }

    /// A step of the running change started; a later report of the same wait replaces it.
    pub fn step(&mut self, step: Step) {
        match self.progress.last_mut() {
            Some(last) if step.continues(last) => *last = step,
            _ => self.progress.push(step),
        }
    }

    /// Whether something the dialog shows is awaited (the loop ticks meanwhile).
    pub fn awaiting(&self) -> bool {
        self.running
            || match &self.dialog {
                Dialog::Canary(d) => d.figures.is_none(),
                Dialog::Deploy(d) => d.preparing,
                _ => false,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_reported_again_replaces_itself() {
        let f = Function::new("f", "arn", "eu-west-1");
        let mut m = Modal::new(Dialog::Invoke(InvokeDialog::open(f)));
        m.step(Step::Publishing);
        for elapsed_s in [0, 3, 6] {
            m.step(Step::WaitingVersion {
                version: "4".into(),
                elapsed_s,
            });
        }
        m.step(Step::MovingAlias {
            alias: "live".into(),
            version: "4".into(),
        });
        assert_eq!(m.progress.len(), 3, "{:?}", m.progress);
        assert_eq!(
            m.progress[1],
            Step::WaitingVersion {
                version: "4".into(),
                elapsed_s: 6
            }
        );
    }
}

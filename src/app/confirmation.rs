//! Confirming a change: the dialog's [`Plan`] shown, then a key (`y`) in most stages, the
//! function's name typed in protected ones, as the plan says. Every dialog that changes the
//! fleet asks through this, and what it confirms is the plan it carries.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::fleet::change::{Confirm, Plan};

#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    /// What is being confirmed: exactly what runs once confirmed.
    pub plan: Plan,
    /// What has been typed (a protected stage's name).
    pub typed: String,
}

/// What a key did to the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Still asking.
    Pending,
    Cancelled,
    Confirmed,
    /// A name was typed that is not the function's: asking again.
    Mistyped,
}

impl Confirmation {
    pub fn new(plan: Plan) -> Confirmation {
        Confirmation {
            plan,
            typed: String::new(),
        }
    }

    /// Whether the function's name must be typed.
    pub fn protected(&self) -> bool {
        self.plan.confirm == Confirm::TypeName
    }

    /// Takes a key: `esc` cancels; in a protected stage the name is typed and `enter` checks
    /// it; elsewhere `y` confirms and any other key cancels.
    pub fn key(&mut self, key: KeyEvent) -> Answer {
        let name = self.plan.function.name.as_str();
        match (key.code, self.plan.confirm) {
            (KeyCode::Esc, _) => Answer::Cancelled,
            (KeyCode::Backspace, Confirm::TypeName) => {
                self.typed.pop();
                Answer::Pending
            }
            (KeyCode::Enter, Confirm::TypeName) if self.typed == name => Answer::Confirmed,
            (KeyCode::Enter, Confirm::TypeName) => {
                self.typed.clear();
                Answer::Mistyped
            }
            (KeyCode::Char(c), Confirm::TypeName)
                if !key.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                self.typed.push(c);
                Answer::Pending
            }
            (_, Confirm::TypeName) => Answer::Pending,
            (KeyCode::Char('y' | 'Y'), Confirm::Key) => Answer::Confirmed,
            (_, Confirm::Key) => Answer::Cancelled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::change::{Change, Safety, plan};
    use crate::fleet::{Alias, Function, Version, VersionState};
    use std::collections::BTreeMap;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn confirmation(name: &str) -> Confirmation {
        let mut f = Function::new(name, "arn:aws:lambda:eu-west-1:1:function:f", "eu-west-1");
        f.versions = ["1", "2"]
            .map(|v| Version {
                version: v.into(),
                code_sha256: format!("sha{v}"),
                last_modified: String::new(),
                description: String::new(),
                state: VersionState::Active,
            })
            .to_vec();
        f.aliases = vec![Alias {
            name: "live".into(),
            version: "2".into(),
            weights: BTreeMap::from([("2".to_owned(), 1.0)]),
            description: String::new(),
        }];
        let safety = Safety {
            read_only: false,
            protected_stages: vec!["prod".into()],
            stages: vec!["dev".into(), "prod".into()],
        };
        let change = Change::Rollback {
            alias: "live".into(),
            to: None,
        };
        Confirmation::new(plan(&f, change, &safety).unwrap())
    }

    #[test]
    fn y_confirms_and_anything_else_cancels_outside_protected_stages() {
        let mut c = confirmation("f-dev-x");
        assert!(!c.protected());
        assert_eq!(c.key(key('n')), Answer::Cancelled);
        assert_eq!(c.key(key('y')), Answer::Confirmed);
    }

    #[test]
    fn a_protected_stage_wants_the_name_exactly() {
        let mut c = confirmation("f-prod-x");
        assert!(
            c.protected(),
            "the plan of a prod function is confirmed by name"
        );
        for ch in "f-prod".chars() {
            assert_eq!(c.key(key(ch)), Answer::Pending);
        }
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(c.key(enter), Answer::Mistyped);
        for ch in "f-prod-x".chars() {
            c.key(key(ch));
        }
        assert_eq!(c.key(enter), Answer::Confirmed);
    }
}

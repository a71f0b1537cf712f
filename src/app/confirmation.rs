//! Confirming a change: a key (`y`) in most stages, the function's name typed in protected
//! ones. Every dialog that changes the fleet asks through this.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Confirmation {
    /// A protected stage: the function's name must be typed.
    pub protected: bool,
    /// What has been typed, once asking.
    pub typed: Option<String>,
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
    pub fn new(protected: bool) -> Confirmation {
        Confirmation {
            protected,
            typed: None,
        }
    }

    pub fn ask(&mut self) {
        self.typed = Some(String::new());
    }

    pub fn asking(&self) -> bool {
        self.typed.is_some()
    }

    /// Takes a key while asking: `esc` cancels; in a protected stage the name is typed and
    /// `enter` checks it; elsewhere `y` confirms and any other key cancels.
    pub fn key(&mut self, key: KeyEvent, name: &str) -> Answer {
        let Some(typed) = self.typed.as_mut() else {
            return Answer::Cancelled;
        };
        let answer = match (key.code, self.protected) {
            (KeyCode::Esc, _) => Answer::Cancelled,
            (KeyCode::Backspace, true) => {
                typed.pop();
                Answer::Pending
            }
            (KeyCode::Enter, true) if typed == name => Answer::Confirmed,
            (KeyCode::Enter, true) => {
                typed.clear();
                return Answer::Mistyped;
            }
            (KeyCode::Char(c), true) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                typed.push(c);
                Answer::Pending
            }
            (_, true) => Answer::Pending,
            (KeyCode::Char('y' | 'Y'), false) => Answer::Confirmed,
            (_, false) => Answer::Cancelled,
        };
        if matches!(answer, Answer::Cancelled | Answer::Confirmed) {
            self.typed = None;
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn y_confirms_and_anything_else_cancels_outside_protected_stages() {
        let mut c = Confirmation::new(false);
        c.ask();
        assert_eq!(c.key(key('n'), "f"), Answer::Cancelled);
        assert!(!c.asking());
        c.ask();
        assert_eq!(c.key(key('y'), "f"), Answer::Confirmed);
    }

    #[test]
    fn a_protected_stage_wants_the_name_exactly() {
        let mut c = Confirmation::new(true);
        c.ask();
        for ch in "f-prod".chars() {
            assert_eq!(c.key(key(ch), "f-prod-x"), Answer::Pending);
        }
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(c.key(enter, "f-prod-x"), Answer::Mistyped);
        assert!(c.asking(), "asked again");
        for ch in "f-prod-x".chars() {
            c.key(key(ch), "f-prod-x");
        }
        assert_eq!(c.key(enter, "f-prod-x"), Answer::Confirmed);
    }
}

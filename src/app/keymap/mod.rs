//! Keys to actions, from the `[keymap]` of the config.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod actions;

pub use actions::{Action, Scope};

/// A key, as written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeKey,
    ctrl: bool,
    alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeKey {
    Char(char),
    Named(&'static str),
    F(u8),
}

const NAMED: [(&str, KeyCode); 13] = [
    ("esc", KeyCode::Esc),
    ("enter", KeyCode::Enter),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
];

impl Key {
    /// Parses `q`, `G`, `ctrl-c`, `alt-x`, `esc`, `space`, `f5`, ...
    pub fn parse(text: &str) -> Result<Key, String> {
        let (mut ctrl, mut alt) = (false, false);
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeKey::Char(c),
            _ if rest == "space" => KeyCodeKey::Char(' '),
            _ => {
                if let Some((name, _)) = NAMED.iter().find(|(n, _)| *n == rest) {
                    KeyCodeKey::Named(name)
                } else if let Some(n) = rest.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    KeyCodeKey::F(n)
                } else {
                    return Err(format!("unknown key `{text}`"));
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }

    fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            other => KeyCodeKey::Named(NAMED.iter().find(|(_, k)| *k == other)?.0),
        };
        Some(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// How the key is written in hints: `q`, `ctrl-c`, `<space>`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeKey::Char(' ') => "space".to_owned(),
            KeyCodeKey::Char(c) => c.to_string(),
            KeyCodeKey::Named(n) => n.to_owned(),
            KeyCodeKey::F(n) => format!("f{n}"),
        };
        format!(
            "{}{}{base}",
            if self.ctrl { "ctrl-" } else { "" },
            if self.alt { "alt-" } else { "" }
        )
    }
}

/// The bindings in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<(Scope, Key), Action>,
    keys: BTreeMap<Action, Vec<Key>>,
}

impl Keymap {
    /// Builds the keymap from the config's `[keymap]`; unknown actions or keys are refused.
    pub fn from_config(config: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut bindings = BTreeMap::new();
        let mut keys: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        for (name, key_texts) in config {
            let action = Action::from_name(name).ok_or_else(|| {
                format!("[keymap] has an unknown action `{name}`; see `?` in the app for the list")
            })?;
            for text in key_texts {
                let key = Key::parse(text).map_err(|e| format!("[keymap] {name}: {e}"))?;
                if let Some(other) = bindings.insert((action.scope(), key), action)
                    && other != action
                {
                    return Err(format!(
                        "[keymap] `{text}` is bound to both {} and {name}",
                        other.name()
                    ));
                }
                keys.entry(action).or_default().push(key);
            }
        }
        // A key of a global action cannot also serve a view's action.
        for ((scope, key), action) in &bindings {
            if let Some(global) = bindings
                .get(&(Scope::Global, *key))
                .filter(|_| *scope != Scope::Global)
            {
                return Err(format!(
                    "[keymap] `{}` is bound to both {} and {}",
                    key.label(),
                    global.name(),
                    action.name()
                ));
            }
        }
        Ok(Keymap { bindings, keys })
    }

    /// The same bindings without any action that changes the fleet (`--read-only`).
    pub fn read_only(mut self) -> Keymap {
        self.bindings.retain(|_, action| !action.mutating());
        self.keys.retain(|action, _| !action.mutating());
        self
    }

    /// The action of a key in the view of `scope`: the view's own binding, else a global one.
    pub fn action(&self, event: &KeyEvent, scope: Scope) -> Option<Action> {
        let key = Key::from_event(event)?;
        self.bindings
            .get(&(scope, key))
            .or_else(|| self.bindings.get(&(Scope::Global, key)))
            .copied()
    }

    /// The keys of `action`, for hints and help: `q/ctrl-c`.
    pub fn keys_label(&self, action: Action) -> String {
        self.keys
            .get(&action)
            .map(|ks| ks.iter().map(Key::label).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }

    /// The first key of `action`, for the header's hints.
    pub fn first_key(&self, action: Action) -> Option<String> {
        self.keys.get(&action)?.first().map(Key::label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn default_bindings_resolve_plain_shifted_and_control_keys() {
        let km = Keymap::from_config(&Config::defaults().keymap).unwrap();
        assert_eq!(
            km.action(&key(KeyCode::Char('q'), KeyModifiers::NONE), Scope::Fleet),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(
                &key(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Scope::Fleet
            ),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('G'), KeyModifiers::SHIFT), Scope::Logs),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action(&key(KeyCode::Esc, KeyModifiers::NONE), Scope::Function),
            Some(Action::Back)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('z'), KeyModifiers::NONE), Scope::Fleet),
            None
        );
    }

    #[test]
    fn one_key_means_one_thing_per_view() {
        let km = Keymap::from_config(&Config::defaults().keymap).unwrap();
        let n = key(KeyCode::Char('N'), KeyModifiers::SHIFT);
        assert_eq!(km.action(&n, Scope::Fleet), Some(Action::SortName));
        assert_eq!(km.action(&n, Scope::Logs), Some(Action::SearchPrev));
        let space = key(KeyCode::Char(' '), KeyModifiers::NONE);
        assert_eq!(km.action(&space, Scope::Fleet), Some(Action::Toggle));
        assert_eq!(km.action(&space, Scope::Logs), Some(Action::Pause));
        assert_eq!(km.action(&space, Scope::Function), None);
    }

    #[test]
    fn read_only_mode_removes_every_mutating_key() {
        let km = Keymap::from_config(&Config::defaults().keymap).unwrap();
        let b = key(KeyCode::Char('B'), KeyModifiers::SHIFT);
        assert_eq!(km.action(&b, Scope::Function), Some(Action::Rollback));
        let ro = km.read_only();
        assert_eq!(ro.action(&b, Scope::Function), None);
        assert!(
            ro.keys_label(Action::Rollback).is_empty(),
            "nor listed in help"
        );
        for (action, ..) in Action::ALL {
            if action.mutating() {
                assert!(ro.first_key(action).is_none(), "{action:?}");
            }
        }
    }

    #[test]
    fn a_global_key_cannot_serve_a_view_too() {
        let bad = BTreeMap::from([
            ("quit".to_string(), vec!["q".to_string()]),
            ("pause".to_string(), vec!["q".to_string()]),
        ]);
        let e = Keymap::from_config(&bad).unwrap_err();
        assert!(e.contains("quit") && e.contains("pause"), "{e}");
    }

    #[test]
    fn unknown_actions_and_keys_are_refused_by_name() {
        let bad = BTreeMap::from([("jump".to_string(), vec!["j".to_string()])]);
        assert!(Keymap::from_config(&bad).unwrap_err().contains("jump"));
        let bad = BTreeMap::from([("quit".to_string(), vec!["hyper-q".to_string()])]);
        assert!(Keymap::from_config(&bad).unwrap_err().contains("hyper-q"));
    }

    #[test]
    fn one_key_for_two_actions_is_refused() {
        let bad = BTreeMap::from([
            ("quit".to_string(), vec!["q".to_string()]),
            ("help".to_string(), vec!["q".to_string()]),
        ]);
        assert!(
            Keymap::from_config(&bad)
                .unwrap_err()
                .contains("bound to both")
        );
    }
}

//! Keys to actions, from the `[keymap]` of the config.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something the operator can ask for with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Quit,
    Back,
    Help,
    Filter,
    Command,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Toggle,
    Collapse,
    ExpandAll,
    CollapseAll,
    Reveal,
    Errors,
    Refresh,
    SortName,
    SortFunctions,
    SortRegion,
    SortRuntime,
    SortMemory,
    SortModified,
    SortInvocations,
    SortCold,
    SortWarmP99,
    SortColdP99,
    SortCost,
    Cost,
}

impl Action {
    pub const ALL: [(Action, &'static str, &'static str); 31] = [
        (Action::Quit, "quit", "quit"),
        (Action::Back, "back", "back / close"),
        (Action::Help, "help", "this help"),
        (Action::Filter, "filter", "filter by name"),
        (Action::Command, "command", "command line"),
        (Action::Up, "up", "up"),
        (Action::Down, "down", "down"),
        (Action::PageUp, "page_up", "page up"),
        (Action::PageDown, "page_down", "page down"),
        (Action::Top, "top", "first row"),
        (Action::Bottom, "bottom", "last row"),
        (Action::Open, "open", "open function / expand service"),
        (Action::Toggle, "toggle", "expand or collapse a service"),
        (Action::Collapse, "collapse", "collapse a service"),
        (Action::ExpandAll, "expand_all", "expand all services"),
        (Action::CollapseAll, "collapse_all", "collapse all services"),
        (Action::Reveal, "reveal", "reveal / mask environment values"),
        (Action::Errors, "errors", "errors pane"),
        (Action::Refresh, "refresh", "discover again"),
        (Action::SortName, "sort_name", "sort by name"),
        (
            Action::SortFunctions,
            "sort_functions",
            "sort by function count",
        ),
        (Action::SortRegion, "sort_region", "sort by region"),
        (Action::SortRuntime, "sort_runtime", "sort by runtime"),
        (Action::SortMemory, "sort_memory", "sort by memory"),
        (
            Action::SortModified,
            "sort_modified",
            "sort by last modified",
        ),
        (
            Action::SortInvocations,
            "sort_invocations",
            "sort by invocations",
        ),
        (Action::SortCold, "sort_cold", "sort by cold-start %"),
        (Action::SortWarmP99, "sort_warm_p99", "sort by warm p99"),
        (Action::SortColdP99, "sort_cold_p99", "sort by cold p99"),
        (Action::SortCost, "sort_cost", "sort by projected $/30d"),
        (Action::Cost, "cost", "cost view"),
    ];

    pub fn name(self) -> &'static str {
        Action::ALL
            .iter()
            .find(|(a, ..)| *a == self)
            .map(|e| e.1)
            .unwrap_or("?")
    }

    pub fn description(self) -> &'static str {
        Action::ALL
            .iter()
            .find(|(a, ..)| *a == self)
            .map(|e| e.2)
            .unwrap_or("?")
    }

    fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().find(|(_, n, _)| *n == name).map(|e| e.0)
    }
}

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
    bindings: BTreeMap<Key, Action>,
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
                if let Some(other) = bindings.insert(key, action).filter(|a| *a != action) {
                    return Err(format!(
                        "[keymap] `{text}` is bound to both {} and {name}",
                        other.name()
                    ));
                }
                keys.entry(action).or_default().push(key);
            }
        }
        Ok(Keymap { bindings, keys })
    }

    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.bindings.get(&Key::from_event(event)?).copied()
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
            km.action(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action(&key(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::Back)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
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

//! Drives the real TUI loop (`App`) headless: keys in, frames out on ratatui's `TestBackend`.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mfn_tui::app::canary_dialog::CanaryDialog;
use mfn_tui::app::deploy_dialog::DeployDialog;
use mfn_tui::app::figures::Figures;
use mfn_tui::app::invoke_dialog::InvokeDialog;
use mfn_tui::app::keymap::Keymap;
use mfn_tui::app::modal::{Dialog, Modal};
use mfn_tui::app::rollback_dialog::RollbackDialog;
use mfn_tui::app::{Msg, State};
use mfn_tui::config::Config;
use mfn_tui::fleet::change::Safety;
use mfn_tui::fleet::{Fleet, FleetContext, Inventory};
use mfn_tui::tui::App;
use mfn_tui::ui::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub struct Screen {
    pub app: App,
    pub terminal: Terminal<TestBackend>,
}

impl Screen {
    pub fn new(fleet: impl Fleet + 'static, width: u16, height: u16, read_only: bool) -> Screen {
        Screen::over(Arc::new(fleet), width, height, read_only)
    }

    /// A screen over a fleet that is shared (a local fleet, say).
    pub fn over(fleet: Arc<dyn Fleet>, width: u16, height: u16, read_only: bool) -> Screen {
        let state = default_state(fleet.context(), read_only);
        let mut app = App::new(state, fleet);
        app.handle(Msg::Resize(width, height));
        Screen {
            app,
            terminal: Terminal::new(TestBackend::new(width, height)).unwrap(),
        }
    }

    /// Starts discovery and handles findings until it is over.
    pub async fn discover(&mut self) {
        self.app.start();
        self.settle().await;
    }

    pub async fn settle(&mut self) {
        self.app.settle(Duration::from_secs(5)).await;
    }

    /// Types `keys`: plain characters, or `<esc>`, `<enter>`, `<space>`, `<down>`, `<up>`,
    /// `<bs>`, `<left>`, `<right>`, `<c-X>` (ctrl and a letter).
    pub async fn keys(&mut self, keys: &str) {
        let mut rest = keys;
        while !rest.is_empty() {
            let (event, len) = if let Some(end) = rest.strip_prefix('<').and_then(|r| r.find('>')) {
                let name = &rest[1..=end];
                let event = match name {
                    "esc" => key(KeyCode::Esc),
                    "enter" => key(KeyCode::Enter),
                    "space" => key(KeyCode::Char(' ')),
                    "down" => key(KeyCode::Down),
                    "up" => key(KeyCode::Up),
                    "bs" => key(KeyCode::Backspace),
                    "left" => key(KeyCode::Left),
                    "right" => key(KeyCode::Right),
                    ctrl if ctrl.starts_with("c-") && ctrl.len() == 3 => KeyEvent::new(
                        KeyCode::Char(ctrl.chars().nth(2).unwrap()),
                        KeyModifiers::CONTROL,
                    ),
                    other => panic!("unknown key <{other}>"),
                };
                (event, end + 2)
            } else {
                let c = rest.chars().next().unwrap();
                let modifiers = if c.is_ascii_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                (KeyEvent::new(KeyCode::Char(c), modifiers), c.len_utf8())
            };
            self.app.handle(Msg::Key(event));
            self.settle().await;
            rest = &rest[len..];
        }
    }

    /// Draws a frame and returns the backend, for `insta::assert_snapshot!`.
    pub fn frame(&mut self) -> &TestBackend {
        self.app.draw(&mut self.terminal).unwrap();
        self.terminal.backend()
    }

    /// The frame as text.
    pub fn text(&mut self) -> String {
        self.frame().to_string()
    }

    /// The dialog open over the view, if any.
    pub fn modal(&self) -> Option<&Modal> {
        self.app.state.modal.as_ref()
    }

    /// Whether what the open dialog asked for runs.
    pub fn running(&self) -> bool {
        self.modal().is_some_and(|m| m.running)
    }

    /// Whether the open dialog asks to confirm a plan.
    pub fn asking(&self) -> bool {
        self.modal().is_some_and(|m| m.confirm.is_some())
    }

    pub fn rollback_dialog(&self) -> Option<&RollbackDialog> {
        match &self.modal()?.dialog {
            Dialog::Rollback(d) => Some(d),
            _ => None,
        }
    }

    pub fn invoke_dialog(&self) -> Option<&InvokeDialog> {
        match &self.modal()?.dialog {
            Dialog::Invoke(d) => Some(d),
            _ => None,
        }
    }

    pub fn deploy_dialog(&self) -> Option<&DeployDialog> {
        match &self.modal()?.dialog {
            Dialog::Deploy(d) => Some(d),
            _ => None,
        }
    }

    pub fn canary_dialog(&self) -> Option<&CanaryDialog> {
        match &self.modal()?.dialog {
            Dialog::Canary(d) => Some(d),
            _ => None,
        }
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A dashboard's state over `context` with the bundled defaults.
pub fn default_state(context: FleetContext, read_only: bool) -> State {
    let config = Config::defaults();
    State::new(
        context,
        Inventory::new(config.grouping.clone()),
        Keymap::from_config(&config.keymap).unwrap(),
        Theme::from_config(&config.theme).unwrap(),
        Figures::new(
            config.pricing.clone(),
            config.logs.confirm_scan_bytes,
            config.figures.clone(),
        ),
        config.logs.clone(),
        Safety::from_config(&config, read_only),
    )
}

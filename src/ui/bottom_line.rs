//! The bottom line: what is being typed (`/filter`, a logs search, `:command`), or the last
//! message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::state::{Input, State};

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let line = match (&state.input, &state.flash) {
        (Some(Input::Filter(text)), _) => Line::from(vec![
            Span::styled("/", theme.accent),
            Span::styled(format!("{text}█"), theme.text),
        ]),
        (Some(Input::Command(text)), _) => Line::from(vec![
            Span::styled(":", theme.accent),
            Span::styled(format!("{text}█"), theme.text),
        ]),
        (Some(Input::Search(text)), _) => Line::from(vec![
            Span::styled("search /", theme.accent),
            Span::styled(format!("{text}█"), theme.text),
        ]),
        (None, Some(flash)) => Line::from(Span::styled(
            flash.text.clone(),
            if flash.is_error {
                theme.error
            } else {
                theme.ok
            },
        )),
        (None, None) => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), area);
}

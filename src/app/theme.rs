//! Colours from the config's `[theme]`, as ratatui styles.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

/// The styles views draw with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub title: Style,
    pub text: Style,
    pub muted: Style,
    pub accent: Style,
    pub selection: Style,
    pub service: Style,
    pub ok: Style,
    pub error: Style,
    pub read_only: Style,
    pub masked: Style,
}

impl Theme {
    /// Builds the theme; an unknown colour name is refused with the key it was given for.
    pub fn from_config(colours: &BTreeMap<String, String>) -> Result<Theme, String> {
        let colour = |key: &str| -> Result<Color, String> {
            let text = colours
                .get(key)
                .ok_or_else(|| format!("[theme] is missing `{key}`"))?;
            Color::from_str(text).map_err(|_| {
                format!("[theme] {key} = \"{text}\" is not a colour (a name, an index or #rrggbb)")
            })
        };
        const KNOWN: [&str; 10] = [
            "title",
            "text",
            "muted",
            "accent",
            "selection_bg",
            "service",
            "ok",
            "error",
            "read_only_bg",
            "masked",
        ];
        if let Some(unknown) = colours.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(format!("[theme] has an unknown key `{unknown}`"));
        }
        Ok(Theme {
            title: Style::new()
                .fg(colour("title")?)
                .add_modifier(Modifier::BOLD),
            text: Style::new().fg(colour("text")?),
            muted: Style::new().fg(colour("muted")?),
            accent: Style::new().fg(colour("accent")?),
            selection: Style::new()
                .bg(colour("selection_bg")?)
                .add_modifier(Modifier::BOLD),
            service: Style::new()
                .fg(colour("service")?)
                .add_modifier(Modifier::BOLD),
            ok: Style::new().fg(colour("ok")?),
            error: Style::new().fg(colour("error")?),
            read_only: Style::new()
                .bg(colour("read_only_bg")?)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            masked: Style::new().fg(colour("masked")?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_default_theme_parses_and_a_bad_colour_is_named() {
        let mut colours = Config::defaults().theme;
        assert!(Theme::from_config(&colours).is_ok());
        colours.insert("accent".into(), "sparkly".into());
        let err = Theme::from_config(&colours).unwrap_err();
        assert!(err.contains("accent") && err.contains("sparkly"), "{err}");
    }
}

//! Text from the fleet as an operator's terminal shows it: control characters, escape sequences
//! and bidirectional overrides made visible, never acted on. Both faces print fleet text (names,
//! tags, log messages, errors) through [`visible`]; JSON output needs nothing, serde escapes it.

use std::borrow::Cow;

/// `text` with every character a terminal would act on written out instead: `\e` for ESC (so
/// `\e]0;title\a` retitles nothing), `\n`, `\r`, `\xNN` for the other C0 controls and DEL,
/// `\u{NN}` for C1 controls and the bidirectional overrides that reorder what is shown. Tabs
/// stay (REPORT lines are tab-separated). Text with none of them is returned as it is.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acted_on) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !acted_on(c) {
            out.push(c);
            continue;
        }
        match c {
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Whether a terminal would act on `c` rather than draw it.
fn acted_on(c: char) -> bool {
    (c.is_control() && c != '\t') || is_bidi_control(c)
}

/// Characters that reorder the text around them (the "Trojan Source" ones).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_acted_on() {
        assert_eq!(visible("\x1b]0;owned\x07users"), "\\e]0;owned\\x07users");
        assert_eq!(visible("\x1b[2J\x1b[31mred"), "\\e[2J\\e[31mred");
        assert_eq!(visible("a\r\nb\x08\x7f"), "a\\r\\nb\\x08\\x7f");
        assert_eq!(visible("\u{9b}31m"), "\\u{9b}31m", "an 8-bit CSI");
        assert_eq!(visible("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
    }

    #[test]
    fn plain_text_and_tabs_pass_unchanged_without_a_copy() {
        let line = "REPORT RequestId: a\tDuration: 1.00 ms · ünïcode ✓";
        assert!(matches!(visible(line), Cow::Borrowed(s) if s == line));
    }
}

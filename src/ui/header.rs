//! The header: where the fleet comes from, how discovery stands, and the keys that matter here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::figures::ReportVia;
use crate::app::keymap::Action;
use crate::app::state::{State, View};
use crate::fleet::inventory::TargetState;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let accounts = state.inventory.accounts();
    let account = if accounts.is_empty() {
        "…".to_owned()
    } else {
        accounts.join(",")
    };
    let mut context = vec![
        Span::styled(" mfn-tui ", theme.title),
        Span::styled("│ ", theme.muted),
        Span::styled(state.context.provider.to_string(), theme.accent),
        Span::styled(" │ account ", theme.muted),
        Span::styled(account, theme.text),
        Span::styled(" │ profile ", theme.muted),
        Span::styled(state.context.profiles().join(","), theme.text),
        Span::styled(" │ regions ", theme.muted),
    ];
    for region in state.context.regions() {
        let targets: Vec<_> = state
            .inventory
            .targets()
            .iter()
            .filter(|(t, _)| t.region == region)
            .collect();
        let failed = targets
            .iter()
            .any(|(t, _)| state.inventory.target_failed(t));
        let pending =
            targets.is_empty() || targets.iter().any(|(_, s)| **s == TargetState::Discovering);
        let (mark, style) = if failed {
            ("✗", theme.error)
        } else if pending {
            ("…", theme.muted)
        } else {
            ("✓", theme.ok)
        };
        context.push(Span::styled(format!("{region}{mark} "), style));
    }
    if let Some(endpoint) = &state.context.endpoint {
        context.push(Span::styled("│ endpoint ", theme.muted));
        context.push(Span::styled(format!("{endpoint} "), theme.accent));
    }
    if state.safety.read_only {
        context.push(Span::styled(" READ-ONLY ", theme.read_only));
    }

    let functions = state.inventory.function_count();
    let services = state.fleet_services();
    let mut status = if state.discovering() {
        let targets = state.inventory.targets().len();
        let done = targets - state.inventory.pending_targets();
        vec![Span::styled(
            format!(
                " {} discovering {done}/{targets} targets · {functions} functions · {services} services",
                crate::ui::spinner(state.spinner)
            ),
            theme.accent,
        )]
    } else {
        vec![Span::styled(
            format!(" {functions} functions · {services} services"),
            theme.text,
        )]
    };
    if let Some(age) = state.cached_age_ms {
        status.push(Span::styled(
            format!(" · cached {} ago, revalidating", crate::units::age(age)),
            theme.muted,
        ));
    }
    let figures = &state.figures;
    let insights = match &figures.via {
        Some(ReportVia::Insights(e)) => Some(e),
        _ => None,
    };
    match (figures.loading, insights) {
        (Some(_), Some(e)) if !state.discovering() => {
            status.push(Span::styled(
                format!(
                    " · {} Logs Insights aggregating ({}) {} log groups, about {} to scan",
                    crate::ui::spinner(state.spinner),
                    figures.since,
                    e.groups,
                    crate::units::bytes(e.bytes)
                ),
                theme.accent,
            ));
        }
        (Some(p), _) if !state.discovering() => status.push(Span::styled(
            format!(
                " · {} reading logs ({}) {}/{} functions · {} records · {}",
                crate::ui::spinner(state.spinner),
                figures.since,
                p.functions_done,
                p.functions_total,
                p.reports,
                crate::units::bytes(p.bytes_scanned)
            ),
            theme.accent,
        )),
        _ if figures.blocked.is_some() => status.push(Span::styled(
            format!(
                " · window {}: metrics only, REPORT records not read (:read)",
                figures.since
            ),
            theme.accent,
        )),
        _ => {
            let cost = figures
                .cost
                .as_ref()
                .map(|c| format!(" · ${:.2}/30d at list price", c.total.projected_30d_usd))
                .unwrap_or_default();
            let via = if insights.is_some() {
                " (Logs Insights)"
            } else {
                ""
            };
            status.push(Span::styled(
                format!(" · window {}{via}{cost}", figures.since),
                theme.muted,
            ));
        }
    }
    let failures = state.inventory.real_failures().count() + figures.failures;
    let notes = state.inventory.failures().len() - state.inventory.real_failures().count();
    if notes > 0 && failures == 0 {
        let key = state
            .keymap
            .first_key(Action::Errors)
            .unwrap_or_else(|| ":errors".into());
        status.push(Span::styled(
            format!(" · {notes} notes <{key}>"),
            theme.muted,
        ));
    }
    if failures > 0 {
        let key = state
            .keymap
            .first_key(Action::Errors)
            .unwrap_or_else(|| ":errors".into());
        status.push(Span::styled(
            format!(" · {failures} failed calls <{key}>"),
            theme.error,
        ));
    }

    let hints: &[(Action, &str)] = match state.view {
        View::Fleet => &[
            (Action::Open, "open"),
            (Action::Logs, "logs"),
            (Action::Toggle, "expand"),
            (Action::Filter, "filter"),
            (Action::Command, "command"),
            (Action::SortName, "sort"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
        View::Function { .. } => &[
            (Action::Back, "back"),
            (Action::Logs, "logs"),
            (Action::Invoke, "invoke"),
            (Action::Deploy, "deploy"),
            (Action::Rollback, "rollback"),
            (Action::Canary, "canary"),
            (Action::Reveal, "reveal env"),
            (Action::Down, "scroll"),
            (Action::Command, "command"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
        View::Cost => &[
            (Action::Back, "back"),
            (Action::Down, "scroll"),
            (Action::Command, "command (:since 7d)"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
        View::Logs => &[
            (Action::Back, "back"),
            (Action::Pause, "pause"),
            (Action::Filter, "search"),
            (Action::SearchNext, "next"),
            (Action::GroupRequests, "by invocation"),
            (Action::Pretty, "JSON"),
            (Action::Save, "save"),
            (Action::Bottom, "follow"),
        ],
    };
    let mut keys = Vec::new();
    for (action, label) in hints {
        if let Some(key) = state.keymap.first_key(*action) {
            keys.push(Span::styled(format!(" <{key}>"), theme.accent));
            keys.push(Span::styled(format!(" {label}"), theme.muted));
        }
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(context),
            Line::from(status),
            Line::from(keys),
        ]),
        area,
    );
}

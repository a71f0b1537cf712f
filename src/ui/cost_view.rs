//! The cost view: services and functions ranked by projected cost over 30 days, with bars, and
//! the fleet's month at list price, less the free tier and volume tiers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::state::State;
use crate::ui::pictures::bar;
use crate::units::dollars;

const BAR: usize = 30;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let figures = &state.figures;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.muted)
        .title(Span::styled(" Cost ", theme.title))
        .title(Span::styled(
            format!(" window {} · projected to 30 days ", figures.since),
            theme.muted,
        ));
    let Some(cost) = &figures.cost else {
        let text = if figures.loading.is_some() || state.discovering() {
            "Reading REPORT records…"
        } else {
            "No figures yet."
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.muted)).block(block),
            area,
        );
        return;
    };
    let m = &cost.month;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("  list price ", theme.muted),
            Span::styled(dollars(m.list_usd), theme.text),
            Span::styled("   free tier −", theme.muted),
            Span::styled(dollars(m.free_tier_usd), theme.ok),
            Span::styled("   volume tiers −", theme.muted),
            Span::styled(dollars(m.volume_discount_usd), theme.ok),
            Span::styled("   estimate ", theme.muted),
            Span::styled(format!("{} a month", dollars(m.estimate_usd)), theme.accent),
        ]),
        Line::from(Span::styled(
            format!(
                "  {} requests · {:.1} GB-s billed, {:.1} of them for cold starts, in the window",
                cost.total.requests, cost.total.billed_gb_seconds, cost.total.cold_start_gb_seconds
            ),
            theme.muted,
        )),
        Line::default(),
        Line::from(Span::styled("Services", theme.title)),
    ];
    let mut services: Vec<_> = cost.by_service.iter().collect();
    services.sort_by(|a, b| b.1.projected_30d_usd.total_cmp(&a.1.projected_30d_usd));
    let top = services.first().map_or(0.0, |s| s.1.projected_30d_usd);
    for (key, c) in &services {
        let name = match &key.stage {
            Some(stage) => format!("{} ({stage}) {}", key.name, key.region),
            None => format!("{} {}", key.name, key.region),
        };
        lines.push(ranked(&name, c.projected_30d_usd, top, theme));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Functions", theme.title)));
    let mut functions: Vec<_> = cost.by_function.iter().collect();
    functions.sort_by(|a, b| b.1.projected_30d_usd.total_cmp(&a.1.projected_30d_usd));
    let top = functions.first().map_or(0.0, |f| f.1.projected_30d_usd);
    for (arn, c) in functions {
        let name = state
            .inventory
            .function(arn)
            .map_or(arn.as_str(), |f| f.name.as_str());
        lines.push(ranked(name, c.projected_30d_usd, top, theme));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.function.scroll, 0)),
        area,
    );
}

fn ranked(name: &str, usd: f64, top: f64, theme: &crate::ui::Theme) -> Line<'static> {
    let fraction = if top > 0.0 { usd / top } else { 0.0 };
    Line::from(vec![
        Span::styled(format!("  {name:<40.40} "), theme.text),
        Span::styled(format!("{:>10} ", dollars(usd)), theme.accent),
        Span::styled(bar(fraction, BAR), theme.ok),
    ])
}

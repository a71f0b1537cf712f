//! The fleet view: services with their function counts, expandable to functions.
//!
//! Only the rows on screen are built, so a frame costs the same for ten functions or ten thousand.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table};

use crate::app::fleet_table::Row;
use crate::app::state::State;
use crate::fleet::{Function, GroupedBy};

const COLUMNS: [(&str, Constraint); 10] = [
    ("NAME", Constraint::Fill(1)),
    ("STAGE", Constraint::Length(8)),
    ("REGION", Constraint::Length(14)),
    ("FNS", Constraint::Length(4)),
    ("RUNTIME", Constraint::Length(12)),
    ("ARCH", Constraint::Length(7)),
    ("MEM", Constraint::Length(7)),
    ("ALIASES", Constraint::Length(7)),
    ("ROUTES", Constraint::Length(6)),
    ("GROUPED", Constraint::Length(9)),
];

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let table = &state.fleet;
    let sort = format!(
        "sort {} {}",
        table.sort.label(),
        if table.descending { "↓" } else { "↑" }
    );
    let filter = if table.filter.is_empty() {
        String::new()
    } else {
        format!(" · filter /{}", table.filter)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.muted)
        .title(Span::styled(" Fleet ", theme.title))
        .title(Span::styled(format!(" {sort}{filter} "), theme.muted));

    if table.rows.is_empty() {
        let text = if state.discovering() {
            "Looking for functions…"
        } else if !table.filter.is_empty() {
            "Nothing matches the filter (esc clears it)."
        } else {
            "No functions found in these regions. Try :region REGION or :profile PROFILE."
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.muted)).block(block),
            area,
        );
        return;
    }

    let page = usize::from(area.height.saturating_sub(3));
    let visible = table.rows.iter().enumerate().skip(table.offset).take(page);
    let rows: Vec<TableRow> = visible
        .map(|(i, row)| {
            let r = match row {
                Row::Service {
                    key,
                    functions,
                    expanded,
                    grouped_by,
                } => TableRow::new(vec![
                    Cell::from(format!(
                        "{} {}",
                        if *expanded { "▾" } else { "▸" },
                        key.name
                    )),
                    Cell::from(key.stage.clone().unwrap_or_default()),
                    Cell::from(key.region.clone()),
                    Cell::from(functions.to_string()),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(
                        grouped_by
                            .map(|g| g.to_string())
                            .unwrap_or_else(|| "mixed".into()),
                    ),
                ])
                .style(theme.service),
                Row::Function { arn, last } => match state.inventory.function(arn) {
                    Some(f) => function_row(f, *last).style(theme.text),
                    None => TableRow::new(vec![Cell::from("  (gone)")]).style(theme.muted),
                },
            };
            if i == table.selected {
                r.style(theme.selection)
            } else {
                r
            }
        })
        .collect();
    let header = TableRow::new(COLUMNS.map(|(name, _)| Cell::from(name))).style(theme.muted);
    let widths = COLUMNS.map(|(_, w)| w);
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

fn function_row(f: &Function, last: bool) -> TableRow<'static> {
    let grouped = match f.placement.grouped_by {
        GroupedBy::Ungrouped => String::new(),
        g => g.to_string(),
    };
    TableRow::new(vec![
        Cell::from(Line::from(format!(
            "  {} {}",
            if last { "└" } else { "├" },
            f.name
        ))),
        Cell::from(f.placement.stage.clone().unwrap_or_default()),
        Cell::from(f.region.clone()),
        Cell::from(""),
        Cell::from(f.runtime.clone().unwrap_or_else(|| "-".into())),
        Cell::from(f.architecture.clone()),
        Cell::from(format!("{} MB", f.memory_mb)),
        Cell::from(count(f.aliases.len())),
        Cell::from(count(f.routes.len())),
        Cell::from(grouped),
    ])
}

fn count(n: usize) -> String {
    if n == 0 { "-".into() } else { n.to_string() }
}

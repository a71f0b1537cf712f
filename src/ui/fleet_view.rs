//! The fleet view: services with their function counts, expandable to functions.
//!
//! Only the rows on screen are built, so a frame costs the same for ten functions or ten thousand.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table};

use crate::app::figures::RowFigures;
use crate::app::fleet_table::Row;
use crate::app::state::State;
use crate::fleet::{Function, GroupedBy};
use crate::text::visible;
use crate::units::{dollars, millis};

const COLUMNS: [(&str, Constraint); 14] = [
    ("NAME", Constraint::Fill(1)),
    ("STAGE", Constraint::Length(8)),
    ("REGION", Constraint::Length(12)),
    ("FNS", Constraint::Length(4)),
    ("RUNTIME", Constraint::Length(11)),
    ("MEM", Constraint::Length(7)),
    ("INVOKES", Constraint::Length(8)),
    ("COLD%", Constraint::Length(6)),
    ("WARM P99", Constraint::Length(9)),
    ("COLD P99", Constraint::Length(9)),
    ("$/30D", Constraint::Length(9)),
    ("ERR%", Constraint::Length(5)),
    ("THROT", Constraint::Length(5)),
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
    let wide = area.width >= WIDE;
    let loading = state.figures.loading.is_some();
    let on_screen = table.rows.iter().enumerate().skip(table.offset).take(page);
    let rows: Vec<TableRow> = on_screen
        .map(|(i, row)| {
            let r = match row {
                Row::Service {
                    key,
                    functions,
                    expanded,
                    grouped_by,
                } => {
                    let mut cells = vec![
                        Cell::from(format!(
                            "{} {}",
                            if *expanded { "▾" } else { "▸" },
                            visible(&key.name)
                        )),
                        Cell::from(visible(key.stage.as_deref().unwrap_or_default()).into_owned()),
                        Cell::from(key.region.clone()),
                        Cell::from(functions.to_string()),
                        Cell::from(""),
                        Cell::from(""),
                    ];
                    cells.extend(figure_cells(state.figures.of_service(key), loading, state));
                    cells.push(Cell::from(
                        grouped_by
                            .map(|g| g.to_string())
                            .unwrap_or_else(|| "mixed".into()),
                    ));
                    TableRow::new(narrow(cells, wide)).style(theme.service)
                }
                Row::Function { arn, last } => match state.inventory.function(arn) {
                    Some(f) => function_row(
                        f,
                        *last,
                        state.figures.of_function(arn),
                        loading,
                        state,
                        wide,
                    )
                    .style(theme.text),
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
    let header = TableRow::new(narrow(
        COLUMNS.map(|(name, _)| Cell::from(name)).to_vec(),
        wide,
    ))
    .style(theme.muted);
    let widths = narrow(COLUMNS.map(|(_, w)| w).to_vec(), wide);
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

fn function_row(
    f: &Function,
    last: bool,
    figures: Option<RowFigures>,
    loading: bool,
    state: &State,
    wide: bool,
) -> TableRow<'static> {
    let grouped = match f.placement.grouped_by {
        GroupedBy::Ungrouped => String::new(),
        g => g.to_string(),
    };
    let mut cells = vec![
        Cell::from(Line::from(format!(
            "  {} {}",
            if last { "└" } else { "├" },
            visible(&f.name)
        ))),
        Cell::from(visible(f.placement.stage.as_deref().unwrap_or_default()).into_owned()),
        Cell::from(f.region.clone()),
        Cell::from(""),
        Cell::from(f.runtime.clone().unwrap_or_else(|| "-".into())),
        Cell::from(format!("{} MB", f.memory_mb)),
    ];
    cells.extend(figure_cells(figures, loading, state));
    cells.push(Cell::from(grouped));
    TableRow::new(narrow(cells, wide))
}

/// Columns a terminal under [`WIDE`] columns goes without, so names keep their room.
const DROPPED_WHEN_NARROW: [usize; 3] = [3, 4, 13];
/// Terminals at least this wide show every column.
const WIDE: u16 = 150;

/// `cells` without the columns a narrow terminal drops (`wide`: it drops none).
fn narrow<T>(cells: Vec<T>, wide: bool) -> Vec<T> {
    cells
        .into_iter()
        .enumerate()
        .filter(|(i, _)| wide || !DROPPED_WHEN_NARROW.contains(i))
        .map(|(_, c)| c)
        .collect()
}

/// INVOKES, COLD%, WARM P99, COLD P99, $/30D from the REPORT records, then ERR% and THROT from
/// CloudWatch's metrics (highlighted when not zero): `…` while reading, `-` where nothing ran or
/// nothing was read.
fn figure_cells(figures: Option<RowFigures>, loading: bool, state: &State) -> Vec<Cell<'static>> {
    let mut cells = report_cells(figures, loading);
    let metrics_loading = state.figures.metrics_loading;
    let metric = |v: Option<f64>, text: &dyn Fn(f64) -> String| match v {
        Some(v) if v > 0.0 => Cell::from(text(v)).style(state.theme.error),
        Some(v) => Cell::from(text(v)),
        None if metrics_loading => Cell::from("…"),
        None => Cell::from("-"),
    };
    let f = figures.unwrap_or_default();
    cells.push(metric(f.error_pct, &|v| format!("{v:.1}")));
    cells.push(metric(f.throttles, &|v| format!("{v:.0}")));
    cells
}

fn report_cells(figures: Option<RowFigures>, loading: bool) -> Vec<Cell<'static>> {
    let Some(f) = figures.filter(|f| f.invocations > 0) else {
        let mark = if loading { "…" } else { "-" };
        return (0..5).map(|_| Cell::from(mark)).collect();
    };
    vec![
        Cell::from(f.invocations.to_string()),
        Cell::from(format!("{:.1}", f.cold_pct)),
        Cell::from(
            f.warm
                .map(|p| millis(p.p99_ms))
                .unwrap_or_else(|| "-".into()),
        ),
        Cell::from(f.cold_p99_ms.map(millis).unwrap_or_else(|| "-".into())),
        Cell::from(
            f.cost
                .map(|c| dollars(c.projected_30d_usd))
                .unwrap_or_else(|| "-".into()),
        ),
    ]
}

//! The rows of the fleet view: services, expandable to functions, filtered and sorted.
//!
//! Rows are derived from the inventory and cached; they are rebuilt only when the inventory, the
//! filter, the sort or the expansion changes, never per frame.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::fleet::{Function, GroupedBy, Inventory, ServiceKey};

use super::figures::{Figures, RowFigures};

/// A column the fleet view can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Functions,
    Region,
    Runtime,
    Memory,
    Modified,
    Invocations,
    ColdPct,
    WarmP99,
    ColdP99,
    Cost,
    ErrorPct,
    Throttles,
}

impl SortColumn {
    /// Figures rank from the largest down on the first press; names from A.
    pub fn starts_descending(self) -> bool {
        matches!(
            self,
            SortColumn::Invocations
                | SortColumn::ColdPct
                | SortColumn::WarmP99
                | SortColumn::ColdP99
                | SortColumn::Cost
                | SortColumn::ErrorPct
                | SortColumn::Throttles
        )
    }

    /// The figure this column sorts by, where it is one.
    fn figure(self, f: Option<RowFigures>) -> Option<f64> {
        let f = f?;
        match self {
            SortColumn::Invocations => Some(f.invocations as f64),
            SortColumn::ColdPct => Some(f.cold_pct),
            SortColumn::WarmP99 => f.warm.map(|p| p.p99_ms),
            SortColumn::ColdP99 => f.cold_p99_ms,
            SortColumn::Cost => f.cost.map(|c| c.projected_30d_usd),
            SortColumn::ErrorPct => f.error_pct,
            SortColumn::Throttles => f.throttles,
            _ => None,
        }
    }

    pub fn parse(word: &str) -> Option<SortColumn> {
        Some(match word {
            "name" => SortColumn::Name,
            "functions" | "fns" => SortColumn::Functions,
            "region" => SortColumn::Region,
            "runtime" => SortColumn::Runtime,
            "memory" | "mem" => SortColumn::Memory,
            "modified" | "age" => SortColumn::Modified,
            "invocations" | "invokes" => SortColumn::Invocations,
            "cold" => SortColumn::ColdPct,
            "warm-p99" | "p99" => SortColumn::WarmP99,
            "cold-p99" => SortColumn::ColdP99,
            "cost" => SortColumn::Cost,
            "errors" | "err" => SortColumn::ErrorPct,
            "throttles" => SortColumn::Throttles,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Functions => "functions",
            SortColumn::Region => "region",
            SortColumn::Runtime => "runtime",
            SortColumn::Memory => "memory",
            SortColumn::Modified => "modified",
            SortColumn::Invocations => "invocations",
            SortColumn::ColdPct => "cold %",
            SortColumn::WarmP99 => "warm p99",
            SortColumn::ColdP99 => "cold p99",
            SortColumn::Cost => "$/30d",
            SortColumn::ErrorPct => "error %",
            SortColumn::Throttles => "throttles",
        }
    }
}

/// A row of the fleet view.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Service {
        key: ServiceKey,
        /// Functions shown under it (all of them, or those matching the filter).
        functions: usize,
        expanded: bool,
        /// The grouping rule, or `None` when its functions were placed by different rules.
        grouped_by: Option<GroupedBy>,
    },
    Function {
        arn: String,
        /// Whether it is the last function of its service (for the tree glyph).
        last: bool,
    },
}

/// Selection, scrolling, expansion, filter and sort of the fleet view.
#[derive(Debug, Clone)]
pub struct FleetTable {
    pub rows: Vec<Row>,
    pub selected: usize,
    pub offset: usize,
    pub expanded: BTreeSet<ServiceKey>,
    pub filter: String,
    pub sort: SortColumn,
    pub descending: bool,
    /// Services in the inventory, before filtering.
    pub total_services: usize,
    /// Set when the rows no longer match the inventory or the settings.
    pub dirty: bool,
}

impl Default for FleetTable {
    fn default() -> Self {
        FleetTable {
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            expanded: BTreeSet::new(),
            filter: String::new(),
            sort: SortColumn::Name,
            descending: false,
            total_services: 0,
            dirty: true,
        }
    }
}

impl FleetTable {
    /// Rebuilds the rows, keeping the selection on the same service or function.
    pub fn rebuild(&mut self, inventory: &Inventory, figures: &Figures) {
        let keep = self.rows.get(self.selected).cloned();
        let needle = self.filter.to_lowercase();
        let mut services = Vec::new();
        let all = inventory.services();
        self.total_services = all.len();
        for service in all {
            let service_matches =
                needle.is_empty() || service.key.name.to_lowercase().contains(&needle);
            let mut functions: Vec<&Function> = service
                .function_arns
                .iter()
                .filter_map(|arn| inventory.function(arn))
                .filter(|f| service_matches || f.name.to_lowercase().contains(&needle))
                .collect();
            if functions.is_empty() {
                continue;
            }
            sort_functions(&mut functions, self.sort, self.descending, figures);
            services.push((service.key, functions));
        }
        sort_services(&mut services, self.sort, self.descending, figures);

        self.rows.clear();
        for (key, functions) in services {
            // A filter that matches functions shows them without asking for expansion.
            let expanded = self.expanded.contains(&key) || !needle.is_empty();
            let rules: BTreeSet<GroupedBy> =
                functions.iter().map(|f| f.placement.grouped_by).collect();
            self.rows.push(Row::Service {
                key: key.clone(),
                functions: functions.len(),
                expanded,
                grouped_by: (rules.len() == 1).then(|| *rules.iter().next().expect("one rule")),
            });
            if expanded {
                let n = functions.len();
                self.rows.extend(
                    functions
                        .into_iter()
                        .enumerate()
                        .map(|(i, f)| Row::Function {
                            arn: f.arn.clone(),
                            last: i + 1 == n,
                        }),
                );
            }
        }
        self.selected = keep
            .and_then(|k| self.rows.iter().position(|r| same_row(r, &k)))
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
        self.dirty = false;
    }

    /// Moves the selection by `delta` rows and scrolls so it stays within `page` visible rows.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
        self.scroll_into_view(page);
    }

    pub fn scroll_into_view(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(page));
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    /// The service of the selected row (a function row's own service).
    pub fn selected_service(&self) -> Option<&ServiceKey> {
        self.rows[..=self.selected.min(self.rows.len().checked_sub(1)?)]
            .iter()
            .rev()
            .find_map(|r| match r {
                Row::Service { key, .. } => Some(key),
                Row::Function { .. } => None,
            })
    }

    /// Sorts by `column`; asking for the current column again flips the direction.
    pub fn sort_by(&mut self, column: SortColumn) {
        if self.sort == column {
            self.descending = !self.descending;
        } else {
            self.sort = column;
            self.descending = column.starts_descending();
        }
        self.dirty = true;
    }
}

fn same_row(a: &Row, b: &Row) -> bool {
    match (a, b) {
        (Row::Service { key: x, .. }, Row::Service { key: y, .. }) => x == y,
        (Row::Function { arn: x, .. }, Row::Function { arn: y, .. }) => x == y,
        _ => false,
    }
}

/// Rows without the figure sort last, whichever the direction.
fn by_figure(a: Option<f64>, b: Option<f64>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            if descending { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn sort_functions(
    functions: &mut [&Function],
    column: SortColumn,
    descending: bool,
    figures: &Figures,
) {
    functions.sort_by(|a, b| {
        let flip = |o: Ordering| if descending { o.reverse() } else { o };
        let by = match column {
            SortColumn::Runtime => flip(a.runtime.cmp(&b.runtime)),
            SortColumn::Memory => flip(a.memory_mb.cmp(&b.memory_mb)),
            SortColumn::Modified => flip(a.last_modified.cmp(&b.last_modified)),
            SortColumn::Name | SortColumn::Functions | SortColumn::Region => Ordering::Equal,
            metric => by_figure(
                metric.figure(figures.of_function(&a.arn)),
                metric.figure(figures.of_function(&b.arn)),
                descending,
            ),
        };
        by.then_with(|| a.name.cmp(&b.name))
    });
}

fn sort_services(
    services: &mut [(ServiceKey, Vec<&Function>)],
    column: SortColumn,
    descending: bool,
    figures: &Figures,
) {
    services.sort_by(|(ka, fa), (kb, fb)| {
        let flip = |o: Ordering| if descending { o.reverse() } else { o };
        let by = match column {
            SortColumn::Name => flip(ka.name.cmp(&kb.name)),
            SortColumn::Functions => flip(fa.len().cmp(&fb.len())),
            SortColumn::Region => flip(ka.region.cmp(&kb.region)),
            SortColumn::Memory => flip(total_memory(fa).cmp(&total_memory(fb))),
            SortColumn::Modified => flip(newest(fa).cmp(newest(fb))),
            SortColumn::Runtime => flip(
                fa.first()
                    .map(|f| &f.runtime)
                    .cmp(&fb.first().map(|f| &f.runtime)),
            ),
            metric => by_figure(
                metric.figure(figures.of_service(ka)),
                metric.figure(figures.of_service(kb)),
                descending,
            ),
        };
        by.then_with(|| ka.cmp(kb))
    });
}

fn total_memory(functions: &[&Function]) -> u64 {
    functions.iter().map(|f| u64::from(f.memory_mb)).sum()
}

fn newest<'a>(functions: &[&'a Function]) -> &'a str {
    functions
        .iter()
        .map(|f| f.last_modified.as_str())
        .max()
        .unwrap_or("")
}

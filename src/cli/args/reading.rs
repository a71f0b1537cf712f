//! What the commands that read a window take: the window itself, where figures come from, a
//! log file instead of AWS, and how `cost` prints.

use std::path::PathBuf;

use clap::Args;

/// `--source` of `stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    Metrics,
    Logs,
    Insights,
    Auto,
}

impl From<SourceArg> for crate::fleet::sources::FigureSource {
    fn from(s: SourceArg) -> Self {
        use crate::fleet::sources::FigureSource;
        match s {
            SourceArg::Metrics => FigureSource::Metrics,
            SourceArg::Logs => FigureSource::Logs,
            SourceArg::Insights => FigureSource::Insights,
            SourceArg::Auto => FigureSource::Auto,
        }
    }
}

/// What `cost` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CostBy {
    Function,
    Service,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostFormat {
    Table,
    Json,
    Csv,
}

/// The time window a command reads.
#[derive(Debug, Clone, Args)]
pub struct WindowArgs {
    /// How far back from now (or from --end): 30m, 1h, 24h, 7d, 30d [default: 1h; with --from,
    /// the records' own span].
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Start of the window (RFC 3339 or epoch milliseconds); overrides --since.
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// End of the window (RFC 3339 or epoch milliseconds); default now.
    #[arg(long, value_name = "TIME")]
    pub end: Option<String>,
    /// Read even when the window scans more log bytes than [logs] confirm_scan_bytes.
    #[arg(long)]
    pub yes: bool,
    /// Let CloudWatch Logs Insights aggregate (for very large windows; billed per GB scanned).
    #[arg(long)]
    pub insights: bool,
}

impl WindowArgs {
    /// `--since`, or the default window of one hour.
    pub fn since(&self) -> &str {
        self.since.as_deref().unwrap_or("1h")
    }

    /// Whether any of `--since`, `--start` and `--end` was given.
    pub fn narrows(&self) -> bool {
        self.since.is_some() || self.start.is_some() || self.end.is_some()
    }
}

/// `stats --from`: figures from a log file instead of AWS.
#[derive(Debug, Clone, Args)]
pub struct FromFileArgs {
    /// Read REPORT records from this log file instead of AWS (`-` for standard input; gzip is
    /// recognised): CloudWatch Logs exports, `aws logs tail` output, saved logs, `mfn-tui logs`
    /// output. No AWS call is made.
    #[arg(long, value_name = "FILE", conflicts_with = "insights")]
    pub from: Option<PathBuf>,
    /// With --from: the function whose records the file holds, where a line does not say.
    #[arg(long, value_name = "NAME", requires = "from")]
    pub function: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::super::{Cli, Command};

    #[test]
    fn stats_from_takes_a_file_and_a_function_for_it() {
        let cli = Cli::try_parse_from([
            "mfn-tui",
            "stats",
            "--from",
            "-",
            "--function",
            "orders",
            "--json",
        ])
        .unwrap();
        let Some(Command::Stats { file, window, .. }) = cli.command else {
            panic!("not stats");
        };
        assert_eq!(file.from.as_deref(), Some(std::path::Path::new("-")));
        assert_eq!(file.function.as_deref(), Some("orders"));
        assert!(!window.narrows());
        assert_eq!(window.since(), "1h");
        // --function names a file's function: without --from it has nothing to name.
        assert!(Cli::try_parse_from(["mfn-tui", "stats", "--function", "orders"]).is_err());
        // Logs Insights reads AWS; a file is read here.
        assert!(Cli::try_parse_from(["mfn-tui", "stats", "--from", "f", "--insights"]).is_err());
    }
}

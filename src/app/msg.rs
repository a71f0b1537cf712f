//! Messages into the update loop, and the effects it asks the runner to carry out.

use crossterm::event::KeyEvent;

use crate::analysis::by_version::VersionFigures;
use crate::analysis::latency::Window;
use crate::fleet::change::{Outcome, Plan};
use crate::fleet::follow::FollowMode;
use crate::fleet::insights_read::InsightsLatency;
use crate::fleet::metrics::FleetMetrics;
use crate::fleet::reports::{FleetLatency, ReadProgress, ScanEstimate};
use crate::fleet::{
    DiscoveryEvent, FleetError, Function, InvokeRequest, InvokeResult, LogRecord, Step, Target,
};

/// Something that happened: input, time, or the outcome of an effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The dashboard opened: discover what the context names.
    Start,
    Key(KeyEvent),
    Resize(u16, u16),
    /// Time passed (sent only while something animates).
    Tick,
    /// SIGTERM, SIGINT or SIGHUP, or the terminal went away: quit and restore the terminal.
    Signal,
    /// A finding of a running discovery.
    Discovery(DiscoveryEvent),
    /// What reading the window would scan (`None`: it could not be estimated).
    ScanEstimated(Option<ScanEstimate>),
    /// How reading REPORT records goes.
    LatencyProgress(ReadProgress),
    /// REPORT records of the window, read and folded.
    LatencyRead(FleetLatency),
    /// The REPORT figures of `window` as Logs Insights aggregated them.
    InsightsRead {
        read: Box<InsightsLatency>,
        window: Window,
    },
    /// CloudWatch's figures of the window (read number `read`).
    MetricsRead {
        read: u64,
        metrics: Box<FleetMetrics>,
    },
    /// Records for the logs view of `session` (history first, then as they come).
    LogRecords {
        session: u64,
        records: Vec<LogRecord>,
    },
    /// How the logs of `session` are followed now.
    LogMode {
        session: u64,
        mode: FollowMode,
    },
    /// Reading logs of `session` failed for these functions (which, why).
    LogFailures {
        session: u64,
        failures: Vec<(String, FleetError)>,
    },
    /// Time to read the window's figures again (a local fleet's, whose reads cost nothing).
    RefreshFigures,
    /// A confirmed plan was carried out (or not, or halfway: the outcome says), and the
    /// function as it is now, read again.
    Applied {
        outcome: Box<Outcome>,
        refreshed: Option<Box<Function>>,
    },
    /// The package at `path` was read for the deploy dialog (its bytes and what its walk left
    /// out), or not (why).
    PackageRead {
        path: String,
        package: Result<crate::fleet::artifact::Package, String>,
    },
    /// A step of the running change started.
    ChangeStep(Step),
    /// The figures of an alias's versions (for the canary dialog), or why not.
    AliasFigures {
        read: u64,
        figures: Result<Vec<VersionFigures>, FleetError>,
    },
    /// An invocation from the dialog came back (its result and round trip), or failed (why).
    Invoked(Result<(InvokeResult, f64), FleetError>),
    /// Events saved for a function: name and body each.
    SavedEvents {
        function: String,
        events: Vec<(String, String)>,
    },
    /// An event was saved (where), or not (why).
    EventSaved(Result<String, String>),
    /// The logs view's records were saved (the path, the lines), or could not be (why).
    LogsSaved(Result<(String, usize), String>),
}

/// Work with side effects that the runner performs; its outcome comes back as [`Msg`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Discover these targets, reporting each finding as [`Msg::Discovery`] (versions and
    /// aliases in the background, after each target is finished).
    Discover(Vec<Target>),
    /// Save this inventory as the next start's cache (where the dashboard keeps one).
    SaveCache,
    /// Read the versions and aliases of these functions now (they are on screen), reporting
    /// them as [`Msg::Discovery`].
    Details(Vec<Function>),
    /// Estimate the log bytes reading these functions over the last `since_ms` would scan,
    /// reporting [`Msg::ScanEstimated`].
    EstimateScan {
        functions: Vec<Function>,
        since_ms: i64,
    },
    /// Read CloudWatch's figures of these functions over the last `since_ms`, reporting
    /// [`Msg::MetricsRead`] with `read`.
    ReadMetrics {
        read: u64,
        functions: Vec<Function>,
        since_ms: i64,
    },
    /// Read the REPORT records of these functions over the last `since_ms` (the runner reads the
    /// clock), reporting [`Msg::LatencyProgress`] and then [`Msg::LatencyRead`].
    ReadLatency {
        functions: Vec<Function>,
        since_ms: i64,
    },
    /// Let Logs Insights aggregate the REPORT records of these functions over the last
    /// `since_ms` (too many log groups to page through), reporting [`Msg::InsightsRead`]; a new
    /// read abandons it, and abandoning stops its queries.
    ReadInsights {
        functions: Vec<Function>,
        since_ms: i64,
    },
    /// Read the logs of `functions` over the last `since_ms` (server-side `pattern`), then
    /// follow them, reporting [`Msg::LogRecords`], [`Msg::LogMode`] and [`Msg::LogFailures`]
    /// for `session`; a new tail or [`Effect::StopLogs`] ends the previous one.
    TailLogs {
        session: u64,
        functions: Vec<Function>,
        since_ms: i64,
        pattern: Option<String>,
    },
    StopLogs,
    /// Carry out a plan the operator confirmed; reports each [`Msg::ChangeStep`] and then
    /// [`Msg::Applied`].
    Apply(Box<Plan>),
    /// Read (and zip) the package at `path` for the deploy dialog to show, abandoned when the
    /// dashboard quits or another read starts; reports [`Msg::PackageRead`].
    ReadPackage {
        path: String,
    },
    /// Read the figures of each version in `weights` over the last `since_ms`; reports
    /// [`Msg::AliasFigures`].
    AliasFigures {
        read: u64,
        function: Box<Function>,
        weights: std::collections::BTreeMap<String, f64>,
        since_ms: i64,
    },
    /// Invoke `function`; reports [`Msg::Invoked`].
    Invoke {
        function: Box<Function>,
        request: InvokeRequest,
    },
    /// Read the events saved for `function`; reports [`Msg::SavedEvents`].
    LoadEvents {
        function: String,
    },
    /// Save `body` as an event of `function`; reports [`Msg::EventSaved`].
    SaveEvent {
        function: String,
        body: String,
    },
    /// Write `lines` to `path`, or to a new file named after `name` in the data directory;
    /// reports [`Msg::LogsSaved`].
    SaveLogs {
        path: Option<String>,
        name: String,
        lines: Vec<String>,
    },
}

//! The command line: global flags (accepted before or after the subcommand) and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod reading;

pub use reading::{CostBy, CostFormat, FromFileArgs, SourceArg, WindowArgs};

#[derive(Debug, Parser)]
#[command(
    name = "mfn-tui",
    version,
    about = "A terminal dashboard for fleets of AWS Lambda microfunctions",
    after_help = "Without a subcommand, opens the interactive dashboard.\n\
Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage, 3 partial (some AWS calls failed; what was found is printed, the failures go to stderr)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// AWS profile to read (repeatable). Default: AWS_PROFILE, else the default credential chain.
    #[arg(
        long = "profile",
        global = true,
        value_name = "PROFILE",
        value_delimiter = ','
    )]
    pub profiles: Vec<String>,
    /// Region to read (repeatable, or comma-separated). Default: AWS_REGION or the profile's region.
    #[arg(
        long = "region",
        global = true,
        value_name = "REGION",
        value_delimiter = ','
    )]
    pub regions: Vec<String>,
    /// Send every AWS call to this endpoint (an emulator). AWS_ENDPOINT_URL works too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Never change anything: dangerous keys are removed and mutating subcommands refuse.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Run the fleet on this machine: every Serverless service under DIR (without DIR, the
    /// bundled demo fleet), each function in local execution environments.
    #[arg(long, global = true, value_name = "DIR", num_args = 0..=1, default_missing_value = "")]
    pub local: Option<String>,
    /// Open the dashboard without the last known fleet (the inventory cache), waiting for
    /// discovery instead; nothing is read from or written to the cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// The stage for `${opt:stage}` and `${sls:stage}` in serverless.yml (with --local).
    #[arg(long, global = true, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Config file merged over the defaults (default: $XDG_CONFIG_HOME/mfn-tui/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the discovered fleet: services and their functions.
    Ls {
        /// Print JSON (stable field names) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Cold and warm latency per function and service, from the platform's REPORT records.
    Stats {
        /// Functions or services (by name); all when none is given.
        #[arg(value_name = "FUNCTION|SERVICE")]
        names: Vec<String>,
        #[command(flatten)]
        window: WindowArgs,
        /// Where the figures come from: CloudWatch metrics (errors, throttles, duration, for
        /// the whole fleet at once), the logs' REPORT records paged through, Logs Insights
        /// aggregating them, or auto: metrics, and REPORT records where cheap enough.
        #[arg(long, value_enum, default_value = "auto")]
        source: SourceArg,
        #[command(flatten)]
        file: FromFileArgs,
        /// Print JSON (stable field names) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Log records of functions or whole services, in time order; --follow keeps printing new ones.
    Logs {
        /// Functions or services (by name).
        #[arg(value_name = "FUNCTION|SERVICE", required = true)]
        names: Vec<String>,
        /// How far back: 30m, 1h, 24h, 7d.
        #[arg(long, default_value = "15m", value_name = "DURATION")]
        since: String,
        /// Keep printing new records as they are written (Live Tail where the endpoint can
        /// stream, else polling; ctrl-c stops).
        #[arg(long)]
        follow: bool,
        /// Follow by polling even where Live Tail could stream: every line, where a busy Live
        /// Tail session sends a sample.
        #[arg(long, requires = "follow")]
        poll: bool,
        /// A CloudWatch Logs filter pattern, applied by the service.
        #[arg(long, value_name = "PATTERN")]
        filter: Option<String>,
        /// A regular expression the message must match, applied here.
        #[arg(long, value_name = "REGEX")]
        grep: Option<String>,
        /// One JSON object per record (timestamp, function, log_stream, request_id, message).
        #[arg(long)]
        json: bool,
    },
    /// What each function and service costs, projected to 30 days, ranked dearest first.
    Cost {
        /// Functions or services (by name); all when none is given.
        #[arg(value_name = "FUNCTION|SERVICE")]
        names: Vec<String>,
        #[command(flatten)]
        window: WindowArgs,
        /// Print JSON (stable field names).
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV rows (of functions, or services with --by service).
        #[arg(long)]
        csv: bool,
        /// Rank functions or services.
        #[arg(long, value_enum, default_value = "function")]
        by: CostBy,
    },
    /// Invoke one function and show its answer, log tail, duration and cost.
    Invoke {
        #[arg(value_name = "FUNCTION")]
        function: String,
        #[command(flatten)]
        invocation: InvocationArgs,
        /// Queue the invocation (InvocationType=Event) instead of waiting for it.
        #[arg(long, conflicts_with = "dry_run")]
        event: bool,
        /// Only check that it could be invoked (InvocationType=DryRun).
        #[arg(long)]
        dry_run: bool,
        /// Print JSON (stable field names).
        #[arg(long)]
        json: bool,
    },
    /// Invoke a function N times at concurrency C; cold and warm latency from its REPORT lines.
    Bench {
        #[arg(value_name = "FUNCTION")]
        function: String,
        #[command(flatten)]
        invocation: InvocationArgs,
        /// How many invocations.
        #[arg(short = 'n', long = "count", default_value_t = 100)]
        count: usize,
        /// How many at once.
        #[arg(short = 'c', long, default_value_t = 4)]
        concurrency: usize,
        /// Print JSON (stable field names).
        #[arg(long)]
        json: bool,
    },
    /// Publish a function's code and point an alias at it (locally: the service's working
    /// directory).
    Deploy {
        #[arg(value_name = "FUNCTION")]
        function: String,
        /// The alias to move to the new version.
        #[arg(long, value_name = "ALIAS")]
        alias: Option<String>,
        /// A zip file to deploy (AWS).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "s3"])]
        zip: Option<PathBuf>,
        /// A directory to zip and deploy (AWS).
        #[arg(long, value_name = "DIR", conflicts_with = "s3")]
        dir: Option<PathBuf>,
        /// An S3 object to deploy (AWS): s3://BUCKET/KEY.
        #[arg(long, value_name = "URL")]
        s3: Option<String>,
        /// Show what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Give an alias a weighted second version, watch both, then promote or abort.
    Canary {
        #[arg(value_name = "FUNCTION")]
        function: String,
        #[arg(long, value_name = "ALIAS")]
        alias: String,
        /// The version to send a share of the traffic to.
        #[arg(long, value_name = "VERSION", requires = "weight", conflicts_with_all = ["promote", "abort", "status"])]
        version: Option<String>,
        /// Its share: 10%, 10 or 0.1.
        #[arg(long, value_name = "SHARE", requires = "version")]
        weight: Option<String>,
        /// Make the canary's version the alias's only one.
        #[arg(long, conflicts_with_all = ["abort", "status"])]
        promote: bool,
        /// Send all traffic back to the alias's primary version.
        #[arg(long, conflicts_with = "status")]
        abort: bool,
        /// Show both versions' invocations, errors and latency side by side (no change).
        #[arg(long)]
        status: bool,
        /// How far back --status reads.
        #[arg(long, default_value = "15m", value_name = "DURATION")]
        since: String,
        /// Do not ask for confirmation (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Point an alias back at the previous version (or --to VERSION), or, for a function
    /// served at $LATEST without aliases, redeploy a published version's code as $LATEST; no
    /// version is deleted.
    Rollback {
        #[arg(value_name = "FUNCTION")]
        function: String,
        /// The alias that moves; `$LATEST` redeploys a version's code instead. Needed when the
        /// function has aliases.
        #[arg(long, value_name = "ALIAS")]
        alias: Option<String>,
        /// The version to go back to (default: the alias's previous version, or for $LATEST the
        /// newest version whose code differs from it).
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Do not ask for confirmation (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Run the local fleet without the dashboard (with --local [DIR]): its HTTP gateway and
    /// schedules, the routes printed at start, every log line on stdout, until SIGINT/SIGTERM.
    Serve,
    /// Pause, resume or show the local fleet's schedules (with --local [DIR]), in every
    /// process running it.
    Schedules {
        #[arg(value_enum, default_value = "status")]
        action: ScheduleAction,
    },
}

/// What `schedules` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScheduleAction {
    Pause,
    Resume,
    Status,
}

/// What to send to a function.
#[derive(Debug, Clone, Args)]
pub struct InvocationArgs {
    /// `$LATEST` (default), a version or an alias.
    #[arg(long, value_name = "QUALIFIER")]
    pub qualifier: Option<String>,
    /// The event: JSON text, or @FILE to read it from a file.
    #[arg(long, value_name = "JSON|@FILE", default_value = "{}")]
    pub payload: String,
}

/// `--local` takes an optional DIR, so `mfn-tui --local ls` would read `ls` as the directory:
/// a subcommand's name right after `--local` (and no such directory) means the demo fleet.
pub fn normalize(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    const SUBCOMMANDS: [&str; 12] = [
        "ls",
        "stats",
        "logs",
        "cost",
        "invoke",
        "bench",
        "deploy",
        "rollback",
        "canary",
        "serve",
        "schedules",
        "help",
    ];
    let mut out = Vec::with_capacity(args.len() + 1);
    let mut iter = args.into_iter().peekable();
    while let Some(arg) = iter.next() {
        let next_is_subcommand = iter
            .peek()
            .and_then(|n| n.to_str())
            .is_some_and(|n| SUBCOMMANDS.contains(&n) && !std::path::Path::new(n).is_dir());
        if arg == "--local" && next_is_subcommand {
            out.push("--local=".into());
        } else {
            out.push(arg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_flags_are_accepted_before_and_after_the_subcommand() {
        let before =
            Cli::try_parse_from(["mfn-tui", "--region", "eu-west-1", "ls", "--json"]).unwrap();
        let after =
            Cli::try_parse_from(["mfn-tui", "ls", "--json", "--region", "eu-west-1,us-east-1"])
                .unwrap();
        assert_eq!(before.global.regions, vec!["eu-west-1"]);
        assert_eq!(after.global.regions, vec!["eu-west-1", "us-east-1"]);
        assert!(matches!(after.command, Some(Command::Ls { json: true })));
    }

    #[test]
    fn local_takes_a_directory_or_nothing_before_a_subcommand() {
        let parse = |args: &[&str]| {
            let args = normalize(args.iter().map(Into::into).collect());
            Cli::try_parse_from(args).unwrap()
        };
        let demo = parse(&["mfn-tui", "--local", "ls", "--json"]);
        assert_eq!(demo.global.local.as_deref(), Some(""));
        assert!(matches!(demo.command, Some(Command::Ls { json: true })));
        let dir = parse(&["mfn-tui", "--local", "./fleet"]);
        assert_eq!(dir.global.local.as_deref(), Some("./fleet"));
        let after = parse(&["mfn-tui", "stats", "users", "--local"]);
        assert_eq!(after.global.local.as_deref(), Some(""));
        assert!(parse(&["mfn-tui", "ls"]).global.local.is_none());
    }

    #[test]
    fn profiles_and_regions_repeat() {
        let cli = Cli::try_parse_from([
            "mfn-tui",
            "--profile",
            "a",
            "--profile",
            "b",
            "--region",
            "x-y-1",
            "--region",
            "x-z-2",
        ])
        .unwrap();
        assert_eq!(cli.global.profiles, vec!["a", "b"]);
        assert_eq!(cli.global.regions.len(), 2);
        assert!(cli.command.is_none());
    }
}

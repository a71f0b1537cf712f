//! The `:` command line: parsing what was typed into a command.

use super::fleet_table::SortColumn;

/// A command typed after `:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    Errors,
    Refresh,
    /// Show these regions (comma or space separated).
    Regions(Vec<String>),
    /// Use these profiles.
    Profiles(Vec<String>),
    Sort(SortColumn, Option<bool>),
    /// `:filter TEXT`, same as `/`.
    Filter(String),
    /// `:since 24h`: the window of latency and cost, as typed and in milliseconds.
    Since(String, i64),
    /// `:cost`: the cost view.
    Cost,
    /// `:read`: read the window even if it scans a lot.
    Read,
    /// `:logs`: the logs of the selected function or service.
    Logs,
    /// `:grep REGEX`: in the logs view, show only records matching it (empty: all).
    Grep(String),
    /// `:save [PATH]`: in the logs view, write the shown records to a file.
    Save(Option<String>),
    /// `:poll`: in the logs view, follow by polling (every line) instead of Live Tail (a
    /// sample when busy), for the rest of the session.
    Poll,
}

/// The commands `?` lists.
pub const COMMANDS: &[(&str, &str)] = &[
    (":q  :quit", "quit"),
    (
        ":region R[,R…]",
        "show these regions (e.g. :region eu-west-1)",
    ),
    (":profile P[,P…]", "use these AWS profiles"),
    (":refresh", "discover again"),
    (
        ":sort COLUMN [asc|desc]",
        "name, functions, region, runtime, memory, modified",
    ),
    (
        ":filter TEXT",
        "filter by name; in logs, a server-side filter pattern",
    ),
    (":since 1h|7d|…", "the window of latency, cost and logs"),
    (":read", "read a window that would scan a lot of logs"),
    (":cost", "services and functions by projected cost"),
    (":logs", "logs of the selected function or service"),
    (":grep REGEX", "in logs, show only records matching it"),
    (":save [PATH]", "in logs, write the shown records to a file"),
    (
        ":poll",
        "in logs, follow by polling: every line, where live tail samples",
    ),
    (":errors", "what failed and why"),
    (":help", "this help"),
];

/// Parses a command line; the error says what was wrong and what to type instead.
pub fn parse(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(head) = words.next() else {
        return Err("empty command: type :help for the list".into());
    };
    let args: Vec<String> = words
        .flat_map(|w| w.split(','))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    match head {
        "q" | "q!" | "quit" | "exit" => Ok(Command::Quit),
        "help" | "h" | "?" => Ok(Command::Help),
        "errors" | "err" => Ok(Command::Errors),
        "refresh" | "r" | "reload" => Ok(Command::Refresh),
        "region" | "regions" => {
            if args.is_empty() {
                return Err(":region needs at least one region, e.g. :region eu-west-1".into());
            }
            if let Some(bad) = args.iter().find(|r| !looks_like_region(r)) {
                return Err(format!("`{bad}` is not a region name (like eu-west-1)"));
            }
            Ok(Command::Regions(args))
        }
        "profile" | "profiles" | "ctx" | "context" => {
            if args.is_empty() {
                return Err(":profile needs a profile name from ~/.aws/config".into());
            }
            Ok(Command::Profiles(args))
        }
        "sort" => {
            let column = args.first().ok_or(
                ":sort needs a column: name, functions, region, runtime, memory, modified",
            )?;
            let column = SortColumn::parse(column).ok_or_else(|| {
                format!(
                    "no column `{column}`: use name, functions, region, runtime, memory or modified"
                )
            })?;
            let descending = match args.get(1).map(String::as_str) {
                None => None,
                Some("asc") => Some(false),
                Some("desc") => Some(true),
                Some(other) => return Err(format!("`{other}`: use asc or desc")),
            };
            Ok(Command::Sort(column, descending))
        }
        "since" | "window" => {
            let since = args
                .first()
                .ok_or(":since needs a duration, e.g. :since 24h")?;
            let ms = crate::analysis::window::parse_duration(since)?;
            Ok(Command::Since(since.clone(), ms))
        }
        "cost" | "costs" => Ok(Command::Cost),
        "read" => Ok(Command::Read),
        "logs" | "log" | "tail" => Ok(Command::Logs),
        "filter" => Ok(Command::Filter(rest(line, head))),
        "grep" => Ok(Command::Grep(rest(line, head))),
        "poll" => Ok(Command::Poll),
        "save" | "w" => {
            let path = rest(line, head);
            Ok(Command::Save((!path.is_empty()).then_some(path)))
        }
        other => Err(format!(
            "unknown command `{other}`: type :help for the list"
        )),
    }
}

/// What follows the command word, spaces and all.
fn rest(line: &str, head: &str) -> String {
    line.trim_start()
        .strip_prefix(head)
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// `eu-west-1`, `us-gov-east-1`, `ap-southeast-4`: letters, dashes, a final number.
fn looks_like_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_takes_a_list_and_refuses_what_is_not_a_region() {
        assert_eq!(
            parse("region eu-west-1,us-east-1"),
            Ok(Command::Regions(vec![
                "eu-west-1".into(),
                "us-east-1".into()
            ]))
        );
        assert!(parse("region europe").unwrap_err().contains("europe"));
        assert!(parse("region").is_err());
    }

    #[test]
    fn sort_takes_a_column_and_an_optional_direction() {
        assert_eq!(
            parse("sort memory desc"),
            Ok(Command::Sort(SortColumn::Memory, Some(true)))
        );
        assert!(parse("sort colour").unwrap_err().contains("colour"));
    }

    #[test]
    fn grep_and_filter_keep_their_spaces_and_save_takes_an_optional_path() {
        assert_eq!(
            parse("grep  user [0-9]+ failed"),
            Ok(Command::Grep("user [0-9]+ failed".into()))
        );
        assert_eq!(
            parse("filter ?ERROR ?WARN"),
            Ok(Command::Filter("?ERROR ?WARN".into()))
        );
        assert_eq!(parse("save"), Ok(Command::Save(None)));
        assert_eq!(
            parse("save /tmp/x.log"),
            Ok(Command::Save(Some("/tmp/x.log".into())))
        );
    }

    #[test]
    fn unknown_commands_point_at_help() {
        assert!(parse("deploy").unwrap_err().contains(":help"));
        assert_eq!(parse("q"), Ok(Command::Quit));
    }
}

//! What a provider reports while it discovers a fleet, piece by piece, so views fill in progressively.

use std::collections::BTreeMap;

use tokio::sync::mpsc;

use super::error::FleetError;
use super::model::{Alias, EventSource, Function, Route, Target, Version};

/// One finding of discovery. Functions are keyed by their unqualified ARN.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscoveryEvent {
    /// Discovery of a target began.
    Started(Target),
    /// The account behind a target's credentials.
    Account { target: Target, account: String },
    /// A page of functions, with their configuration.
    Functions {
        target: Target,
        functions: Vec<Function>,
    },
    /// Tags of many functions (function ARN → tags).
    Tags {
        target: Target,
        tags: BTreeMap<String, BTreeMap<String, String>>,
    },
    /// The published versions of one function.
    Versions {
        function_arn: String,
        versions: Vec<Version>,
    },
    /// The aliases of one function.
    Aliases {
        function_arn: String,
        aliases: Vec<Alias>,
    },
    /// API Gateway routes, each with the function ARN it reaches.
    Routes {
        target: Target,
        routes: Vec<(String, Route)>,
    },
    /// Event source mappings, each with the function ARN it feeds.
    EventSources {
        target: Target,
        mappings: Vec<(String, EventSource)>,
    },
    /// A call failed; discovery goes on without what it would have brought.
    Failed {
        target: Target,
        /// What was being fetched, e.g. "ListAliases users-dev-login".
        scope: String,
        error: FleetError,
    },
    /// Discovery of a target ended (with or without failures).
    Finished(Target),
}

impl DiscoveryEvent {
    /// The target a finding belongs to, where it names one.
    pub fn target(&self) -> Option<&Target> {
        match self {
            DiscoveryEvent::Started(t) | DiscoveryEvent::Finished(t) => Some(t),
            DiscoveryEvent::Account { target, .. }
            | DiscoveryEvent::Functions { target, .. }
            | DiscoveryEvent::Tags { target, .. }
            | DiscoveryEvent::Routes { target, .. }
            | DiscoveryEvent::EventSources { target, .. }
            | DiscoveryEvent::Failed { target, .. } => Some(target),
            DiscoveryEvent::Versions { .. } | DiscoveryEvent::Aliases { .. } => None,
        }
    }
}

/// Where a provider sends its findings.
pub type DiscoverySink = mpsc::UnboundedSender<DiscoveryEvent>;

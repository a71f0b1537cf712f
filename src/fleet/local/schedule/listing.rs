//! A fleet's non-HTTP events as the operator sees them: each as an event source saying whether
//! it runs here, and the flag that pauses the schedules of every process running the fleet.

use crate::fleet::EventSource;
use crate::fleet::local::fleet::LocalFleet;

const SCHEDULES_PAUSED: &str = "schedules_paused";

impl LocalFleet {
    /// Whether the operator paused the fleet's schedules (shared by every process of it).
    pub fn schedules_paused(&self) -> bool {
        self.store
            .setting(SCHEDULES_PAUSED)
            .ok()
            .flatten()
            .is_some_and(|v| v == "true")
    }

    /// Pauses or resumes the fleet's schedules, for every process running it.
    pub fn pause_schedules(&self, paused: bool) -> Result<(), String> {
        self.store
            .set_setting(SCHEDULES_PAUSED, if paused { "true" } else { "false" })
    }

    /// The functions' non-HTTP events as event sources: a schedule says whether it runs here
    /// (or is paused, or disabled); every other kind is not triggered locally.
    pub fn event_sources(&self) -> Vec<(String, EventSource)> {
        let paused = self.schedules_paused();
        let mut sources = Vec::new();
        for f in self.functions.values() {
            for (i, t) in f.def.triggers.iter().enumerate() {
                let state = match &t.schedule {
                    Some(s) if !s.enabled => "disabled",
                    Some(_) if paused => "paused (mfn-tui schedules resume)",
                    Some(_) => "runs here",
                    None => "not triggered locally",
                };
                sources.push((
                    f.arn.clone(),
                    EventSource {
                        uuid: format!("{}-{}-{}", f.def.name, t.kind, i + 1),
                        source_arn: format!("{}: {}", t.kind, t.source),
                        state: state.to_owned(),
                        batch_size: None,
                    },
                ));
            }
        }
        sources
    }
}

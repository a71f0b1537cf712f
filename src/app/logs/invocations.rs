//! Records grouped by invocation: a line that names its request joins that request's group; a
//! line that does not joins the invocation running in its stream (an execution environment
//! runs one invocation at a time), or, before the stream's first request, the stream's init.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use crate::analysis::report::InvocationReport;

/// One invocation's records and what its REPORT said.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// `None`: the lines of a stream before its first request (the environment's init).
    pub request_id: Option<String>,
    pub source: u16,
    pub stream: Arc<str>,
    /// Indexes of its records in the buffer, oldest first.
    pub members: VecDeque<u64>,
    pub report: Option<InvocationReport>,
    /// What it cost at list price, from its REPORT.
    pub cost_usd: Option<f64>,
}

/// The groups, in the order they first appeared.
#[derive(Debug, Clone, Default)]
pub struct Invocations {
    groups: BTreeMap<u64, Invocation>,
    by_request: HashMap<String, u64>,
    /// The invocation each stream is running (or its init).
    running: HashMap<(u16, Arc<str>), u64>,
    next_id: u64,
}

impl Invocations {
    /// The group of a record `index` of `source`'s `stream` that names `request_id` (or not).
    pub fn assign(
        &mut self,
        source: u16,
        stream: &Arc<str>,
        request_id: Option<&str>,
        index: u64,
    ) -> u64 {
        let stream_key = (source, stream.clone());
        let id = match request_id {
            Some(rid) => match self.by_request.get(rid) {
                Some(&id) => id,
                None => {
                    let id = self.open(source, stream, Some(rid.to_owned()));
                    self.by_request.insert(rid.to_owned(), id);
                    id
                }
            },
            None => match self.running.get(&stream_key) {
                Some(&id) if self.groups.contains_key(&id) => id,
                _ => self.open(source, stream, None),
            },
        };
        self.running.insert(stream_key, id);
        if let Some(g) = self.groups.get_mut(&id) {
            g.members.push_back(index);
        }
        id
    }

    fn open(&mut self, source: u16, stream: &Arc<str>, request_id: Option<String>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.groups.insert(
            id,
            Invocation {
                request_id,
                source,
                stream: stream.clone(),
                members: VecDeque::new(),
                report: None,
                cost_usd: None,
            },
        );
        id
    }

    /// A record left the buffer: it leaves its group, and an emptied group goes.
    pub fn evict(&mut self, group: u64, index: u64) {
        let Some(g) = self.groups.get_mut(&group) else {
            return;
        };
        if let Some(at) = g.members.iter().position(|&m| m == index) {
            g.members.remove(at);
        }
        if g.members.is_empty() {
            let g = self.groups.remove(&group).expect("the group is there");
            if let Some(rid) = g.request_id {
                self.by_request.remove(&rid);
            }
            self.running.retain(|_, id| *id != group);
        }
    }

    pub fn set_report(&mut self, group: u64, report: InvocationReport, cost_usd: f64) {
        if let Some(g) = self.groups.get_mut(&group) {
            g.report = Some(report);
            g.cost_usd = Some(cost_usd);
        }
    }

    pub fn get(&self, group: u64) -> Option<&Invocation> {
        self.groups.get(&group)
    }

    /// Groups in the order they first appeared.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &Invocation)> {
        self.groups.iter().map(|(id, g)| (*id, g))
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "3f1c0b2e-5d6a-4b7c-8d9e-0f1a2b3c4d5e";
    const B: &str = "9a8b7c6d-5d6a-4b7c-8d9e-0f1a2b3c4d5e";

    #[test]
    fn lines_without_an_id_join_the_invocation_running_in_their_stream() {
        let mut inv = Invocations::default();
        let (s1, s2): (Arc<str>, Arc<str>) = (Arc::from("s1"), Arc::from("s2"));
        let init = inv.assign(0, &s1, None, 0);
        let a = inv.assign(0, &s1, Some(A), 1);
        let b = inv.assign(0, &s2, Some(B), 2);
        assert_eq!(inv.assign(0, &s1, None, 3), a, "s1 runs A");
        assert_eq!(inv.assign(0, &s2, None, 4), b, "s2 runs B");
        assert_eq!(inv.assign(0, &s1, Some(A), 5), a);
        assert_ne!(init, a);
        assert_eq!(inv.get(init).unwrap().request_id, None);
        assert_eq!(
            inv.get(a)
                .unwrap()
                .members
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![1, 3, 5]
        );
        let order: Vec<u64> = inv.iter().map(|(id, _)| id).collect();
        assert_eq!(order, vec![init, a, b]);
    }

    #[test]
    fn a_group_goes_with_its_last_record() {
        let mut inv = Invocations::default();
        let s: Arc<str> = Arc::from("s");
        let a = inv.assign(0, &s, Some(A), 0);
        inv.assign(0, &s, Some(A), 1);
        inv.evict(a, 0);
        assert_eq!(inv.len(), 1);
        inv.evict(a, 1);
        assert!(inv.is_empty());
        // The request seen again later starts a new group.
        assert_ne!(inv.assign(0, &s, Some(A), 2), a);
    }
}

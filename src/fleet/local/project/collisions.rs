//! What the services of one directory cannot share: a service name (a deployment of one would
//! replace the other's stack) and a route (the gateway serves one port, so one of the two
//! functions would never be reached). Both are reported instead of merged in silence.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Project;

/// Refuses a second service of the same name and stage, and reports routes defined twice.
pub(super) fn check(project: &mut Project) {
    let mut seen: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    let mut kept = Vec::new();
    for service in std::mem::take(&mut project.services) {
        let key = (service.name.clone(), service.stage.clone());
        match seen.get(&key) {
            Some(first) => project.errors.push((
                service.file.clone(),
                format!(
                    "service `{}` (stage {}) is also defined by {}; a deployment of one would replace the other, so this one is not run: rename one of them",
                    key.0,
                    key.1,
                    first.display()
                ),
            )),
            None => {
                seen.insert(key, service.file.clone());
                kept.push(service);
            }
        }
    }
    project.services = kept;

    let mut routes: BTreeMap<(String, String), (String, PathBuf)> = BTreeMap::new();
    for service in &project.services {
        for f in &service.functions {
            for event in &f.events {
                let key = (event.method.clone(), shape(&event.path));
                match routes.get(&key) {
                    Some((first, file)) => project.errors.push((
                        service.file.clone(),
                        format!(
                            "route {} {} of `{}` is also defined by `{first}` ({}); the gateway sends it to `{first}`: change one path",
                            event.method,
                            event.path,
                            f.name,
                            file.display()
                        ),
                    )),
                    None => {
                        routes.insert(key, (f.name.clone(), service.file.clone()));
                    }
                }
            }
        }
    }
}

/// A path with its parameters' names left out: `/users/{id}` and `/users/{name}` are one route.
fn shape(path: &str) -> String {
    path.trim_end_matches('/')
        .split('/')
        .map(|s| match (s.starts_with('{'), s.ends_with("+}")) {
            (true, true) => "{+}",
            (true, false) => "{}",
            _ => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

//! The gateway's routes: every `http` and `httpApi` event of the fleet, ordered as API Gateway
//! matches them, and the route a request takes (REST routes also under `/STAGE`).

use std::collections::BTreeMap;

use super::proxy::decode;
use crate::fleet::ApiKind;
use crate::fleet::local::fleet::LocalFleet;
use crate::fleet::local::project::{Cors, Payload};

/// A route: the function a method and path template reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRoute {
    pub kind: ApiKind,
    pub method: String,
    pub template: String,
    pub function: String,
    pub stage: String,
    pub cors: Option<Cors>,
    pub payload: Payload,
}

/// The route a request takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'a> {
    pub route: &'a GatewayRoute,
    pub params: BTreeMap<String, String>,
    /// The path without the stage, as a REST API's event gives it.
    pub resource_path: String,
}

/// Every route of the fleet, the most specific first (literal segments before parameters).
pub fn routes(fleet: &LocalFleet) -> Vec<GatewayRoute> {
    let mut routes: Vec<GatewayRoute> = fleet
        .functions
        .values()
        .flat_map(|f| {
            f.def.events.iter().map(|e| GatewayRoute {
                kind: e.kind,
                method: e.method.clone(),
                template: e.path.clone(),
                function: f.def.name.clone(),
                stage: f.stage.clone(),
                cors: e.cors.clone(),
                payload: e.payload,
            })
        })
        .collect();
    most_specific_first(&mut routes);
    routes
}

/// Orders routes as API Gateway matches them: more literal segments first, `ANY` last.
pub(super) fn most_specific_first(routes: &mut [GatewayRoute]) {
    routes.sort_by_key(|r| {
        let literal = r
            .template
            .split('/')
            .filter(|s| !s.starts_with('{'))
            .count();
        (std::cmp::Reverse(literal), r.method == "ANY")
    });
}

/// The route `method path` takes, its path parameters, and the path without the stage.
pub fn find<'a>(routes: &'a [GatewayRoute], method: &str, path: &str) -> Option<Match<'a>> {
    routes
        .iter()
        .filter(|r| r.method == "ANY" || r.method == method)
        .find_map(|r| matching(r, path))
}

/// Every route on `path`, whatever its method (for a CORS preflight).
pub fn on_path<'a>(routes: &'a [GatewayRoute], path: &str) -> Vec<Match<'a>> {
    routes.iter().filter_map(|r| matching(r, path)).collect()
}

fn matching<'a>(r: &'a GatewayRoute, path: &str) -> Option<Match<'a>> {
    let path = match path.trim_end_matches('/') {
        "" => "/",
        p => p,
    };
    // REST APIs are also reached under their stage, as API Gateway serves them.
    let unstaged = match r.kind {
        ApiKind::Rest => path
            .strip_prefix(&format!("/{}", r.stage))
            .filter(|p| p.is_empty() || p.starts_with('/'))
            .map(|p| if p.is_empty() { "/" } else { p }),
        ApiKind::Http => None,
    };
    [unstaged, Some(path)]
        .into_iter()
        .flatten()
        .find_map(|candidate| {
            matches(&r.template, candidate).map(|params| Match {
                route: r,
                params,
                resource_path: candidate.to_owned(),
            })
        })
}

fn matches(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut params = BTreeMap::new();
    for (i, seg) in t.iter().enumerate() {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix("+}")) {
            params.insert(name.to_owned(), decode(&p.get(i..)?.join("/"), false));
            return Some(params);
        }
        let value = p.get(i)?;
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                if value.is_empty() {
                    return None;
                }
                params.insert(name.to_owned(), decode(value, false));
            }
            None if seg == value => {}
            None => return None,
        }
    }
    (t.len() == p.len()).then_some(params)
}

/// A route of stage `dev`, for the gateway's tests.
#[cfg(test)]
pub(super) fn route(kind: ApiKind, method: &str, template: &str, function: &str) -> GatewayRoute {
    GatewayRoute {
        kind,
        method: method.into(),
        template: template.into(),
        function: function.into(),
        stage: "dev".into(),
        cors: None,
        payload: match kind {
            ApiKind::Rest => Payload::V1,
            ApiKind::Http => Payload::V2,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_routes_win_and_parameters_are_decoded() {
        let mut routes = vec![
            route(ApiKind::Rest, "GET", "/comments/{id}", "get"),
            route(ApiKind::Rest, "GET", "/comments/boom", "boom"),
            route(ApiKind::Http, "GET", "/articles/{id}", "article"),
            route(
                ApiKind::Rest,
                "GET",
                "/articles/{id}/comments",
                "for-article",
            ),
            route(ApiKind::Http, "ANY", "/files/{proxy+}", "files"),
        ];
        most_specific_first(&mut routes);
        let m = find(&routes, "GET", "/comments/boom").unwrap();
        assert_eq!((m.route.function.as_str(), m.params.len()), ("boom", 0));
        let m = find(&routes, "GET", "/comments/a%20b").unwrap();
        assert_eq!(
            (m.route.function.as_str(), m.params["id"].as_str()),
            ("get", "a b")
        );
        let m = find(&routes, "GET", "/articles/7/comments").unwrap();
        assert_eq!(
            (m.route.function.as_str(), m.params["id"].as_str()),
            ("for-article", "7")
        );
        let m = find(&routes, "GET", "/dev/articles/7/comments").unwrap();
        assert_eq!(m.route.function, "for-article", "REST under its stage");
        assert_eq!(m.resource_path, "/articles/7/comments", "without the stage");
        assert!(
            find(&routes, "GET", "/dev/articles/7").is_none(),
            "HTTP APIs have no stage prefix"
        );
        let m = find(&routes, "DELETE", "/files/a/b.txt").unwrap();
        assert_eq!(
            (m.route.function.as_str(), m.params["proxy"].as_str()),
            ("files", "a/b.txt")
        );
        assert!(find(&routes, "POST", "/comments/1").is_none());
        assert!(find(&routes, "GET", "/nothing").is_none());
    }

    #[test]
    fn a_root_route_is_reached_with_and_without_the_stage() {
        let routes = vec![route(ApiKind::Rest, "GET", "/", "root")];
        assert_eq!(find(&routes, "GET", "/").unwrap().resource_path, "/");
        assert_eq!(find(&routes, "GET", "/dev").unwrap().resource_path, "/");
        assert_eq!(find(&routes, "GET", "/dev/").unwrap().resource_path, "/");
    }
}

//! API Gateway: the routes of REST and HTTP APIs whose integrations reach a Lambda function.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::budget::{Api, Budget, more_pages};
use super::errors::classify;
use crate::fleet::FleetError;
use crate::fleet::model::{ApiKind, Route, split_function_arn};

/// A route with the function it reaches, or a failure for one API (the other APIs still count).
pub type ApiRoutes = Result<Vec<(String, Route)>, (String, FleetError)>;

/// Every REST API's Lambda routes, one API at a time under `permits`.
pub async fn rest_routes(
    rest: &aws_sdk_apigateway::Client,
    budget: Arc<Budget>,
    permits: Arc<Semaphore>,
) -> Result<Vec<ApiRoutes>, FleetError> {
    let mut apis = Vec::new();
    let mut pages = rest.get_rest_apis().limit(500).into_paginator().send();
    let mut more = true;
    while more
        && let Some(page) = {
            budget.take(Api::ApiGateway).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("apigateway", "GetRestApis", &e))?;
        more = more_pages(page.position());
        for api in page.items() {
            if let Some(id) = api.id() {
                apis.push((id.to_owned(), api.name().unwrap_or(id).to_owned()));
            }
        }
    }
    let rest = rest.clone();
    Ok(per_api(apis, permits, "GetResources", move |id, name| {
        let (rest, budget) = (rest.clone(), budget.clone());
        async move { rest_api_routes(&rest, &budget, &id, &name).await }
    })
    .await)
}

async fn rest_api_routes(
    rest: &aws_sdk_apigateway::Client,
    budget: &Budget,
    api_id: &str,
    api_name: &str,
) -> Result<Vec<(String, Route)>, FleetError> {
    let mut pages = rest
        .get_resources()
        .rest_api_id(api_id)
        .embed("methods")
        .limit(500)
        .into_paginator()
        .send();
    let mut routes = Vec::new();
    let mut more = true;
    while more
        && let Some(page) = {
            budget.take(Api::ApiGateway).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("apigateway", "GetResources", &e))?;
        more = more_pages(page.position());
        for resource in page.items() {
            let path = resource.path().unwrap_or("/");
            for (method, m) in resource.resource_methods().into_iter().flatten() {
                let Some(integration) = m.method_integration() else {
                    continue;
                };
                let lambda_type = matches!(
                    integration.r#type().map(|t| t.as_str()),
                    Some("AWS_PROXY") | Some("AWS")
                );
                let Some((arn, qualifier)) = integration
                    .uri()
                    .filter(|_| lambda_type)
                    .and_then(function_in_uri)
                else {
                    continue;
                };
                routes.push((
                    arn,
                    Route {
                        api: api_name.to_owned(),
                        api_id: api_id.to_owned(),
                        kind: ApiKind::Rest,
                        method: method.clone(),
                        path: path.to_owned(),
                        qualifier,
                    },
                ));
            }
        }
    }
    Ok(routes)
}

/// Every HTTP (and WebSocket) API's Lambda routes, one API at a time under `permits`.
pub async fn http_routes(
    http: &aws_sdk_apigatewayv2::Client,
    budget: Arc<Budget>,
    permits: Arc<Semaphore>,
) -> Result<Vec<ApiRoutes>, FleetError> {
    let mut apis = Vec::new();
    let mut token: Option<String> = None;
    loop {
        budget.take(Api::ApiGateway).await;
        let page = http
            .get_apis()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| classify("apigatewayv2", "GetApis", &e))?;
        for api in page.items() {
            if let Some(id) = api.api_id() {
                apis.push((id.to_owned(), api.name().unwrap_or(id).to_owned()));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    let http = http.clone();
    Ok(per_api(apis, permits, "GetRoutes", move |id, name| {
        let (http, budget) = (http.clone(), budget.clone());
        async move { http_api_routes(&http, &budget, &id, &name).await }
    })
    .await)
}

async fn http_api_routes(
    http: &aws_sdk_apigatewayv2::Client,
    budget: &Budget,
    api_id: &str,
    api_name: &str,
) -> Result<Vec<(String, Route)>, FleetError> {
    let mut integrations: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        budget.take(Api::ApiGateway).await;
        let page = http
            .get_integrations()
            .api_id(api_id)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| classify("apigatewayv2", "GetIntegrations", &e))?;
        for i in page.items() {
            let target = i.integration_uri().and_then(function_in_uri);
            if let (Some(id), Some(target)) = (i.integration_id(), target) {
                integrations.insert(id.to_owned(), target);
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    let mut routes = Vec::new();
    loop {
        budget.take(Api::ApiGateway).await;
        let page = http
            .get_routes()
            .api_id(api_id)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| classify("apigatewayv2", "GetRoutes", &e))?;
        for r in page.items() {
            let integration_id = r.target().and_then(|t| t.strip_prefix("integrations/"));
            let Some((arn, qualifier)) = integration_id.and_then(|id| integrations.get(id)) else {
                continue;
            };
            let (method, path) = split_route_key(r.route_key().unwrap_or("$default"));
            routes.push((
                arn.clone(),
                Route {
                    api: api_name.to_owned(),
                    api_id: api_id.to_owned(),
                    kind: ApiKind::Http,
                    method,
                    path,
                    qualifier: qualifier.clone(),
                },
            ));
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    Ok(routes)
}

/// Reads the routes of each API (id, name) with `read`, one API a permit; a failure names the
/// API it was for.
async fn per_api<F, Fut>(
    apis: Vec<(String, String)>,
    permits: Arc<Semaphore>,
    operation: &str,
    read: F,
) -> Vec<ApiRoutes>
where
    F: Fn(String, String) -> Fut,
    Fut: Future<Output = Result<Vec<(String, Route)>, FleetError>> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for (id, name) in apis {
        let permits = permits.clone();
        let scope = format!("{operation} {name}");
        let call = read(id, name);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.ok();
            call.await.map_err(|e| (scope, e))
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(routes) = done {
            out.push(routes);
        }
    }
    out
}

/// The function an integration URI calls: either a function ARN, or the API Gateway form
/// `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations`.
pub fn function_in_uri(uri: &str) -> Option<(String, Option<String>)> {
    let arn = match uri.split_once("/functions/") {
        Some((_, rest)) => rest.strip_suffix("/invocations").unwrap_or(rest),
        None => uri,
    };
    split_function_arn(arn)
}

/// `GET /articles/{id}` → (`GET`, `/articles/{id}`); `$default` → (`ANY`, `$default`).
fn split_route_key(key: &str) -> (String, String) {
    match key.split_once(' ') {
        Some((method, path)) => (method.to_owned(), path.to_owned()),
        None => ("ANY".to_owned(), key.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_apigateway_invocation_uri_names_the_function_and_its_alias() {
        let uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:articles-dev-api:live/invocations";
        let (arn, q) = function_in_uri(uri).unwrap();
        assert_eq!(
            arn,
            "arn:aws:lambda:eu-west-1:123456789012:function:articles-dev-api"
        );
        assert_eq!(q.as_deref(), Some("live"));
    }

    #[test]
    fn an_http_api_integration_may_name_the_function_arn_directly() {
        let (arn, q) =
            function_in_uri("arn:aws:lambda:us-east-1:123456789012:function:users-dev-login")
                .unwrap();
        assert!(arn.ends_with(":function:users-dev-login"));
        assert_eq!(q, None);
        assert!(function_in_uri("https://example.com/backend").is_none());
    }

    #[test]
    fn route_keys_split_into_method_and_path() {
        assert_eq!(
            split_route_key("GET /articles/{id}"),
            ("GET".into(), "/articles/{id}".into())
        );
        assert_eq!(
            split_route_key("$default"),
            ("ANY".into(), "$default".into())
        );
    }
}

//! The variable forms, each as the framework resolves it.

use super::*;

fn doc() -> Value {
    serde_norway::from_str(
        "service: users
provider:
  stage: ${opt:stage, 'dev'}
  memorySize: 256
params:
  prod:
    table: prod-table
  default:
    table: shared-table
    domain: example.com
custom:
  table: ${self:service}-${sls:stage}-users
  dev:
    table: dev-only
  loop: ${self:custom.loop}
",
    )
    .unwrap()
}

fn sources(stage: Option<&str>) -> Sources {
    Sources {
        options: stage
            .map(|s| BTreeMap::from([("stage".to_string(), s.to_string())]))
            .unwrap_or_default(),
        env: BTreeMap::from([("REGION".to_string(), "eu-west-1".to_string())]),
    }
}

fn resolve(text: &str, doc: &Value, sources: &Sources) -> Result<String, Unresolved> {
    Resolver::new(doc, sources, Path::new("."))?.resolve(text)
}

#[test]
fn self_opt_sls_and_env_resolve_with_fallbacks() {
    let d = doc();
    let s = sources(None);
    assert_eq!(resolve("${self:provider.stage}", &d, &s).unwrap(), "dev");
    assert_eq!(
        resolve("${self:custom.table}", &d, &s).unwrap(),
        "users-dev-users"
    );
    assert_eq!(
        resolve("${self:provider.memorySize}", &d, &s).unwrap(),
        "256"
    );
    assert_eq!(
        resolve("${env:REGION, 'us-east-1'}", &d, &s).unwrap(),
        "eu-west-1"
    );
    assert_eq!(
        resolve("${env:NOPE, 'us-east-1'}", &d, &s).unwrap(),
        "us-east-1"
    );
    assert_eq!(
        resolve("${env:NOPE, ${self:service}}-x", &d, &s).unwrap(),
        "users-x"
    );
    let prod = sources(Some("prod"));
    assert_eq!(resolve("${sls:stage}", &d, &prod).unwrap(), "prod");
    assert_eq!(
        resolve("${self:custom.table}", &d, &prod).unwrap(),
        "users-prod-users"
    );
}

#[test]
fn without_provider_stage_and_region_the_framework_defaults_apply() {
    let d: Value = serde_norway::from_str("service: s\nprovider:\n  name: aws\n").unwrap();
    let s = sources(None);
    assert_eq!(resolve("${self:provider.stage}", &d, &s).unwrap(), "dev");
    assert_eq!(
        resolve("${self:provider.region}", &d, &s).unwrap(),
        "us-east-1"
    );
    assert_eq!(resolve("${aws:region}", &d, &s).unwrap(), "us-east-1");
    assert_eq!(resolve("${aws:accountId}", &d, &s).unwrap(), LOCAL_ACCOUNT);
    let prod = sources(Some("prod"));
    assert_eq!(
        resolve("${self:provider.stage}", &d, &prod).unwrap(),
        "prod"
    );
}

#[test]
fn a_nested_reference_is_part_of_the_address_it_sits_in() {
    let d = doc();
    let s = sources(None);
    assert_eq!(
        resolve("${self:custom.${sls:stage}.table}", &d, &s).unwrap(),
        "dev-only"
    );
    assert_eq!(
        resolve("${self:custom.${sls:stage}.nothing, 'fallback'}", &d, &s).unwrap(),
        "fallback"
    );
}

#[test]
fn params_come_from_the_stage_then_default_then_the_fallback() {
    let d = doc();
    assert_eq!(
        resolve("${param:table}", &d, &sources(Some("prod"))).unwrap(),
        "prod-table"
    );
    assert_eq!(
        resolve("${param:table}", &d, &sources(None)).unwrap(),
        "shared-table"
    );
    assert_eq!(
        resolve("${param:missing, 'fallback'}", &d, &sources(None)).unwrap(),
        "fallback"
    );
    let e = resolve("${param:missing}", &d, &sources(None)).unwrap_err();
    assert!(matches!(e, Unresolved::Absent(_)), "{e:?}");
}

#[test]
fn aws_only_sources_have_no_value_so_their_fallback_applies() {
    let d = doc();
    let s = sources(None);
    assert_eq!(
        resolve("${ssm:/db/password, 'local'}", &d, &s).unwrap(),
        "local"
    );
    assert_eq!(
        resolve("${cf:stack.Output, 'none'}", &d, &s).unwrap(),
        "none"
    );
    let e = resolve("${ssm:/db/password}", &d, &s).unwrap_err();
    assert!(
        matches!(&e, Unresolved::Absent(m) if m.contains("AWS account") && m.contains("fallback")),
        "{e:?}"
    );
}

#[test]
fn files_of_the_service_are_read_with_an_address() {
    let dir = std::env::temp_dir().join(format!("mfn-tui-vars-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.yml"),
        "dev:\n  TABLE: from-file\n  STAGE: ${sls:stage}\n",
    )
    .unwrap();
    let d = doc();
    let s = sources(None);
    let r = Resolver::new(&d, &s, &dir).unwrap();
    assert_eq!(
        r.resolve("${file(./config.yml):${sls:stage}.TABLE}")
            .unwrap(),
        "from-file"
    );
    // A map stands for itself; its values resolve when they are read.
    let whole = r.value("${file(./config.yml):dev}").unwrap();
    let stage = whole.get("STAGE").and_then(scalar).unwrap();
    assert_eq!(r.resolve(&stage).unwrap(), "dev");
    assert_eq!(
        r.resolve("${file(./missing.yml):x, 'fallback'}").unwrap(),
        "fallback"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn what_cannot_resolve_says_why() {
    let d = doc();
    let s = sources(None);
    let e = resolve("${env:TOKEN}", &d, &s).unwrap_err();
    assert!(
        matches!(&e, Unresolved::Absent(m) if m.contains("env:TOKEN") && m.contains("fallback")),
        "{e:?}"
    );
    let e = resolve("${vault:/db/password}", &d, &s).unwrap_err();
    assert!(e.message().contains("`vault`"), "{e:?}");
    let e = resolve("${self:custom.loop}", &d, &s).unwrap_err();
    assert!(e.message().contains("refers to itself"), "{e:?}");
    let e = resolve("${self:custom.typo}", &d, &s).unwrap_err();
    assert!(matches!(e, Unresolved::Invalid(_)), "{e:?}");
    let e = resolve("${self:provider", &d, &s).unwrap_err();
    assert!(e.message().contains("without its"), "{e:?}");
}

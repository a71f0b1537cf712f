//! The TUI's screens, driven by key sequences through the real loop (`App`: update + effects)
//! over an in-memory fleet, drawn on ratatui's `TestBackend` and pinned with insta snapshots.

mod support;

use std::sync::Arc;

use insta::assert_snapshot;
use mfn_tui::app::Msg;
use mfn_tui::app::modal::Dialog;
use mfn_tui::fleet::Step;
use mfn_tui::fleet::Target;
use support::memory_fleet::{denied, two_region_fleet};
use support::screen::Screen;
use tokio::sync::Notify;

const W: u16 = 120;
const H: u16 = 24;

async fn discovered() -> Screen {
    let mut screen = Screen::new(two_region_fleet(), W, H, false);
    screen.discover().await;
    screen
}

#[tokio::test]
async fn the_first_frame_comes_before_discovery_ends_with_a_spinner_and_counts() {
    let mut fleet = two_region_fleet();
    let gate = Arc::new(Notify::new());
    fleet.gate = Some((Target::new(None, "us-east-1"), gate.clone()));
    let mut screen = Screen::new(fleet, W, H, false);
    let before = screen.text();
    assert!(
        before.contains("No functions") || before.contains("Looking for"),
        "{before}"
    );

    screen.app.start();
    // us-east-1's findings arrive but its discovery is held open.
    while screen.app.state.inventory.function_count() < 7 {
        screen.app.next_batch().await;
    }
    assert!(screen.app.state.discovering());
    assert_snapshot!("fleet_while_discovering", screen.frame());

    gate.notify_one();
    screen.settle().await;
    assert!(!screen.app.state.discovering());
    assert!(screen.text().contains("7 functions · 5 services"));
}

#[tokio::test]
async fn the_fleet_view_lists_services_with_function_counts_and_grouping_rules() {
    let mut screen = discovered().await;
    assert_snapshot!("fleet_collapsed", screen.frame());
}

#[tokio::test]
async fn space_expands_a_service_to_its_functions_and_h_collapses_it_again() {
    let mut screen = discovered().await;
    // Services sort by name: (ungrouped), articles, comments, reports, users.
    screen.keys("jj<space>").await;
    assert_snapshot!("fleet_comments_expanded", screen.frame());
    screen.keys("jh").await;
    let text = screen.text();
    assert!(!text.contains("getComments"), "collapsed again:\n{text}");
}

#[tokio::test]
async fn slash_filters_as_you_type_and_esc_clears_the_filter() {
    let mut screen = discovered().await;
    screen.keys("/login").await;
    assert_snapshot!("fleet_filtered_login", screen.frame());
    screen.keys("<enter>").await;
    assert!(screen.text().contains("filter /login"));
    screen.keys("<esc>").await;
    let text = screen.text();
    assert!(
        !text.contains("filter /") && text.contains("reports"),
        "{text}"
    );
}

#[tokio::test]
async fn sort_keys_order_services_and_pressing_again_reverses() {
    let mut screen = discovered().await;
    screen.keys("F").await;
    let text = screen.text();
    assert!(text.contains("sort functions ↑"), "{text}");
    screen.keys("F").await;
    let text = screen.text();
    assert!(text.contains("sort functions ↓"));
    // The biggest service (us-east-1 users and comments have 2) comes first when descending.
    let first = text
        .lines()
        .find(|l| l.contains('▸'))
        .expect("a service row");
    assert!(
        first.contains("comments") || first.contains("users"),
        "{first}"
    );
}

#[tokio::test]
async fn the_function_view_masks_environment_values_until_revealed() {
    let mut screen = Screen::new(two_region_fleet(), W, 50, false);
    screen.discover().await;
    screen.keys("/articles<enter>jj<enter>").await;
    let masked = screen.text();
    assert!(
        !masked.contains("hunter2"),
        "the secret is on screen:\n{masked}"
    );
    assert_snapshot!("function_articles_masked", screen.frame());
    screen.keys("x").await;
    assert!(screen.text().contains("hunter2-secret"));
    // Leaving the view masks them again.
    screen.keys("<esc><enter>").await;
    assert!(!screen.text().contains("hunter2"));
}

#[tokio::test]
async fn the_function_view_shows_versions_aliases_with_weights_and_routes() {
    let mut screen = Screen::new(two_region_fleet(), W, 48, false);
    screen.discover().await;
    screen.keys("/users-dev-login<enter>j<enter>").await;
    assert_snapshot!("function_login", screen.frame());
}

#[tokio::test]
async fn question_mark_opens_help_with_keys_and_commands_and_esc_closes_it() {
    let mut screen = discovered().await;
    screen.keys("?").await;
    assert_snapshot!("help", screen.frame());
    screen.keys("<esc>").await;
    assert!(!screen.text().contains("Commands"));
}

#[tokio::test]
async fn a_failed_call_marks_its_region_and_the_errors_pane_says_what_and_why() {
    let mut fleet = two_region_fleet();
    let west = Target::new(None, "eu-west-1");
    fleet
        .script
        .get_mut(&west)
        .unwrap()
        .push(denied(&west, "ListAliases reports-generator"));
    let mut screen = Screen::new(fleet, W, H, false);
    screen.discover().await;
    let text = screen.text();
    assert!(
        text.contains("eu-west-1✗") && text.contains("us-east-1✓"),
        "{text}"
    );
    assert!(text.contains("1 failed calls"));
    screen.keys("e").await;
    assert_snapshot!("errors_pane", screen.frame());
}

#[tokio::test]
async fn colon_region_rediscovers_only_that_region() {
    let mut screen = discovered().await;
    screen.keys(":region eu-west-1<enter>").await;
    let text = screen.text();
    assert!(text.contains("regions eu-west-1✓"), "{text}");
    assert!(!text.contains("us-east-1"), "{text}");
    assert!(text.contains("1 functions · 1 services"), "{text}");
}

#[tokio::test]
async fn a_bad_command_says_what_was_wrong_and_changes_nothing() {
    let mut screen = discovered().await;
    screen.keys(":region europe<enter>").await;
    let text = screen.text();
    assert!(text.contains("`europe` is not a region name"), "{text}");
    assert!(text.contains("7 functions"), "{text}");
    screen.keys(":frobnicate<enter>").await;
    assert!(screen.text().contains("unknown command `frobnicate`"));
}

#[tokio::test]
async fn colon_q_quits_and_q_quits() {
    let mut screen = discovered().await;
    screen.keys(":q<enter>").await;
    assert!(screen.app.state.quit);
    let mut screen = discovered().await;
    screen.keys("q").await;
    assert!(screen.app.state.quit);
}

#[tokio::test]
async fn read_only_mode_shows_its_badge() {
    let mut screen = Screen::new(two_region_fleet(), W, H, true);
    screen.discover().await;
    let header = screen.text().lines().next().unwrap().to_owned();
    assert!(header.contains("READ-ONLY"), "{header}");
}

#[tokio::test]
async fn latency_and_cost_columns_fill_in_after_discovery_and_sort_by_cost() {
    let mut screen = discovered().await;
    assert!(
        screen.app.state.figures.cost.is_some(),
        "the window was read after discovery"
    );
    screen.keys("$").await;
    let text = screen.text();
    assert!(text.contains("sort $/30d ↓"), "{text}");
    let first = text
        .lines()
        .find(|l| l.contains('▸'))
        .expect("a service row");
    assert!(
        first.contains("articles"),
        "the dearest service comes first: {first}"
    );
}

#[tokio::test]
async fn the_cost_view_ranks_services_and_functions_with_bars_and_totals() {
    let mut screen = discovered().await;
    screen.keys("c").await;
    assert_snapshot!("cost_view", screen.frame());
    screen.keys("<esc>").await;
    assert!(screen.text().contains("Fleet"));
}

#[tokio::test]
async fn colon_since_reads_the_new_window_and_a_bad_duration_is_refused() {
    let mut screen = discovered().await;
    screen.keys(":since 7d<enter>").await;
    let text = screen.text();
    assert!(text.contains("window 7d"), "{text}");
    assert!(screen.app.state.figures.cost.is_some());
    screen.keys(":since 7w<enter>").await;
    let text = screen.text();
    assert!(text.contains("`7w` is not a duration"), "{text}");
    assert!(text.contains("window 7d"), "nothing changed: {text}");
}

#[tokio::test]
async fn a_window_that_would_scan_too_much_waits_for_colon_read() {
    let mut fleet = two_region_fleet();
    fleet.log_bytes.insert(
        "/aws/lambda/users-dev-login".into(),
        50 * 1024 * 1024 * 1024,
    );
    let mut screen = Screen::new(fleet, W, H, false);
    screen.discover().await;
    let text = screen.text();
    assert!(
        text.contains("metrics only, REPORT records not read (:read)"),
        "{text}"
    );
    assert!(text.contains(":read pages through them anyway"), "{text}");
    assert!(screen.app.state.figures.cost.is_none());
    screen.keys(":read<enter>").await;
    assert!(screen.app.state.figures.cost.is_some());
    let text = screen.text();
    assert!(text.contains("/30d at list price"), "{text}");
}

#[tokio::test]
async fn figures_of_a_replaced_fleet_are_not_shown_for_the_new_one() {
    let mut screen = discovered().await;
    let articles = "arn:aws:lambda:us-east-1:111122223333:function:articles-prod-api".to_string();
    let mut stale = screen.app.state.figures.by_function.clone();
    assert!(stale.contains_key(&articles));
    stale.retain(|arn, _| *arn == articles);
    screen.keys(":region eu-west-1<enter>").await;
    assert!(
        screen.app.state.figures.loading.is_none(),
        "the new fleet's window was read"
    );
    // A read of the old fleet that finishes late is dropped, not shown for the new one.
    screen.app.handle(mfn_tui::app::Msg::LatencyRead(
        mfn_tui::fleet::reports::FleetLatency {
            by_function: stale,
            ..Default::default()
        },
    ));
    assert!(!screen.app.state.figures.by_function.contains_key(&articles));
}

#[tokio::test]
async fn shift_b_opens_the_rollback_dialog_with_versions_and_asks_before_anything_moves() {
    let mut screen = Screen::new(two_region_fleet(), W, 30, false);
    screen.discover().await;
    screen.keys("/login<enter><down><enter>B").await;
    let modal = screen.app.state.modal.as_ref().expect("the dialog is open");
    assert!(matches!(modal.dialog, Dialog::Rollback(_)));
    assert_eq!(modal.function().name, "users-dev-login");
    assert_snapshot!("rollback_dialog", screen.frame());
    screen.keys("<enter>").await;
    let text = screen.text();
    assert!(text.contains("y to confirm"), "{text}");
    assert!(
        text.contains("alias live: version 2 (10% to version 1) → version 1"),
        "the plan is shown before the question: {text}"
    );
    screen.keys("n").await;
    let modal = screen.app.state.modal.as_ref().unwrap();
    assert!(
        modal.confirm.is_none() && !modal.running,
        "any other key cancels"
    );
    screen.keys("<esc>").await;
    assert!(screen.app.state.modal.is_none());
}

#[tokio::test]
async fn read_only_mode_has_no_rollback_key() {
    let mut screen = Screen::new(two_region_fleet(), W, H, true);
    screen.discover().await;
    screen.keys("/login<enter><down><enter>B").await;
    assert!(screen.app.state.modal.is_none());
    assert!(!screen.text().contains("rollback"));
}

#[tokio::test]
async fn i_opens_the_invoke_dialog_with_templates_and_refuses_a_payload_that_is_not_json() {
    let mut screen = Screen::new(two_region_fleet(), W, 30, false);
    screen.discover().await;
    screen.keys("/login<enter><down><enter>i<c-t>").await;
    let dialog = screen.invoke_dialog().expect("the dialog is open");
    assert_eq!(dialog.templates[dialog.template].0, "API Gateway REST");
    assert_snapshot!("invoke_dialog", screen.frame());
    // Break the JSON: the problem shows as you type, and sending is refused, keeping the text.
    screen.keys("x").await;
    let text = screen.invoke_dialog().unwrap().text();
    assert!(screen.text().contains("not valid JSON"));
    screen.keys("<c-s>").await;
    let dialog = screen.invoke_dialog().unwrap();
    assert!(
        !screen.running() && dialog.outcome.is_none(),
        "nothing was sent"
    );
    assert_eq!(dialog.text(), text, "what was typed is kept");
    screen.keys("<esc>").await;
    assert!(screen.app.state.modal.is_none());
}

#[tokio::test]
async fn shift_d_opens_the_deploy_dialog_which_needs_a_package_and_asks_first() {
    let mut screen = Screen::new(two_region_fleet(), W, 30, false);
    screen.discover().await;
    screen.keys("/login<enter><down><enter>D").await;
    assert!(screen.deploy_dialog().is_some());
    screen.keys("<enter>").await;
    assert!(
        screen.text().contains("give a zip file or a directory"),
        "nothing to deploy yet"
    );
    assert!(!screen.asking());
    // A file that is not a zip is refused, and what was typed stays to fix.
    screen.keys("Cargo.toml<enter>").await;
    until_read(&mut screen).await;
    assert!(screen.text().contains("is not a zip file"));
    let d = screen.deploy_dialog().unwrap();
    assert!(!screen.asking() && d.package.is_none());
    assert_eq!(d.path, "Cargo.toml");
    // A directory is zipped, and its code SHA-256 and size shown before the question.
    for _ in 0.."Cargo.toml".len() {
        screen.keys("<bs>").await;
    }
    screen.keys("tests/fixtures/local/basics<enter>").await;
    until_read(&mut screen).await;
    let d = screen.deploy_dialog().unwrap();
    let zipped =
        mfn_tui::fleet::artifact::zip_dir(std::path::Path::new("tests/fixtures/local/basics"))
            .unwrap();
    assert_eq!(
        d.package.as_ref().unwrap().code_sha256,
        mfn_tui::fleet::artifact::code_sha256(&zipped)
    );
    assert!(
        screen.asking(),
        "the deploy of exactly that package is planned and asked about"
    );
    assert_snapshot!("deploy_dialog", screen.frame());
    assert!(screen.text().contains("y to confirm"));
    screen.keys("<esc><esc>").await;
    assert!(screen.app.state.modal.is_none(), "nothing was deployed");
}

/// Handles messages until the deploy dialog has read the package it was asked to.
async fn until_read(screen: &mut Screen) {
    while screen.deploy_dialog().unwrap().preparing {
        screen.app.next_batch().await;
    }
}

#[tokio::test]
async fn a_running_deploy_lists_its_steps_as_they_start() {
    let mut screen = Screen::new(two_region_fleet(), W, 30, false);
    screen.discover().await;
    screen.keys("/login<enter><down><enter>D./build").await;
    // Running, as after a confirmation; the steps arrive as the deploy reports them.
    screen.app.state.modal.as_mut().unwrap().running = true;
    for step in [
        Step::Reading,
        Step::Sending {
            bytes: Some(1_572_864),
        },
        Step::Waiting { elapsed_s: 0 },
        Step::Waiting { elapsed_s: 3 },
    ] {
        screen.app.handle(Msg::ChangeStep(step));
    }
    let modal = screen.app.state.modal.as_ref().unwrap();
    assert_eq!(
        modal.progress.len(),
        3,
        "a wait reported again takes its own place"
    );
    assert_snapshot!("deploy_dialog_running", screen.frame());
}

#[tokio::test]
async fn shift_k_shows_the_alias_versions_side_by_side_and_asks_before_promoting() {
    let mut screen = Screen::new(two_region_fleet(), W, 30, false);
    screen.discover().await;
    screen.keys("/login<enter><down><enter>K").await;
    while screen.canary_dialog().unwrap().figures.is_none() {
        screen.app.next_batch().await;
    }
    assert_snapshot!("canary_dialog", screen.frame());
    screen.keys("p").await;
    let text = screen.text();
    assert!(
        text.contains("promote the canary of users-dev-login? y to confirm"),
        "{text}"
    );
    screen.keys("<esc><esc>").await;
    assert!(screen.app.state.modal.is_none(), "nothing moved");
}

#[tokio::test]
async fn errors_and_throttles_come_from_metrics_sort_with_e_and_x_and_show_their_source() {
    let mut screen = discovered().await;
    screen.keys("E").await;
    let text = screen.text();
    let users = text.lines().position(|l| l.contains("▸ users")).unwrap();
    let articles = text.lines().position(|l| l.contains("▸ articles")).unwrap();
    assert!(users < articles, "10% errors before 0%: {text}");
    assert!(text.contains("sort error % ↓"), "{text}");
    screen.keys("X").await;
    assert!(screen.text().contains("sort throttles ↓"));
    screen.keys("/login<enter><down><enter>").await;
    let text = screen.text();
    assert!(text.contains("From CloudWatch metrics"), "{text}");
    assert!(
        text.contains("invocations 20 · errors 2 (10.0%) · throttles 3"),
        "{text}"
    );
    assert!(text.contains("From REPORT records"), "{text}");
}

#[tokio::test]
async fn the_dashboard_opens_on_the_cached_fleet_marked_stale_and_revalidates_it() {
    let dir = std::env::temp_dir().join(format!("mfn-cache-view-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = mfn_tui::fleet::cache::InventoryCache::at(&dir);
    // The last session saw the whole fleet, three hours ago.
    let last = discovered().await;
    let now = mfn_tui::clock::now_ms();
    let targets = last.app.state.context.targets.clone();
    cache
        .save(&last.app.state.inventory, &targets, now - 3 * 3_600_000)
        .unwrap();
    // Since then legacy-cron was deleted; this session's us-east-1 answers slowly.
    let mut fleet = two_region_fleet();
    for events in fleet.script.values_mut() {
        for event in events.iter_mut() {
            if let mfn_tui::fleet::DiscoveryEvent::Functions { functions, .. } = event {
                functions.retain(|f| f.name != "legacy-cron");
            }
        }
    }
    let gate = Arc::new(Notify::new());
    fleet.gate = Some((Target::new(None, "us-east-1"), gate.clone()));
    let mut screen = Screen::new(fleet, W, H, false);
    screen.app.cache = Some(cache.clone());
    screen.app.state.open_cached(cache.load(&targets), now);
    let first = screen.text();
    assert!(
        first.contains("7 functions") && first.contains("cached 3h ago, revalidating"),
        "the first frame is the cached fleet: {first}"
    );
    screen.app.start();
    while screen.app.state.inventory.pending_targets() > 1 {
        screen.app.next_batch().await;
    }
    assert!(
        screen.text().contains("(ungrouped)"),
        "legacy-cron stays while us-east-1 is revalidated"
    );
    gate.notify_one();
    screen.settle().await;
    let text = screen.text();
    assert!(text.contains("6 functions"), "{text}");
    assert!(!text.contains("cached"), "{text}");
    // Written away from the loop.
    let mut saved = cache.load(&targets);
    for _ in 0..100 {
        if saved.iter().all(|c| c.saved_ms >= now) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        saved = cache.load(&targets);
    }
    assert!(
        saved.iter().all(|c| c.saved_ms >= now),
        "the revalidated fleet is the next start's cache"
    );
    assert!(
        saved
            .iter()
            .all(|c| !c.functions.iter().any(|f| f.name == "legacy-cron"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

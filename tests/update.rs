//! `update` as the pure function it is: a state and a message in, the state changed and the
//! effects out — no loop, no runner, no fleet. The change path is followed message by message:
//! keys open a dialog, a change is planned by the core and confirmed, exactly that plan leaves
//! as the one effect, and its outcome closes the dialog.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mfn_tui::app::state::View;
use mfn_tui::app::{Effect, Msg, State, update};
use mfn_tui::fleet::change::{Action, ChangeKind, Done, Outcome};
use mfn_tui::fleet::{AliasChange, AliasTarget, FleetError, Function, Step, Target};
use support::memory_fleet::two_region_fleet;
use support::screen::default_state;

const LOGIN: &str = "arn:aws:lambda:us-east-1:111122223333:function:users-dev-login";

/// The dashboard's state over the in-memory fleet's findings, on `users-dev-login`'s view.
fn state(read_only: bool) -> State {
    let fleet = two_region_fleet();
    let context = mfn_tui::fleet::Fleet::context(&fleet);
    let mut state = default_state(context, read_only);
    for events in fleet.script.values() {
        for event in events {
            state.inventory.apply(event.clone());
        }
    }
    state.view = View::Function { arn: LOGIN.into() };
    state
}

/// Types `keys` (characters, or `\n` for enter and `\x1b` for esc), collecting every effect.
fn keys(state: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        let (code, modifiers) = match c {
            '\n' => (KeyCode::Enter, KeyModifiers::NONE),
            '\x1b' => (KeyCode::Esc, KeyModifiers::NONE),
            c if c.is_ascii_uppercase() => (KeyCode::Char(c), KeyModifiers::SHIFT),
            c => (KeyCode::Char(c), KeyModifiers::NONE),
        };
        effects.extend(update(state, Msg::Key(KeyEvent::new(code, modifiers))));
    }
    effects
}

fn moved(from: &str, to: &str) -> Done {
    let target = |v: &str| AliasTarget {
        alias: "live".into(),
        version: v.into(),
        additional: None,
    };
    Done::Alias(AliasChange {
        function: "users-dev-login".into(),
        before: Some(target(from)),
        after: target(to),
        published: None,
        code_before: None,
        code_after: None,
    })
}

#[test]
fn a_confirmed_rollback_leaves_as_exactly_its_plan_and_nothing_before() {
    let mut s = state(false);
    assert!(
        keys(&mut s, "B").is_empty(),
        "opening a dialog runs nothing"
    );
    assert!(
        keys(&mut s, "\n").is_empty(),
        "the plan is shown, nothing runs"
    );
    let plan = s
        .modal
        .as_ref()
        .unwrap()
        .confirm
        .as_ref()
        .unwrap()
        .plan
        .clone();
    assert_eq!(plan.kind, ChangeKind::Rollback);
    assert_eq!(plan.function.target, Target::new(None, "us-east-1"));
    let Action::Route { from, to } = &plan.action else {
        panic!("{:?}", plan.action);
    };
    assert_eq!(
        (from.version.as_str(), from.additional.clone()),
        ("2", Some(("1".to_string(), 0.1)))
    );
    assert_eq!((to.version.as_str(), to.additional.clone()), ("1", None));
    let effects = keys(&mut s, "y");
    assert_eq!(effects, vec![Effect::Apply(Box::new(plan))]);
    assert!(s.modal.as_ref().unwrap().running);
    assert!(
        keys(&mut s, "\x1by\n").is_empty(),
        "keys do nothing while the change runs"
    );
    assert!(s.modal.is_some(), "and esc does not close it");
}

#[test]
fn any_other_key_than_y_cancels_the_question_and_nothing_runs() {
    let mut s = state(false);
    let effects = keys(&mut s, "B\nn");
    assert!(effects.is_empty());
    let modal = s.modal.as_ref().unwrap();
    assert!(modal.confirm.is_none() && !modal.running);
}

#[test]
fn steps_are_listed_while_the_change_runs_and_its_outcome_closes_the_dialog() {
    let mut s = state(false);
    keys(&mut s, "B\ny");
    update(&mut s, Msg::ChangeStep(Step::Reading));
    update(&mut s, Msg::ChangeStep(Step::Waiting { elapsed_s: 1 }));
    update(&mut s, Msg::ChangeStep(Step::Waiting { elapsed_s: 4 }));
    assert_eq!(s.modal.as_ref().unwrap().progress.len(), 2);
    let mut refreshed: Function = s.inventory.function(LOGIN).unwrap().clone();
    refreshed.aliases[0].version = "1".into();
    refreshed.aliases[0].weights = [("1".to_string(), 1.0)].into();
    let outcome = Outcome {
        kind: ChangeKind::Rollback,
        function: "users-dev-login".into(),
        result: Ok(moved("2", "1")),
        audit_error: None,
    };
    let effects = update(
        &mut s,
        Msg::Applied {
            outcome: Box::new(outcome),
            refreshed: Some(Box::new(refreshed)),
        },
    );
    assert!(effects.is_empty());
    assert!(s.modal.is_none(), "the dialog closed");
    assert_eq!(
        s.inventory.function(LOGIN).unwrap().aliases[0].version,
        "1",
        "the function is shown as it was read again"
    );
    let flash = s.flash.as_ref().unwrap();
    assert!(!flash.is_error);
    assert!(
        flash
            .text
            .contains("alias live moved from version 2 to version 1")
    );
}

#[test]
fn a_change_that_failed_halfway_is_said_as_an_error_with_its_state() {
    let mut s = state(false);
    keys(&mut s, "B\ny");
    let outcome = Outcome {
        kind: ChangeKind::Rollback,
        function: "users-dev-login".into(),
        result: Err(FleetError::Partial {
            operation: "UpdateAlias".into(),
            message: "the alias live is unchanged".into(),
        }),
        audit_error: None,
    };
    update(
        &mut s,
        Msg::Applied {
            outcome: Box::new(outcome),
            refreshed: None,
        },
    );
    let flash = s.flash.as_ref().unwrap();
    assert!(flash.is_error && flash.text.contains("the alias live is unchanged"));
    assert!(!flash.text.contains("nothing changed"), "{}", flash.text);
}

#[test]
fn a_refused_plan_is_said_and_nothing_runs() {
    let mut s = state(false);
    let effects = keys(&mut s, "K");
    assert_eq!(effects.len(), 1, "the canary dialog reads its figures");
    assert!(matches!(effects[0], Effect::AliasFigures { .. }));
    // `live` without its canary: promoting one is refused by the plan.
    let modal = s.modal.as_mut().unwrap();
    if let mfn_tui::app::modal::Dialog::Canary(d) = &mut modal.dialog {
        d.function.aliases[0].weights = [("2".to_string(), 1.0)].into();
    }
    assert!(keys(&mut s, "p").is_empty());
    let flash = s.flash.as_ref().unwrap();
    assert!(
        flash.is_error
            && flash.text.contains("has no canary")
            && flash.text.ends_with("nothing changed"),
        "{}",
        flash.text
    );
    assert!(s.modal.as_ref().unwrap().confirm.is_none());
}

#[test]
fn read_only_has_no_key_that_runs_or_changes_a_function() {
    let mut s = state(true);
    for key in ["B", "D", "K", "i"] {
        assert!(keys(&mut s, key).is_empty(), "{key}");
        assert!(s.modal.is_none(), "{key} opened nothing");
    }
}

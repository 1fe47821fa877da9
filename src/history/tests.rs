//! The history store on real SQLite files: migrations, pruning, the
//! timeline's selections.

use rusqlite::params;

use super::records::Filter;
use super::store::Store;

#[test]
fn migrations_run_once_and_refuse_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite");
    drop(Store::open(&path).unwrap());
    // Reopening runs no migration twice (CREATE TABLE would fail).
    let store = Store::open(&path).unwrap();
    store.conn.pragma_update(None, "user_version", 99).unwrap();
    drop(store);
    let err = Store::open(&path).err().unwrap();
    assert!(format!("{err:#}").contains("newer privaudit"), "{err:#}");
}

fn add_run(store: &Store, at: &str, settings: &[&str]) -> i64 {
    store
        .conn
        .execute(
            "INSERT INTO runs (started_at, finished_at, command, rules_version, profile) VALUES (?1, ?1, 'check', 'r', 'p')",
            params![at],
        )
        .unwrap();
    let id = store.conn.last_insert_rowid();
    for s in settings {
        store
            .conn
            .execute(
                "INSERT INTO findings (run_id, platform, setting, label, category, status, current, wanted)
                 VALUES (?1, 'x', ?2, 'L', 'other', 'ok', 'off', 'off')",
                params![id, s],
            )
            .unwrap();
    }
    id
}

#[test]
fn prune_keeps_each_settings_newest_record_and_recent_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("h.sqlite")).unwrap();
    // An old store format (`+00:00`) and the current one (`Z`) mixed.
    let old_both = add_run(&store, "2025-01-01T03:00:00+00:00", &["a", "b"]);
    let old_b_only_here = add_run(&store, "2025-01-02T03:00:00Z", &["a", "gone"]);
    let recent = add_run(&store, "2026-11-30T03:00:00Z", &["a", "b"]);
    let pruned = store.prune("2026-09-01T00:00:00Z").unwrap();
    let left: Vec<i64> = store.runs().unwrap().iter().map(|r| r.id).collect();
    // `gone` was last seen in the second run: it stays as its baseline.
    assert_eq!(left, vec![old_b_only_here, recent]);
    assert_eq!(pruned.runs, 1);
    assert!(!left.contains(&old_both));
    assert_eq!(store.runs().unwrap()[1].started_at, "2026-11-30T03:00:00Z");
}

#[test]
fn the_timeline_selects_changes_runs_and_the_newest_runs() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("h.sqlite")).unwrap();
    let first = add_run(&store, "2026-11-01T03:00:00+00:00", &["a"]);
    let second = add_run(&store, "2026-11-02T03:00:00Z", &["a"]);
    store
        .conn
        .execute(
            "UPDATE findings SET transition = 're-enabled' WHERE run_id = ?1",
            params![second],
        )
        .unwrap();
    let all = store.timeline(&Filter::default()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].at, "2026-11-01T03:00:00Z", "stored times come out in one format");
    let changes = store
        .timeline(&Filter {
            changes_only: true,
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(changes.iter().map(|e| e.run_id).collect::<Vec<_>>(), vec![second]);
    let one = store
        .timeline(&Filter {
            run: Some(first),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(one.iter().map(|e| e.run_id).collect::<Vec<_>>(), vec![first]);
    let newest = store
        .timeline(&Filter {
            last_runs: Some(1),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(newest.iter().map(|e| e.run_id).collect::<Vec<_>>(), vec![second]);
    let since = store
        .timeline(&Filter {
            since: Some("2026-11-01T12:00:00Z".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(since.len(), 1);
}

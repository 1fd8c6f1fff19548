//! Crash safety: SIGKILL at every point of the save, rotate, delete, rename and copy paths (crash points built
//! with the `fault-injection` feature), and at random moments. Afterwards profiles.toml always
//! parses and holds the old or the new state, the backup is valid, and a profile whose secret is
//! gone is reported by `verify` with the fix.

#![cfg(feature = "fault-injection")]

use std::collections::BTreeSet;
use std::time::Duration;

use oauth_setup::stores::config_dir::ConfigDir;
use oauth_setup::stores::profile::ProfileStore;

use crate::support::cli::{Env, FILE_STORE, Run, setup_args};
use crate::support::oauth::OAuthConfig;
use crate::support::report;

const POINTS: [&str; 15] = [
    "profiles.toml:temp-written",
    "profiles.toml:temp-synced",
    "profiles.toml:backup-kept",
    "profiles.toml:renamed",
    "profiles.index:temp-synced",
    "secrets.toml:temp-written",
    "secrets.toml:temp-synced",
    "secrets.toml:renamed",
    "secrets.index:renamed",
    "create:secret-stored",
    "rotate:secret-stored",
    "delete:profile-removed",
    "rewrite:secret-stored",
    "rewrite:session-stored",
    "none:never",
];

#[derive(Clone, Copy, Debug)]
enum Op {
    Setup,
    Rotate,
    Delete,
    Rename,
    Copy,
    /// Records the result: one profile's tables written anew through the index.
    Verify,
}

fn names(env: &Env) -> BTreeSet<String> {
    let store = ProfileStore::new(ConfigDir::new(env.config()));
    let file = store
        .load()
        .unwrap_or_else(|e| panic!("profiles.toml no longer parses: {e}"));
    file.profiles.keys().cloned().collect()
}

fn backup_parses(env: &Env) -> bool {
    let bak = env.config().join("profiles.toml.bak");
    if !bak.exists() {
        return true;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&bak, dir.path().join("profiles.toml")).unwrap();
    ProfileStore::new(ConfigDir::new(dir.path())).load().is_ok()
}

/// The command line of each operation: a new profile "b", or rotating or deleting "a".
fn op_args(op: Op, url: &str) -> Vec<String> {
    match op {
        Op::Setup => {
            let mut args = setup_args("b", url, "id", "core.common.read");
            args.extend(FILE_STORE.map(String::from));
            args
        }
        Op::Rotate => ["rotate", "a", "--client-secret-stdin"]
            .map(String::from)
            .to_vec(),
        Op::Delete => ["delete", "a", "--yes"].map(String::from).to_vec(),
        Op::Rename => ["rename", "a", "b"].map(String::from).to_vec(),
        Op::Copy => ["copy", "a", "b"].map(String::from).to_vec(),
        Op::Verify => ["verify", "a", "--non-interactive"]
            .map(String::from)
            .to_vec(),
    }
}

fn run_op(env: &Env, op: Op, url: &str, crash_at: &str) -> Run {
    let mut cmd = env.cmd();
    cmd.env("OAUTH_SETUP_CRASH_AT", crash_at);
    let out = cmd
        .args(op_args(op, url))
        .write_stdin("sec")
        .output()
        .unwrap();
    Run::from_output(out)
}

#[derive(Default)]
struct Tally {
    runs: usize,
    killed: usize,
    old_or_new: usize,
    backup_ok: usize,
    dangling_reported: usize,
}

/// Check the invariants after one (possibly killed) operation.
fn check(env: &Env, op: Op, before: &BTreeSet<String>, run: &Run, tally: &mut Tally, what: &str) {
    tally.runs += 1;
    if run.code == -9 || run.code == 137 || run.code == -1 {
        tally.killed += 1;
    }
    let after = names(env);
    let mut new = before.clone();
    match op {
        Op::Setup => {
            new.insert("b".into());
        }
        Op::Rotate | Op::Verify => {}
        Op::Delete => {
            new.remove("a");
        }
        Op::Rename => {
            new.remove("a");
            new.insert("b".into());
        }
        Op::Copy => {
            new.insert("b".into());
        }
    }
    assert!(
        after == *before || after == new,
        "{what}: neither old {before:?} nor new {new:?}: {after:?}"
    );
    tally.old_or_new += 1;
    // The index, whatever the kill left of it, never gives another profile than the file has.
    let store = ProfileStore::new(ConfigDir::new(env.config()));
    let file = store.load().unwrap();
    // Nor does the JSON copy: what load gives is what the TOML says.
    let text = std::fs::read_to_string(env.profiles()).unwrap_or_default();
    if !text.is_empty() {
        assert_eq!(
            store.parse_text(&text).unwrap(),
            file,
            "{what}: the JSON copy disagrees"
        );
    }
    for (name, profile) in &file.profiles {
        if let Some((found, quick)) = store.quick(Some(name)) {
            assert_eq!(
                (&found, &quick),
                (name, profile),
                "{what}: the index disagrees"
            );
        }
    }
    assert!(backup_parses(env), "{what}: the backup does not parse");
    tally.backup_ok += 1;
    // Every remaining profile either works or says exactly what is wrong and how to fix it.
    let verify = env.run(&["verify", "--all", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&verify.stdout)
        .unwrap_or_else(|e| panic!("{what}: {e}: {}", verify.all()));
    for p in doc["profiles"].as_array().unwrap() {
        if p["ok"] == true {
            continue;
        }
        let secret = p["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "secret")
            .unwrap();
        assert_eq!(secret["status"], "fail", "{what}: {p}");
        assert!(
            secret["fix"]
                .as_str()
                .unwrap()
                .contains("oauth-setup rotate"),
            "{what}: {p}"
        );
        tally.dangling_reported += 1;
    }
}

fn fresh(url: &str) -> Env {
    let env = Env::new();
    env.setup("a", url, "id", "sec", "core.common.read", &[])
        .expect(0);
    env
}

#[test]
fn sigkill_at_every_point_of_the_write_paths() {
    let oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    let server = oauth.start();
    let url = server.url("");
    let rounds = report::runs(4, 20);
    let mut tally = Tally::default();
    for round in 0..rounds {
        for point in POINTS {
            for op in [
                Op::Setup,
                Op::Rotate,
                Op::Delete,
                Op::Rename,
                Op::Copy,
                Op::Verify,
            ] {
                let env = fresh(&url);
                let before = names(&env);
                let run = run_op(&env, op, &url, point);
                check(
                    &env,
                    op,
                    &before,
                    &run,
                    &mut tally,
                    &format!("round {round}, {op:?} killed at {point}"),
                );
                // The next write cleans what the killed writer left, and no copy of the secret stays.
                env.run(&["verify", "--all"]);
                let leftovers: Vec<_> = std::fs::read_dir(env.config())
                    .unwrap()
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
                    .collect();
                assert!(
                    leftovers.is_empty(),
                    "{op:?} at {point}: stale temporary files {leftovers:?}"
                );
                // doctor sweeps what the killed writer noted: every entry left is a profile's.
                env.run(&["doctor"]).expect(0);
                let file = ProfileStore::new(ConfigDir::new(env.config()))
                    .load()
                    .unwrap();
                let refs: BTreeSet<&str> = file
                    .profiles
                    .values()
                    .map(|p| p.secret_ref.as_str())
                    .collect();
                let secrets =
                    std::fs::read_to_string(env.config().join("secrets.toml")).unwrap_or_default();
                let table: toml::Table = secrets.parse().unwrap();
                for entry in table.keys() {
                    let base = entry.split('.').next().unwrap_or_default();
                    assert!(
                        refs.contains(base),
                        "{op:?} at {point}: orphan {entry} after doctor"
                    );
                }
            }
        }
    }
    assert!(
        tally.killed >= tally.runs / 2,
        "the crash points were not reached: {} of {}",
        tally.killed,
        tally.runs
    );
    report::row(
        "SIGKILL at crash points (save, rotate, delete, rename, copy, verify)",
        tally.runs,
        &format!(
            "{} killed; profiles.toml parsed and old-or-new {}/{}; backup valid {}/{}; profiles left without a secret: {}, each reported by verify with the fix",
            tally.killed,
            tally.old_or_new,
            tally.runs,
            tally.backup_ok,
            tally.runs,
            tally.dangling_reported
        ),
    );
}

#[test]
fn sigkill_at_random_moments() {
    let oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    let server = oauth.start();
    let url = server.url("");
    let runs = report::runs(30, 200);
    let mut tally = Tally::default();
    for i in 0..runs {
        let env = fresh(&url);
        let before = names(&env);
        let op = [Op::Setup, Op::Rotate, Op::Delete][i % 3];
        let mut cmd = env.std_cmd();
        let mut child = cmd
            .args(op_args(op, &url))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(b"sec");
        // Spread the kills over the run, which takes a few milliseconds.
        std::thread::sleep(Duration::from_micros((i as u64 * 997) % 12_000));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let run = Run {
            code: status.code().unwrap_or(-9),
            stdout: String::new(),
            stderr: String::new(),
        };
        check(
            &env,
            op,
            &before,
            &run,
            &mut tally,
            &format!("run {i}, {op:?} killed at random"),
        );
    }
    report::row(
        "SIGKILL at random moments during save, rotate, delete",
        tally.runs,
        &format!(
            "{} killed before finishing; profiles.toml parsed and old-or-new {}/{}; backup valid {}/{}; profiles left without a secret: {}, each reported by verify",
            tally.killed,
            tally.old_or_new,
            tally.runs,
            tally.backup_ok,
            tally.runs,
            tally.dangling_reported
        ),
    );
}

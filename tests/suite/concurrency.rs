//! 50 processes at once on one config folder, mixing setup, rotate, delete and verify: the final
//! state is exactly what the operations that reported success imply.

use std::collections::BTreeMap;

use oauth_setup::stores::config_dir::ConfigDir;
use oauth_setup::stores::profile::ProfileStore;

use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;
use crate::support::report;

fn secrets(env: &Env) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(env.config().join("secrets.toml")).unwrap_or_default();
    let table: toml::Table = text.parse().unwrap();
    table
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn fifty_processes_mixing_every_write() {
    let accepted: Vec<String> = std::iter::once("sec".to_string())
        .chain((0..10).map(|i| format!("rot-{i}")))
        .collect();
    let oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    oauth.set_secrets(&accepted.iter().map(String::as_str).collect::<Vec<_>>());
    let server = oauth.start();
    let url = server.url("");
    let env = Env::new();
    for i in 0..20 {
        env.setup(&format!("p{i}"), &url, "id", "sec", "core.common.read", &[])
            .expect(0);
    }
    let store = ProfileStore::new(ConfigDir::new(env.config()));
    let refs: BTreeMap<String, String> = store
        .load()
        .unwrap()
        .profiles
        .into_iter()
        .map(|(n, p)| (n, p.secret_ref))
        .collect();

    let rounds = report::runs(1, 4);
    for round in 0..rounds {
        let results: Vec<(String, Run)> = std::thread::scope(|s| {
            let mut handles = Vec::new();
            for i in 0..15 {
                let (env, url) = (&env, &url);
                handles.push(s.spawn(move || {
                    (
                        format!("setup n{round}-{i}"),
                        env.setup(
                            &format!("n{round}-{i}"),
                            url,
                            "id",
                            "sec",
                            "core.common.read",
                            &[],
                        ),
                    )
                }));
            }
            for i in 0..10 {
                let env = &env;
                handles.push(s.spawn(move || {
                    (
                        format!("rotate p{i}"),
                        env.run_stdin(
                            &["rotate", &format!("p{i}"), "--client-secret-stdin"],
                            &format!("rot-{i}"),
                        ),
                    )
                }));
            }
            for i in 10..20 {
                let env = &env;
                handles.push(s.spawn(move || {
                    let name = format!("p{i}");
                    let run = if round == 0 {
                        env.run(&["delete", &name, "--yes"])
                    } else {
                        env.run(&["verify", "--all"])
                    };
                    (format!("delete {name}"), run)
                }));
            }
            for _ in 0..15 {
                let env = &env;
                handles.push(s.spawn(move || {
                    (
                        "verify".to_string(),
                        env.run(&["verify", "--all", "--json"]),
                    )
                }));
            }
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.len(), 50);
        for (what, run) in &results {
            if what == "verify" {
                // A verify may meet a profile deleted under it; it must still answer with JSON.
                let doc: serde_json::Value = serde_json::from_str(&run.stdout)
                    .unwrap_or_else(|e| panic!("{e}: {}", run.all()));
                assert_eq!(doc["schema_version"], 1);
            } else {
                assert_eq!(run.code, 0, "{what}: {}", run.all());
            }
        }
    }
    let file = store.load().unwrap();
    let mut want: Vec<String> = (0..10).map(|i| format!("p{i}")).collect();
    for round in 0..rounds {
        want.extend((0..15).map(|i| format!("n{round}-{i}")));
    }
    want.sort();
    let have: Vec<String> = file.profiles.keys().cloned().collect();
    assert_eq!(have, want, "lost or extra profiles");
    let stored = secrets(&env);
    for i in 0..10 {
        assert_eq!(
            stored[&refs[&format!("p{i}")]],
            format!("rot-{i}"),
            "p{i}'s rotation was lost"
        );
        assert!(file.profiles[&format!("p{i}")].secret_rotated_at.is_some());
    }
    for i in 10..20 {
        assert!(
            !stored.contains_key(&refs[&format!("p{i}")]),
            "p{i}'s secret outlived its profile"
        );
    }
    for name in file.profiles.keys() {
        assert!(
            stored.contains_key(&file.profiles[name].secret_ref),
            "{name} lost its secret"
        );
    }
    env.run(&["verify", "--all"]).expect(0);
    report::row(
        "50 concurrent processes (15 setup, 10 rotate, 10 delete, 15 verify)",
        rounds,
        &format!(
            "every write reported success; final state exact: {} profiles, 10 rotations kept, 10 deletions complete, no secret lost",
            want.len()
        ),
    );
}

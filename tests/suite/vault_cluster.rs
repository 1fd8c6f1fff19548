//! Availability: a 3-node OpenBao cluster (Raft) on loopback; the leader killed during 20
//! rotations and 200 token requests. Every rotation either completed or left the old secret in
//! place, no version is lost, and requests succeed again once a new leader is elected (the time
//! it took is printed: `cargo test vault_cluster -- --nocapture`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::bao::call;
use crate::support::bao::vault_setup_args;
use crate::support::bao_cluster::Cluster;
use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;

const ROTATIONS: usize = 20;
const TOKENS: usize = 200;
/// Between two rotations (a tenth of it between token requests): 20 rotations span ~15 s,
/// the election (seconds) included.
const PACE: Duration = Duration::from_millis(600);

#[test]
fn killing_the_leader_loses_no_rotation_and_requests_recover() {
    let mut cluster = Cluster::start();
    let root = cluster.root.clone();
    let secrets: Vec<String> = (0..=ROTATIONS).map(|i| format!("rot-{i}")).collect();
    let oauth = OAuthConfig::new("id", &secrets[0], &["core.common.read"]);
    oauth.set_secrets(&secrets.iter().map(String::as_str).collect::<Vec<_>>());
    let server = oauth.start();
    let env = Env::new();
    // Through a follower: it forwards to whichever node leads.
    let via = cluster.nodes[1].addr.clone();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = env.cmd();
        cmd.env("BAO_TOKEN", &root)
            .args(["--timeout", "3"])
            .args(args);
        if let Some(s) = stdin {
            cmd.write_stdin(s);
        }
        Run::from_output(cmd.output().unwrap())
    };
    run(
        &vault_setup_args(&server.url("/oauth2/token"), &via),
        Some(&secrets[0]),
    )
    .expect(0);
    let started = Instant::now();
    let killed_at = Arc::new(Mutex::new(None::<Duration>));
    let (tokens, rotations) = std::thread::scope(|s| {
        let tokens = s.spawn(|| {
            (0..TOKENS)
                .map(|_| {
                    // Paced, so that the requests span the election.
                    std::thread::sleep(PACE / 10);
                    let at = started.elapsed();
                    (at, run(&["token", "team", "--no-cache"], None).code)
                })
                .collect::<Vec<_>>()
        });
        let mut rotations = Vec::new();
        let mut rotated_at = Vec::new();
        for (i, secret) in secrets.iter().enumerate().skip(1) {
            if i == 6 {
                cluster.kill_leader();
                *killed_at.lock().unwrap() = Some(started.elapsed());
            }
            std::thread::sleep(PACE);
            let r = run(&["rotate", "team", "--client-secret-stdin"], Some(secret));
            assert!(
                matches!(r.code, 0 | 3 | 5),
                "rotation {i} ended {}: {}",
                r.code,
                r.all()
            );
            if std::env::var_os("SHOW_ROTATIONS").is_some() {
                eprintln!(
                    "rotation {i} at {:.1} s: {} {}",
                    started.elapsed().as_secs_f64(),
                    r.code,
                    r.stderr.lines().next().unwrap_or("")
                );
            }
            rotations.push((secret.clone(), r.code));
            rotated_at.push(started.elapsed());
        }
        (tokens.join().unwrap(), (rotations, rotated_at))
    });
    let (rotations, rotated_at) = rotations;
    let killed = killed_at.lock().unwrap().unwrap();
    // The versions in Vault: the first secret, then exactly the rotations that completed.
    let via = cluster.leader().expect("a new leader");
    let (status, meta) = call(&via, &root, "GET", "secret/metadata/oauth-setup/team", None);
    assert_eq!(status, 200, "{meta}");
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    let current = meta["data"]["current_version"].as_u64().unwrap();
    // KV keeps the last 10 versions (max_versions 0): compare those.
    let oldest = meta["data"]["oldest_version"].as_u64().unwrap().max(1);
    let stored: Vec<String> = (oldest..=current)
        .map(|v| {
            let (_, body) = call(
                &via,
                &root,
                "GET",
                &format!("secret/data/oauth-setup/team?version={v}"),
                None,
            );
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            v["data"]["data"]["client_secret"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let completed: Vec<String> = std::iter::once(secrets[0].clone())
        .chain(
            rotations
                .iter()
                .filter(|(_, c)| *c == 0)
                .map(|(s, _)| s.clone()),
        )
        .collect();
    assert_eq!(
        current as usize,
        completed.len(),
        "one version per completed rotation, no more: {rotations:?}"
    );
    let kept = &completed[(oldest - 1) as usize..];
    assert_eq!(
        stored, kept,
        "every completed rotation is a version, and nothing else"
    );
    // Requests recover once a new leader is elected.
    let recovered = tokens
        .iter()
        .find(|(at, code)| *at > killed && *code == 0)
        .map(|(at, _)| *at - killed)
        .expect("token requests succeed again after the failover");
    let late_failures = tokens
        .iter()
        .filter(|(at, code)| *at > killed + recovered + Duration::from_secs(1) && *code != 0)
        .count();
    assert_eq!(
        late_failures, 0,
        "after the election every request succeeds"
    );
    let rotated_after = rotations.iter().rev().take(3).all(|(_, c)| *c == 0);
    assert!(
        rotated_after,
        "rotations work again after the election: {rotations:?}"
    );
    let failed_rotations = rotations.iter().filter(|(_, c)| *c != 0).count();
    let writes_back = rotations
        .iter()
        .zip(&rotated_at)
        .find(|((_, c), at)| **at > killed && *c == 0)
        .map(|(_, at)| *at - killed)
        .expect("rotations succeed again");
    eprintln!(
        "failover: leader killed at {:.1} s; token requests succeeded again {:.2} s later, rotations (writes) {:.2} s later; {} of {TOKENS} token requests and {failed_rotations} of {ROTATIONS} rotations failed meanwhile, none lost",
        killed.as_secs_f64(),
        recovered.as_secs_f64(),
        writes_back.as_secs_f64(),
        tokens.iter().filter(|(_, c)| *c != 0).count(),
    );
}

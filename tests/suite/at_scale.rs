//! A folder with hundreds of profiles: one profile (and, in the file store, one entry) is read
//! alone through the index beside its file, a file changed behind the index is read whole, a
//! garbled index is ignored, and recording a verification rewrites one profile's tables and
//! copies the rest. The speed itself is measured by bench/token-at-scale.sh, never here.

use std::fs;

use crate::support::cli::Env;
use crate::support::oauth::{OAuthConfig, TokenServer};

const COPIES: usize = 300;

/// `acme` set up and its token cached, then `COPIES` more profiles like it (each with its own
/// secret and cached token), made by copying its text, then a write by the program, which
/// writes both indexes.
fn many() -> (TokenServer, Env) {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    env.run(&["token", "acme"]).expect(0);
    let profiles = fs::read_to_string(env.profiles()).unwrap();
    let file: toml::Table = profiles.parse().unwrap();
    let secret_ref = file["profiles"]["acme"]["secret_ref"]
        .as_str()
        .unwrap()
        .to_string();
    let block = &profiles[profiles.find("[profiles.acme]").unwrap()..];
    let secrets_path = env.config().join("secrets.toml");
    let secrets = fs::read_to_string(&secrets_path).unwrap();
    let lines: Vec<&str> = secrets
        .lines()
        .filter(|l| l.contains(&secret_ref))
        .collect();
    let (mut more_profiles, mut more_secrets) = (profiles.clone(), secrets.clone());
    for i in 0..COPIES {
        let (name, r) = (format!("acme-{i:04}"), format!("{secret_ref}-{i:04}"));
        more_profiles.push('\n');
        more_profiles.push_str(
            &block
                .replace("profiles.acme", &format!("profiles.{name}"))
                .replace(&secret_ref, &r),
        );
        for l in &lines {
            more_secrets.push_str(&l.replacen(&secret_ref, &r, 1));
            more_secrets.push('\n');
        }
    }
    fs::write(env.profiles(), more_profiles).unwrap();
    fs::write(&secrets_path, more_secrets).unwrap();
    env.run(&["default", "acme"]).expect(0);
    // A token that must outlive the cached one: asked for, and cached, which rewrites secrets.toml.
    env.run(&["token", "acme", "--min-valid", "25h"]).expect(0);
    (server, env)
}

#[test]
fn one_profile_and_its_cached_token_are_read_alone() {
    let (server, env) = many();
    let posts = server.posts();
    let run = env.run(&["-v", "token", "acme-0150"]);
    run.expect(0);
    assert_eq!(run.stdout.trim(), "tok-ordinary-0123456789");
    assert!(
        run.stderr
            .contains("profile acme-0150: read alone through profiles.index"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("-0150.token-cache read alone through secrets.index"),
        "{}",
        run.stderr
    );
    assert_eq!(server.posts(), posts, "from the cache");
    // The default profile too, and a name that is not a profile still gets its words.
    let default = env.run(&["-v", "token"]);
    default.expect(0);
    assert!(
        default.stderr.contains("profile acme: read alone"),
        "{}",
        default.stderr
    );
    let unknown = env.run(&["token", "acme-9999"]);
    unknown.expect(2);
    assert!(unknown.stderr.contains("acme-9999"), "{}", unknown.stderr);
    // Every profile is listed with its cached token.
    let list: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json"]).stdout).unwrap();
    let profiles = list["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), COPIES + 1);
    assert!(
        profiles
            .iter()
            .all(|p| p["access_token_expires_at"].is_string()),
        "{list}"
    );
}

/// An edit that keeps the file's length and modification time is still seen: the change time
/// moved, so the index no longer describes the file.
#[test]
fn a_file_changed_behind_the_index_is_read_whole() {
    let (_server, env) = many();
    let path = env.profiles();
    let before = fs::metadata(&path).unwrap().modified().unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replacen("client_id = \"id\"", "client_id = \"ix\"", 1);
    assert_eq!(edited.len(), text.len());
    fs::write(&path, &edited).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(before)
        .unwrap();
    let run = env.run(&["-v", "token", "acme", "--no-cache"]);
    run.expect(4);
    assert!(
        !run.stderr.contains("read alone through profiles.index"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("client_id=ix"),
        "the edited client id was sent: {}",
        run.stderr
    );

    // A garbled index is ignored.
    fs::write(&path, &text).unwrap();
    fs::write(env.config().join("profiles.index"), "garbage\n").unwrap();
    fs::write(
        env.config().join("secrets.index"),
        "oauth-setup entry index 1\nidentity x\n",
    )
    .unwrap();
    env.run(&["token", "acme-0001"]).expect(0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&env.run(&["list", "--json"]).stdout).unwrap()["profiles"]
            .as_array()
            .unwrap()
            .len(),
        COPIES + 1
    );
}

/// Recording a verification writes the verified profile's tables anew and copies every other
/// byte of the file.
#[test]
fn verifying_one_profile_rewrites_only_its_tables() {
    let (_server, env) = many();
    let text = fs::read_to_string(env.profiles()).unwrap();
    // Timestamps are in whole seconds: the new one must differ from setup's.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = env.run(&["-v", "verify", "acme-0150", "--non-interactive"]);
    run.expect(0);
    assert!(
        run.stderr
            .contains("1 profile(s) written anew, the rest copied"),
        "{}",
        run.stderr
    );
    let after = fs::read_to_string(env.profiles()).unwrap();
    let section = |t: &str| {
        let start = t.find("[profiles.acme-0150]").unwrap();
        let end = t.find("[profiles.acme-0151]").unwrap();
        (
            t[..start].to_string(),
            t[start..end].to_string(),
            t[end..].to_string(),
        )
    };
    let (head, old, tail) = section(&text);
    let (head2, new, tail2) = section(&after);
    assert_eq!(
        (head, tail),
        (head2, tail2),
        "every other profile is copied byte for byte"
    );
    assert_ne!(old, new, "the verification is recorded");
    let file: toml::Table = after.parse().unwrap();
    let recorded = &file["profiles"]["acme-0150"]["last_verification"];
    assert_eq!(recorded["ok"].as_bool(), Some(true), "{recorded}");
    assert!(
        fs::read_to_string(env.config().join("profiles.toml.bak")).unwrap() == text,
        "the backup is the file before"
    );
}

/// `verify --all` checks many profiles at once, but never more than 32: the server counts the
/// token requests it is answering at the same moment.
#[test]
fn verify_all_has_bounded_concurrency() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (server, env) = many();
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (n, m, oauth) = (now.clone(), most.clone(), server.config.clone());
    let slow = crate::support::server::Server::start(move |req| {
        let here = n.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(here, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(40));
        let reply = oauth.handle(req);
        n.fetch_sub(1, Ordering::SeqCst);
        reply
    });
    let text = fs::read_to_string(env.profiles()).unwrap();
    fs::write(env.profiles(), text.replace(&server.url(""), &slow.url(""))).unwrap();
    let run = env.run(&["verify", "--all", "--json"]);
    run.expect(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["profiles"].as_array().unwrap().len(), COPIES + 1);
    let most = most.load(Ordering::SeqCst);
    assert!((8..=32).contains(&most), "{most} token requests at once");
}

/// `verify --all` writes each report as soon as it and those before it are done, in the order
/// of the names, and holds only a bounded window of finished reports: while one profile's
/// server keeps its answer, the reports before it are already out, those after it wait, and
/// no more than 128 checks past it have started.
#[test]
fn verify_all_streams_reports_in_order_within_a_window() {
    use std::io::Read;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    let (server, env) = many();
    let released = Arc::new(AtomicBool::new(false));
    let (r, oauth) = (released.clone(), server.config.clone());
    let held = crate::support::server::Server::start(move |req| {
        crate::support::server::hold_until_released(&r, Duration::from_secs(20));
        oauth.handle(req)
    });
    // acme-0150 (the 152nd name, after acme and acme-0000..0149) asks the holding server.
    let text = fs::read_to_string(env.profiles()).unwrap();
    let at = text.find("[profiles.acme-0150]").unwrap();
    let end = at
        + text[at + 1..]
            .find("\n[profiles.")
            .map_or(text.len() - at, |e| e + 1);
    let block = text[at..end].replace(&server.url(""), &held.url(""));
    fs::write(
        env.profiles(),
        format!("{}{block}{}", &text[..at], &text[end..]),
    )
    .unwrap();
    let before = server.posts();

    let mut child = env
        .std_cmd()
        .args(["verify", "--all", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    let (o, mut stdout) = (out.clone(), child.stdout.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            o.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let deadline = Instant::now() + Duration::from_secs(15);
    while !out.lock().unwrap().contains("\"name\": \"acme-0149\"") {
        assert!(Instant::now() < deadline, "no report before the held one");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    let so_far = out.lock().unwrap().clone();
    let started = server.posts() - before;
    released.store(true, Ordering::SeqCst);
    assert!(
        !so_far.contains("\"name\": \"acme-0150\"") && !so_far.contains("\"name\": \"acme-0151\""),
        "a report after the held one was written before it"
    );
    assert!(
        (170..=278).contains(&started),
        "{started} other checks ran while one was held (window: 128 past it)"
    );
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    let doc: serde_json::Value = serde_json::from_str(&out.lock().unwrap()).unwrap();
    let names: Vec<&str> = doc["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "in the order of the names");
    assert_eq!(names.len(), COPIES + 1);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["exit_code"], 0);
}

//! `exec` runs a command with the token in its environment: never in an argument list, the
//! command's exit code and signals passed through, nothing run without a token; and
//! `--keep-fresh` keeps a private token file fresh while the command runs, then removes it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use crate::support::cli::Env;
use crate::support::oauth::OAuthConfig;

const TOKEN: &str = "CANARY-EXEC-TOKEN-9d1f";

/// Tokens are numbered: setup's live test takes the first, so the first handed out is `-2`.
fn server(expires_in: u64) -> crate::support::oauth::TokenServer {
    let mut oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    oauth.token = TOKEN.into();
    oauth.expires_in = expires_in;
    oauth.numbered = Some(Arc::new(AtomicUsize::new(0)));
    oauth.start()
}

fn wait_for(path: &Path, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !path.exists() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every process's argument list, as /proc shows it to anyone on the machine.
fn all_command_lines() -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .filter_map(|e| {
            let bytes = std::fs::read(e.path().join("cmdline")).ok()?;
            Some((e.file_name().to_string_lossy().into_owned(), bytes))
        })
        .collect()
}

fn shell(script: &str) -> Vec<&str> {
    vec!["--", "sh", "-c", script]
}

#[test]
fn the_command_gets_the_token_in_its_environment_and_never_in_an_argument_list() {
    let server = server(3600);
    let env = Env::with_profile(&server);
    let dir = env.dir.path();
    let script = format!(
        "printf '%s %s' \"$BEARER_TOKEN\" \"$COUPA_ACCESS_TOKEN\" > {d}/seen; : > {d}/ready; \
         while [ ! -e {d}/go ]; do sleep 0.02; done; exit 42",
        d = dir.display()
    );
    let mut args = vec!["exec", "acme"];
    args.extend(shell(&script));
    let child = std::thread::scope(|s| {
        let run = s.spawn(|| env.run(&args));
        wait_for(&dir.join("ready"), "the command to start");
        for (pid, cmdline) in all_command_lines() {
            assert!(
                !crate::support::cli::contains(&cmdline, TOKEN),
                "process {pid} has the token in its arguments"
            );
        }
        std::fs::write(dir.join("go"), "").unwrap();
        run.join().unwrap()
    });
    child.expect(42);
    let seen = std::fs::read_to_string(dir.join("seen")).unwrap();
    assert_eq!(
        seen,
        format!("{TOKEN}-2 {TOKEN}-2"),
        "BEARER_TOKEN and the preset's variable"
    );
    assert!(!child.all().contains(TOKEN), "{}", child.all());

    // The cached token, without another request; --env names the variables instead.
    let posts = server.posts();
    let mut args = vec!["exec", "acme", "--env", "API_TOKEN"];
    let script = "printf '%s|%s' \"$API_TOKEN\" \"${BEARER_TOKEN-unset}\"";
    args.extend(shell(script));
    let out = env.run(&args);
    out.expect(0);
    assert_eq!(out.stdout, format!("{TOKEN}-2|unset"));
    assert_eq!(server.posts(), posts, "served from the cache");
}

#[test]
fn exit_codes_and_signals_are_the_commands_own() {
    let server = server(3600);
    let env = Env::with_profile(&server);
    use std::os::unix::process::ExitStatusExt;
    for (script, code) in [("exit 0", 0), ("exit 3", 3)] {
        for keep in [&[][..], &["--keep-fresh"]] {
            let mut args = vec!["exec", "acme"];
            args.extend(keep);
            args.extend(shell(script));
            env.run(&args).expect(code);
        }
    }
    for (script, signal) in [("kill -TERM $$", 15), ("kill -INT $$", 2)] {
        // Without --keep-fresh this process became the command, so the signal ended it; with
        // it, exec exits as a shell reports a command a signal ended.
        let status = env
            .std_cmd()
            .args(["exec", "acme"])
            .args(shell(script))
            .status()
            .unwrap();
        assert_eq!(status.signal(), Some(signal), "{script}");
        let mut args = vec!["exec", "acme", "--keep-fresh"];
        args.extend(shell(script));
        env.run(&args).expect(128 + signal);
    }
    env.run(&["exec", "acme", "--", "/nonexistent/program"])
        .expect(127);
    env.run(&["exec", "acme", "--", "/"]).expect(126);
}

#[test]
fn without_a_token_nothing_runs() {
    let server = server(3600);
    let env = Env::with_profile(&server);
    server.config.set_secrets(&["rotated-elsewhere"]);
    let marker = env.dir.path().join("ran");
    let script = format!(": > {}", marker.display());
    for keep in [false, true] {
        let mut args = vec!["exec", "acme"];
        if keep {
            args.push("--keep-fresh");
        }
        args.extend(shell(&script));
        let out = env.run(&args);
        out.expect(4);
        assert!(out.stderr.contains("error:"), "{}", out.stderr);
        assert!(!marker.exists(), "the command ran without a token");
    }
    env.run(&["exec", "nosuch", "--", "true"]).expect(2);
}

fn runtime_dir(env: &Env) -> PathBuf {
    let dir = env.dir.path().join("runtime");
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect()
}

/// A command that outlives three token lifetimes sees the file renewed, has no BEARER_TOKEN
/// (WLCG discovery would read a stale one first), and the file is gone when it ends.
#[test]
fn keep_fresh_renews_the_token_file_and_removes_it() {
    let server = server(2);
    let env = Env::with_profile(&server);
    let runtime = runtime_dir(&env);
    let seen = env.dir.path().join("seen");
    let script = format!(
        "echo \"${{BEARER_TOKEN-unset}} $BEARER_TOKEN_FILE\" > {s}; end=$(( $(date +%s) + 6 )); \
         while [ $(date +%s) -lt $end ]; do cat \"$BEARER_TOKEN_FILE\" >> {s}; sleep 0.2; done",
        s = seen.display()
    );
    let mut cmd = env.cmd();
    cmd.env("XDG_RUNTIME_DIR", &runtime)
        .env("BEARER_TOKEN", "stale");
    cmd.args(["exec", "acme", "--keep-fresh", "--", "sh", "-c", &script]);
    let out = crate::support::cli::Run::from_output(cmd.output().unwrap());
    out.expect(0);
    let text = std::fs::read_to_string(&seen).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let (bearer, path) = first.split_once(' ').unwrap();
    assert_eq!(bearer, "unset", "an inherited BEARER_TOKEN is unset");
    assert!(
        Path::new(path).starts_with(&runtime),
        "{path} is in XDG_RUNTIME_DIR"
    );
    let tokens: std::collections::BTreeSet<&str> = lines.collect();
    assert!(
        tokens.len() >= 3,
        "renewed at least twice in 6 s of 2 s tokens: {tokens:?}"
    );
    assert!(tokens.iter().all(|t| t.starts_with(TOKEN)), "{tokens:?}");
    assert!(
        entries(&runtime).is_empty(),
        "left behind: {:?}",
        entries(&runtime)
    );
    assert!(!out.all().contains(TOKEN), "{}", out.all());
}

/// SIGTERM to exec reaches the command; the file goes once the command has ended, and the
/// exit code is the command's.
#[test]
fn keep_fresh_passes_sigterm_on_and_still_removes_the_file() {
    let server = server(3600);
    let env = Env::with_profile(&server);
    let runtime = runtime_dir(&env);
    let dir = env.dir.path();
    let trap = format!(
        "cat \"$BEARER_TOKEN_FILE\" > {}/at-term; exit 9",
        dir.display()
    );
    let mut parent = spawn_until_term(&env, &runtime, &trap);
    assert_eq!(entries(&runtime).len(), 1, "the token file's folder");
    kill(parent.id(), "TERM");
    let status = parent.wait().unwrap();
    assert_eq!(status.code(), Some(9), "the command's own exit code");
    assert_eq!(
        std::fs::read_to_string(dir.join("at-term")).unwrap().trim(),
        format!("{TOKEN}-2"),
        "the file was there while the command ran"
    );
    assert!(
        entries(&runtime).is_empty(),
        "left behind: {:?}",
        entries(&runtime)
    );
}

/// `exec acme --keep-fresh` of a command that runs until SIGTERM, which runs `on_term`; once
/// the command has started.
fn spawn_until_term(env: &Env, runtime: &Path, on_term: &str) -> std::process::Child {
    let dir = env.dir.path();
    let script = format!(
        "trap '{on_term}' TERM; : > {d}/ready; while :; do sleep 0.05; done",
        d = dir.display()
    );
    let mut cmd = env.std_cmd();
    cmd.env("XDG_RUNTIME_DIR", runtime);
    cmd.args(["exec", "acme", "--keep-fresh", "--", "sh", "-c", &script]);
    let parent = cmd.spawn().unwrap();
    wait_for(&dir.join("ready"), "the command to start");
    parent
}

/// kill(1), so the test needs no unsafe code.
fn kill(pid: u32, signal: &str) {
    let ok = std::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// While a renewal waits on a server that holds its answer, SIGTERM still reaches the command
/// at once, and the file goes as soon as the command ends (not when the server answers).
#[test]
fn keep_fresh_sees_signals_and_the_end_during_a_slow_renewal() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let server = server(3);
    let env = Env::with_profile(&server);
    let (posts, released) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let (p, r, oauth) = (posts.clone(), released.clone(), server.config.clone());
    // The first token comes at once; every renewal is held for up to 25 s.
    let holding = crate::support::server::Server::start(move |req| {
        if p.fetch_add(1, Ordering::SeqCst) >= 1 {
            crate::support::server::hold_until_released(&r, Duration::from_secs(25));
        }
        oauth.handle(req)
    });
    let text = std::fs::read_to_string(env.profiles()).unwrap();
    std::fs::write(
        env.profiles(),
        text.replace(&server.url(""), &holding.url("")),
    )
    .unwrap();
    let runtime = runtime_dir(&env);
    let mut parent = spawn_until_term(&env, &runtime, "exit 9");
    let deadline = Instant::now() + Duration::from_secs(15);
    while posts.load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "no renewal was asked for");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let sent = Instant::now();
    kill(parent.id(), "TERM");
    let status = parent.wait().unwrap();
    let took = sent.elapsed();
    released.store(true, Ordering::SeqCst);
    assert_eq!(status.code(), Some(9), "the command's own exit code");
    assert!(
        took < Duration::from_secs(5),
        "ended {took:?} after SIGTERM"
    );
    assert!(
        entries(&runtime).is_empty(),
        "left behind: {:?}",
        entries(&runtime)
    );
}

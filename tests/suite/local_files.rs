//! The config folder as other programs leave it: a full disk, symlinked files, entries a killed
//! process left without a profile. Each case checks the exit code, the advice, and that nothing
//! already saved was lost.

use std::path::{Path, PathBuf};

use crate::support::cli::{Env, Run, all_files, write_profile};
use crate::support::oauth::OAuthConfig;

const SECRET: &str = "old-secret-canary-5f1e";

/// The config folder on a 1 MiB tmpfs filled to the last page, unmounted when dropped. Where the
/// machine refuses the mount (not root, no CAP_SYS_ADMIN), the same ENOSPC is injected at the
/// write instead (the `fault-injection` build), so the case runs everywhere.
struct FullDisk {
    mounted: Option<PathBuf>,
}

impl FullDisk {
    fn fill(config: &Path) -> Self {
        std::fs::create_dir_all(config).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs"])
            .arg(config)
            .status()
            .is_ok_and(|s| s.success())
            .then(|| config.to_path_buf());
        eprintln!(
            "full disk: {}",
            if mounted.is_some() {
                "tmpfs"
            } else {
                "injected"
            }
        );
        Self { mounted }
    }

    /// Take the last free page, after the profile is written.
    fn take_the_rest(&self) {
        let Some(root) = &self.mounted else { return };
        use std::io::Write;
        let mut f = std::fs::File::create(root.join("filler")).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        // A last partial page.
        while f.write_all(&[0]).is_ok() {}
    }

    fn free(&self) {
        if let Some(root) = &self.mounted {
            std::fs::remove_file(root.join("filler")).unwrap();
        }
    }

    /// The variable that injects the fault when there is no tmpfs.
    fn inject(&self, cmd: &mut assert_cmd::Command, file: &str) {
        if self.mounted.is_none() {
            cmd.env("OAUTH_SETUP_DISK_FULL_AT", format!("{file}:temp-written"));
        }
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        if let Some(root) = &self.mounted {
            let _ = std::process::Command::new("umount").arg(root).status();
        }
    }
}

fn saved(env: &Env) -> Vec<(PathBuf, Vec<u8>)> {
    all_files(&env.config())
        .into_iter()
        .filter(|(p, _)| {
            !p.ends_with("filler")
                && !p.ends_with(".lock")
                && !p.components().any(|c| c.as_os_str() == "locks")
        })
        .collect()
}

#[test]
fn a_full_disk_is_named_with_exit_3_and_loses_nothing() {
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let disk = FullDisk::fill(&env.config());
    write_profile(&env, "p", &server.url("/oauth2/token"), SECRET);
    disk.take_the_rest();
    let before = saved(&env);
    // rotate writes secrets.toml; delete writes its journal and profiles.toml first.
    for (args, file) in [
        (
            &["rotate", "p", "--client-secret-stdin"][..],
            "secrets.toml",
        ),
        (&["delete", "p", "--yes"], "journal.toml"),
    ] {
        let mut cmd = env.cmd();
        disk.inject(&mut cmd, file);
        let run = Run::from_output(cmd.args(args).write_stdin(SECRET).output().unwrap());
        run.expect(3);
        assert!(
            run.stderr
                .contains(&format!("{file}: the disk is full, so nothing was changed")),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("free space on the disk")
                && run.stderr.contains("do not delete secrets.toml"),
            "{}",
            run.stderr
        );
        assert_eq!(saved(&env), before, "{args:?} changed a file");
    }
    disk.free();
    env.run_stdin(&["rotate", "p", "--client-secret-stdin"], SECRET)
        .expect(0);
    env.run(&["token", "p"]).expect(0);
}

#[test]
fn a_symlinked_profiles_file_stays_a_symlink_and_a_symlinked_secrets_file_is_refused() {
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    write_profile(&env, "p", &server.url("/oauth2/token"), SECRET);
    // The user keeps profiles.toml in a dotfiles folder.
    let dotfiles = env.dir.path().join("dotfiles");
    std::fs::create_dir(&dotfiles).unwrap();
    let real = dotfiles.join("profiles.toml");
    std::fs::rename(env.profiles(), &real).unwrap();
    std::os::unix::fs::symlink(&real, env.profiles()).unwrap();
    env.run(&["verify", "p"]).expect(0);
    let is_link = |p: &Path| {
        std::fs::symlink_metadata(p)
            .unwrap()
            .file_type()
            .is_symlink()
    };
    assert!(is_link(&env.profiles()), "verify replaced the symlink");
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("last_verification"),
        "the file it points to was written"
    );
    // secrets.toml through a symlink could be another user's file: refused, left as it is.
    let secrets = env.config().join("secrets.toml");
    let elsewhere = dotfiles.join("secrets.toml");
    std::fs::rename(&secrets, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &secrets).unwrap();
    let before = std::fs::read(&elsewhere).unwrap();
    let run = env.run_stdin(&["rotate", "p", "--client-secret-stdin"], SECRET);
    run.expect(3);
    assert!(
        run.stderr.contains("not a regular file") && run.stderr.contains("keep it"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("remove"), "{}", run.stderr);
    assert!(is_link(&secrets));
    assert_eq!(std::fs::read(&elsewhere).unwrap(), before);
}

/// The keys of the secrets file (names only).
#[cfg(feature = "fault-injection")]
fn file_entries(env: &Env) -> Vec<String> {
    let text = std::fs::read_to_string(env.config().join("secrets.toml")).unwrap_or_default();
    let table: toml::Table = text.parse().unwrap();
    table.keys().cloned().collect()
}

#[cfg(feature = "fault-injection")]
fn killed_at(env: &Env, point: &str, args: &[&str], stdin: &str) {
    let run = Run::from_output(
        env.cmd()
            .env("OAUTH_SETUP_CRASH_AT", point)
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap(),
    );
    assert!(
        run.code == -1 || run.code == 137,
        "not killed: {}",
        run.all()
    );
}

/// A folder with profile `a` in the file store (and its cached token), then a `setup` of `b`
/// killed at `point`. The server is returned to keep it running.
#[cfg(feature = "fault-injection")]
fn a_then_b_killed_at(point: &str) -> (crate::support::oauth::TokenServer, Env) {
    let server = OAuthConfig::new("id", SECRET, &["core.common.read"]).start();
    let env = Env::new();
    env.setup("a", &server.url(""), "id", SECRET, "core.common.read", &[])
        .expect(0);
    env.run(&["token", "a"]).expect(0);
    let args = crate::support::cli::setup_args("b", &server.url(""), "id", "core.common.read");
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.extend(crate::support::cli::FILE_STORE);
    killed_at(&env, point, &args, SECRET);
    (server, env)
}

#[cfg(feature = "fault-injection")]
#[test]
fn entries_a_kill_left_without_a_profile_go_at_the_next_write_or_with_doctor() {
    // A setup killed after storing its secret, before writing its profile.
    let (server, env) = a_then_b_killed_at("create:secret-stored");
    assert_eq!(
        file_entries(&env).len(),
        3,
        "a's secret and cache, b's secret"
    );
    // The next write removes b's.
    env.setup("c", &server.url(""), "id", SECRET, "core.common.read", &[])
        .expect(0);
    let shown = |p: &str| crate::keyring::secret_ref(&env, p);
    let mut want = vec![
        shown("a"),
        format!("{}.token-cache", shown("a")),
        shown("c"),
    ];
    want.sort();
    assert_eq!(file_entries(&env), want);
    // A delete killed between the profile and its secret; doctor lists, then removes.
    env.run(&["token", "c"]).expect(0);
    let c = shown("c");
    killed_at(
        &env,
        "delete:profile-removed",
        &["delete", "c", "--yes"],
        "",
    );
    let dry = env.run(&["doctor", "--dry-run"]);
    dry.expect(0);
    assert!(
        dry.stdout.contains(&format!(
            "would remove client secret {c} from the secrets file"
        )) && dry.stdout.contains("would remove cached access token"),
        "{}",
        dry.stdout
    );
    assert_eq!(file_entries(&env).len(), 4, "the dry run removed nothing");
    let run = env.run(&["doctor"]);
    run.expect(0);
    assert!(
        run.stdout.contains(&format!("removed client secret {c}")),
        "{}",
        run.stdout
    );
    assert!(!run.all().contains(SECRET));
    assert_eq!(file_entries(&env).len(), 2, "only a's are left");
    assert!(
        env.run(&["doctor"])
            .stdout
            .contains("no store entry without a profile")
    );
    // An entry written by hand, no profile: the file store is this folder's alone.
    let secrets = env.config().join("secrets.toml");
    let mut text = std::fs::read_to_string(&secrets).unwrap();
    text.push_str("\"stray-000000000000\" = \"x\"\n");
    std::fs::write(&secrets, text).unwrap();
    env.run(&["doctor"]).expect(0);
    assert_eq!(file_entries(&env).len(), 2);
    env.run(&["token", "a"]).expect(0);
}

#[cfg(feature = "fault-injection")]
#[test]
fn keyring_orphans_go_but_another_folders_entries_stay() {
    if !crate::keyring::keyring_session() {
        return;
    }
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    let server = oauth.start();
    // Another config folder's profile in the same keyring.
    let other = Env::new();
    crate::keyring::keyring_setup(&other, &server.url(""))
        .write_stdin(SECRET)
        .assert()
        .success();
    let theirs = crate::keyring::secret_ref(&other, "acme");
    let env = Env::new();
    let mut cmd = crate::keyring::keyring_setup(&env, &server.url(""));
    let run = Run::from_output(
        cmd.env("OAUTH_SETUP_CRASH_AT", "create:secret-stored")
            .write_stdin(SECRET)
            .output()
            .unwrap(),
    );
    assert!(run.code == -1 || run.code == 137, "{}", run.all());
    let journal = std::fs::read_to_string(env.config().join("journal.toml")).unwrap();
    let ours = journal
        .lines()
        .find_map(|l| l.strip_prefix("ref = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    assert!(crate::keyring::lookup(&ours).is_some(), "the kill left it");
    // Until profiles.toml exists, nothing says what is used: doctor refuses.
    let refused = env.run(&["doctor"]);
    refused.expect(2);
    assert!(crate::keyring::lookup(&ours).is_some());
    let args = crate::support::cli::setup_args("second", &server.url(""), "id", "core.common.read");
    env.run_stdin(&args.iter().map(String::as_str).collect::<Vec<_>>(), SECRET)
        .expect(0);
    let run = env.run(&["doctor"]);
    run.expect(0);
    assert!(
        run.stdout
            .contains(&format!("removed client secret {ours} from the OS keyring")),
        "{}",
        run.stdout
    );
    assert!(crate::keyring::lookup(&ours).is_none());
    assert!(
        crate::keyring::lookup(&theirs).is_some(),
        "another folder's entry was touched"
    );
    assert!(!env.config().join("journal.toml").exists());
    env.run(&["delete", "second", "--yes"]).expect(0);
    other.run(&["token", "acme"]).expect(0);
    other.run(&["delete", "acme", "--yes"]).expect(0);
}

#[cfg(feature = "fault-injection")]
#[test]
fn a_sweep_never_takes_the_secret_of_a_profile_still_on_disk() {
    // b is written, but the kill comes before its journal note is struck.
    let (_server, env) = a_then_b_killed_at("profiles.toml:renamed");
    assert!(env.read_profiles().contains("[profiles.b]"));
    // A delete of b whose write of profiles.toml then fails: b is still on disk, so is its
    // secret.
    let run = Run::from_output(
        env.cmd()
            .env("OAUTH_SETUP_DISK_FULL_AT", "profiles.toml:temp-written")
            .args(["delete", "b", "--yes"])
            .output()
            .unwrap(),
    );
    run.expect(3);
    env.run(&["token", "b", "--no-cache"]).expect(0);
    env.run(&["token", "a", "--no-cache"]).expect(0);
    // Without profiles.toml every entry would look unused: doctor refuses and removes nothing.
    let entries = file_entries(&env);
    let moved = env.dir.path().join("profiles.toml.away");
    std::fs::rename(env.profiles(), &moved).unwrap();
    let run = env.run(&["doctor"]);
    run.expect(2);
    assert!(run.stderr.contains("nothing was removed"), "{}", run.stderr);
    assert_eq!(file_entries(&env), entries);
    // Also with no journal left: the secrets file alone is not swept without profiles.toml.
    let _ = std::fs::remove_file(env.config().join("journal.toml"));
    env.run(&["doctor"]).expect(2);
    assert_eq!(file_entries(&env), entries);
    std::fs::rename(&moved, env.profiles()).unwrap();
    env.run(&["doctor"]).expect(0);
    assert_eq!(file_entries(&env), entries, "every entry belongs to a or b");
}

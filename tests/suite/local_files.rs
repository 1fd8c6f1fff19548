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
    // rotate writes secrets.toml; delete writes profiles.toml first.
    for (args, file) in [
        (
            &["rotate", "p", "--client-secret-stdin"][..],
            "secrets.toml",
        ),
        (&["delete", "p", "--yes"], "profiles.toml"),
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

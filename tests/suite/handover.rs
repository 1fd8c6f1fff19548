//! `token`'s hand-over forms, read by the programs they are for: real shells `eval` the env
//! lines, a real kubectl uses the ExecCredential against a loopback TLS server, `--write-file`
//! writes a private file atomically, and `--check` answers from the cache alone.

use std::path::Path;

use serde_json::json;

use crate::support::cli::Env;
use crate::support::oauth::OAuthConfig;
use crate::support::oidc::Oidc;
use crate::support::server::{Reply, Server};

/// Everything a token may hold (visible ASCII and space) that a shell would otherwise read.
const NASTY: &str = r#"tok 'q' "d" $(x) `y` \z ;&|<>*?~#!%"#;

fn nasty_env() -> (crate::support::oauth::TokenServer, Env) {
    let mut oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    oauth.token = NASTY.into();
    let server = oauth.start();
    let env = Env::with_profile(&server);
    (server, env)
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oauth-setup")
}

/// What a shell sets from the env form, read back from inside that shell.
fn through_shell(env: &Env, shell: &[&str], script: &str) -> String {
    let out = std::process::Command::new(shell[0])
        .args(&shell[1..])
        .arg(script)
        .env("OAUTH_SETUP_CONFIG_DIR", env.config())
        .env("NO_PROXY", "127.0.0.1")
        .env("BIN", bin())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{shell:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn have(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn shells_read_back_exactly_the_token() {
    let (_server, env) = nasty_env();
    let sh = r#"eval "$("$BIN" token acme --format env)"; printf '%s|%s' "$BEARER_TOKEN" "$COUPA_ACCESS_TOKEN""#;
    for shell in ["sh", "bash", "dash"].into_iter().filter(|s| have(s)) {
        assert_eq!(
            through_shell(&env, &[shell, "-c"], sh),
            format!("{NASTY}|{NASTY}"),
            "{shell}"
        );
    }
    // fish and PowerShell, where the machine has them (Debian's fish and powershell packages).
    if have("fish") {
        let fish = r#""$BIN" token acme --format fish | source; printf '%s' "$BEARER_TOKEN""#;
        assert_eq!(through_shell(&env, &["fish", "-c"], fish), NASTY);
    }
    if have("pwsh") {
        let ps = r#"& $Env:BIN token acme --format powershell | Out-String | Invoke-Expression; [Console]::Write($Env:BEARER_TOKEN)"#;
        assert_eq!(
            through_shell(&env, &["pwsh", "-NoProfile", "-Command"], ps),
            NASTY
        );
    }
    let custom = env.run(&[
        "token", "acme", "--format", "env", "--env", "A", "--env", "B_2",
    ]);
    custom.expect(0);
    assert_eq!(custom.stdout.lines().count(), 2);
    assert!(
        custom.stdout.starts_with("export A='tok "),
        "{}",
        custom.stdout
    );
    let bad = env.run(&["token", "acme", "--format", "env", "--env", "X;rm"]);
    bad.expect(2);
    assert!(
        bad.stderr.contains("--env X;rm: not a variable name"),
        "{}",
        bad.stderr
    );
}

#[test]
fn write_file_is_private_atomic_and_never_follows_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let (_server, env) = nasty_env();
    let dir = env.dir.path();
    let path = dir.join("token.txt");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = env.run(&["token", "acme", "--write-file", path.to_str().unwrap()]);
    run.expect(0);
    assert_eq!(run.stdout, "", "nothing on stdout");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{NASTY}\n")
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A link at the path is replaced by the file, and what it pointed to is untouched.
    let victim = dir.join("victim");
    std::fs::write(&victim, "keep").unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let json = env.run(&[
        "token",
        "acme",
        "--format",
        "json",
        "--write-file",
        link.to_str().unwrap(),
    ]);
    json.expect(0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&link).unwrap()).unwrap();
    assert_eq!(doc["access_token"], NASTY);
    assert!(
        !std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let nowhere = env.run(&["token", "acme", "--write-file", "/nonexistent/dir/t"]);
    nowhere.expect(2);
    assert!(
        nowhere.stderr.contains("--write-file /nonexistent/dir/t"),
        "{}",
        nowhere.stderr
    );
}

#[test]
fn check_answers_from_the_cache_alone() {
    let mut oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    oauth.expires_in = 600;
    let server = oauth.start();
    let env = Env::with_profile(&server);
    let posts = server.posts();
    let none = env.run(&["token", "acme", "--check"]);
    none.expect(6);
    assert!(none.stderr.contains("no cached token"), "{}", none.stderr);
    assert_eq!(server.posts(), posts, "--check asks nothing");
    env.run(&["token", "acme"]).expect(0);
    let posts = server.posts();
    env.run(&["token", "acme", "--check"]).expect(0);
    env.run(&["token", "--check", "--min-valid", "5m"])
        .expect(0);
    env.run(&["token", "acme", "--check", "--min-valid", "11m"])
        .expect(6);
    assert_eq!(server.posts(), posts, "--check asks nothing");
    assert_eq!(
        env.run(&["token", "acme", "--check"]).stdout,
        "",
        "no token on stdout"
    );
    env.run(&["token", "nosuch", "--check"]).expect(2);
}

/// kubectl runs `token --format exec-credential` for the kubeconfig user and sends the token
/// (it sends none over plain http, so the API server here speaks TLS). The token comes from
/// oidc-provider.
#[test]
fn a_real_kubectl_uses_the_exec_credential() {
    let kubectl = if have("kubectl") {
        "kubectl"
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl is missing on the CI machine"
        );
        eprintln!("note: kubectl is not installed; this test needs it");
        return;
    };
    let oidc = Oidc::start(&json!({"clients": [{
        "client_id": "kube-cc", "client_secret": "kube-secret-0123", "redirect_uris": [],
        "response_types": [], "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_post", "scope": "api.read",
    }]}));
    let env = Env::new();
    env.setup_generic(
        "kube",
        &format!("{}/token", oidc.issuer),
        "kube-cc",
        "api.read",
        "kube-secret-0123",
    );
    let ca = crate::support::tls::make(&["localhost"]);
    let api = Server::start_tls(ca.server_config.clone(), |req| {
        if req
            .header("authorization")
            .is_some_and(|h| h.starts_with("Bearer "))
        {
            Reply::json(
                200,
                &json!({"kind": "Status", "status": "Success", "path": req.path}),
            )
        } else {
            Reply::json(
                401,
                &json!({"kind": "Status", "status": "Failure", "code": 401}),
            )
        }
    });
    let dir = env.dir.path();
    std::fs::write(dir.join("ca.pem"), &ca.ca_pem).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        kubeconfig_text(&api.url(""), &dir.join("ca.pem"), &env.config()),
    )
    .unwrap();
    let out = std::process::Command::new(kubectl)
        .args([
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "get",
            "--raw",
            "/apis/example/v1/things",
        ])
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kubectl failed: {stderr}");
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["status"], "Success");
    let token = env.run(&["token", "kube"]);
    token.expect(0);
    let sent: Vec<String> = api
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(
        sent.contains(&format!("Bearer {}", token.stdout.trim())),
        "kubectl sent {sent:?}"
    );
    assert!(!stderr.contains(token.stdout.trim()), "{stderr}");
}

fn kubeconfig_text(server: &str, ca: &Path, config: &Path) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: {server}
    certificate-authority: {ca}
users:
- name: acme
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: {bin}
      args: [token, kube, --format, exec-credential]
      env:
      - name: OAUTH_SETUP_CONFIG_DIR
        value: {config}
      interactiveMode: Never
contexts:
- name: test
  context: {{cluster: test, user: acme}}
current-context: test
",
        server = server.trim_end_matches('/'),
        ca = ca.display(),
        bin = bin(),
        config = config.display(),
    )
}

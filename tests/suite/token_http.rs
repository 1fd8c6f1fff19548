//! The token test against a real HTTP(S) server: every answer a server can give, and what the
//! user is told about it.

use std::time::Duration;

use serde_json::json;

use crate::support::cli::{Env, FILE_STORE, setup_args};
use crate::support::oauth::OAuthConfig;
use crate::support::server::{Reply, Server, closed_port};
use crate::support::tls;

const ID: &str = "client-1";
const SECRET: &str = "s3cret-value";

fn setup(env: &Env, instance: &str, extra: &[&str]) -> crate::support::cli::Run {
    env.setup("acme", instance, ID, SECRET, "core.common.read", extra)
}

fn fixed(reply: fn() -> Reply) -> Server {
    Server::start(move |_| reply())
}

#[test]
fn success_saves_and_sends_the_documented_request() {
    let oauth = OAuthConfig::new(ID, SECRET, &["core.common.read", "core.invoice.read"]);
    let server = oauth.start();
    let env = Env::new();
    let run = env.setup(
        "acme",
        &server.url(""),
        ID,
        SECRET,
        "core.common.read core.invoice.read",
        &[],
    );
    run.expect(0);
    assert!(
        run.stdout.contains("the token request succeeded"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("granted scopes: core.common.read core.invoice.read"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("valid for 23 h 59 min"),
        "{}",
        run.stdout
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/oauth2/token")
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(r.header("user-agent").unwrap().starts_with("oauth-setup/"));
    assert_eq!(
        r.form_value("grant_type").as_deref(),
        Some("client_credentials")
    );
    assert_eq!(
        r.form_value("scope").as_deref(),
        Some("core.common.read core.invoice.read")
    );
    assert_eq!(r.form_value("client_secret").as_deref(), Some(SECRET));
    let profiles = env.read_profiles();
    assert!(
        profiles.contains("[profiles.acme]") && profiles.contains("client_secret_post"),
        "{profiles}"
    );
}

#[test]
fn each_oauth_error_is_explained_with_exit_4() {
    let cases: [(&str, &str); 5] = [
        (
            "unauthorized_client",
            "set its grant type to Client credentials",
        ),
        (
            "unsupported_grant_type",
            "does not offer the client-credentials grant",
        ),
        ("invalid_request", "could not read the request"),
        ("invalid_grant", "grant was refused"),
        ("server_error", "check the client's settings"),
    ];
    for (code, fix) in cases {
        let server = Server::start(move |_| {
            Reply::json(
                400,
                &json!({"error": code, "error_description": "from the server"}),
            )
        });
        let env = Env::new();
        let run = setup(&env, &server.url(""), &[]);
        run.expect(4);
        assert!(
            run.stderr.contains(&format!(
                "refused the request: {code} (from the server) [HTTP 400]"
            )),
            "{code}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(fix), "{code}: {}", run.stderr);
        assert!(run.stderr.contains("nothing was saved"));
        assert!(
            !env.profiles().exists(),
            "{code}: a failed test must save nothing"
        );
    }
}

#[test]
fn invalid_client_tries_the_other_method_once_then_names_the_clients_page() {
    let oauth = OAuthConfig::new(ID, "the-real-secret", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let run = setup(&env, &server.url(""), &[]);
    run.expect(4);
    assert!(run.stderr.contains("invalid_client"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("both client_secret_post and client_secret_basic were tried")
    );
    assert!(run.stderr.contains("/oauth2/clients"), "{}", run.stderr);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].form_value("client_secret").is_some() && reqs[0].basic().is_none());
    assert_eq!(reqs[1].basic(), Some((ID.to_string(), SECRET.to_string())));
}

#[test]
fn basic_only_server_is_found_and_kept_in_the_profile() {
    let mut oauth = OAuthConfig::new(ID, "s:e%c r+t", &["core.common.read"]);
    oauth.accept_post = false;
    let server = oauth.start();
    let env = Env::new();
    let run = env.setup(
        "acme",
        &server.url(""),
        ID,
        "s:e%c r+t",
        "core.common.read",
        &[],
    );
    run.expect(0);
    assert!(
        run.stdout
            .contains("the server accepted client_secret_basic (not client_secret_post)"),
        "{}",
        run.stdout
    );
    assert!(
        env.read_profiles()
            .contains("client_auth = \"client_secret_basic\"")
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn unauthorized_without_a_body() {
    let server = fixed(|| Reply::empty(401));
    let env = Env::new();
    let run = setup(&env, &server.url(""), &[]);
    run.expect(4);
    assert!(
        run.stderr
            .contains("refused the client credentials (HTTP 401, no OAuth error body)"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_scopes_are_found_one_by_one() {
    let oauth = OAuthConfig::new(ID, SECRET, &["core.common.read", "core.user.read"]);
    let server = oauth.start();
    let env = Env::new();
    let run = env.setup(
        "acme",
        &server.url(""),
        ID,
        SECRET,
        "core.common.read core.invoice.read core.user.read core.budget.read",
        &[],
    );
    run.expect(4);
    assert!(run.stderr.contains("invalid_scope"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the client lacks: core.invoice.read core.budget.read"),
        "{}",
        run.stderr
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 5, "one full request, then one per scope");
    let singles: Vec<_> = reqs[1..]
        .iter()
        .map(|r| r.form_value("scope").unwrap())
        .collect();
    assert_eq!(
        singles,
        [
            "core.common.read",
            "core.invoice.read",
            "core.user.read",
            "core.budget.read"
        ]
    );
}

#[test]
fn answers_that_are_not_oauth_exit_5() {
    type Case = (fn() -> Reply, &'static str);
    let cases: [Case; 4] = [
        (
            || {
                Reply::text(
                    200,
                    "text/html",
                    "<!DOCTYPE html><html><form>Sign in</form></html>",
                )
            },
            "answered with a web page (HTTP 200)",
        ),
        (
            || Reply::text(404, "text/html", "<html>Not Found</html>"),
            "does not exist on this server (HTTP 404)",
        ),
        (
            || Reply::text(500, "text/plain", "boom"),
            "the server failed (HTTP 500)",
        ),
        (|| Reply::empty(200), "HTTP 200 with an empty body"),
    ];
    for (reply, want) in cases {
        let server = fixed(reply);
        let env = Env::new();
        let run = setup(&env, &server.url(""), &[]);
        run.expect(5);
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
    }
}

#[test]
fn a_slow_server_times_out() {
    let server =
        Server::start(|_| Reply::Delay(Duration::from_secs(10), Box::new(Reply::empty(200))));
    let env = Env::new();
    let run = setup(&env, &server.url(""), &["--timeout", "1"]);
    run.expect(5);
    assert!(
        run.stderr.contains("did not answer within 1 s"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--timeout"));
}

#[test]
fn redirects_are_reported_not_followed() {
    let elsewhere =
        Server::start(|_| Reply::json(200, &json!({"access_token": "x", "token_type": "bearer"})));
    let target = elsewhere.url("/oauth2/token");
    let server = Server::start(move |_| Reply::redirect(307, &target));
    let env = Env::new();
    let run = setup(&env, &server.url(""), &[]);
    run.expect(5);
    assert!(
        run.stderr.contains(&format!(
            "answered 307, a redirect to {}",
            elsewhere.url("/oauth2/token")
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("the secret went nowhere else"));
    assert!(
        elsewhere.requests().is_empty(),
        "the second server must receive nothing"
    );
}

#[test]
fn oversized_body_is_cut_at_1_mib() {
    let server =
        Server::start(|_| Reply::text(200, "application/json", vec![b' '; 5 * 1024 * 1024]));
    let env = Env::new();
    let run = setup(&env, &server.url(""), &[]);
    run.expect(5);
    assert!(run.stderr.contains("larger than 1 MiB"), "{}", run.stderr);
}

#[test]
fn refused_connection() {
    let env = Env::new();
    let run = setup(&env, &format!("http://127.0.0.1:{}", closed_port()), &[]);
    run.expect(5);
    assert!(
        run.stderr.contains("refused the connection"),
        "{}",
        run.stderr
    );
}

#[test]
fn tls_untrusted_then_trusted_with_ca_file() {
    let ca = tls::make(&["localhost"]);
    let oauth = OAuthConfig::new(ID, SECRET, &["core.common.read"]);
    let server = oauth.start_tls(ca.server_config.clone());
    let env = Env::new();
    let run = setup(&env, &server.url(""), &["-v"]);
    run.expect(5);
    assert!(
        run.stderr
            .contains("issued by an authority this machine does not trust"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--ca-file"), "{}", run.stderr);
    assert!(
        server.requests().is_empty(),
        "no request may be sent over an untrusted connection"
    );

    let ca_path = env.dir.path().join("ca.pem");
    std::fs::write(&ca_path, &ca.ca_pem).unwrap();
    let run = setup(
        &env,
        &server.url(""),
        &["--ca-file", ca_path.to_str().unwrap()],
    );
    run.expect(0);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn tls_trusted_by_the_platform_store() {
    // The platform store is read only when a certificate is checked (src/protocol/token/trust.rs); this
    // shows it is still read then: SSL_CERT_FILE names the platform's bundle on Linux.
    let ca = tls::make(&["localhost"]);
    let oauth = OAuthConfig::new(ID, SECRET, &["core.common.read"]);
    let server = oauth.start_tls(ca.server_config.clone());
    let env = Env::new();
    let bundle = env.dir.path().join("platform-bundle.pem");
    std::fs::write(&bundle, &ca.ca_pem).unwrap();
    let mut args = crate::support::cli::setup_args("acme", &server.url(""), ID, "core.common.read");
    args.extend(crate::support::cli::FILE_STORE.map(String::from));
    let run = crate::support::cli::Run::from_output(
        env.cmd()
            .args(&args)
            .env("SSL_CERT_FILE", &bundle)
            .write_stdin(SECRET)
            .output()
            .unwrap(),
    );
    run.expect(0);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn tls_name_mismatch() {
    let ca = tls::make(&["other.example"]);
    let server = Server::start_tls(ca.server_config.clone(), |_| Reply::empty(200));
    let env = Env::new();
    let ca_path = env.dir.path().join("ca.pem");
    std::fs::write(&ca_path, &ca.ca_pem).unwrap();
    let run = setup(
        &env,
        &server.url(""),
        &["--ca-file", ca_path.to_str().unwrap()],
    );
    run.expect(5);
    assert!(
        run.stderr
            .contains("certificate is for a different host name"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_ca_file_is_a_usage_error() {
    let env = Env::new();
    let pem = env.dir.path().join("not.pem");
    std::fs::write(&pem, "hello").unwrap();
    let run = setup(
        &env,
        "http://127.0.0.1:9",
        &["--ca-file", pem.to_str().unwrap()],
    );
    run.expect(2);
    assert!(run.stderr.contains("--ca-file"), "{}", run.stderr);
}

#[test]
fn a_connection_closed_without_an_answer() {
    let server = Server::start(|_| Reply::Close);
    let env = Env::new();
    let run = setup(&env, &server.url(""), &[]);
    run.expect(5);
    assert!(
        run.stderr.contains("the connection failed"),
        "{}",
        run.stderr
    );
}

#[test]
fn servicenow_preset_and_its_401_body() {
    // ServiceNow answers a refused client with 401 {"error":"server_error","error_description":"access_denied"}.
    let server = Server::start(|r| {
        assert_eq!(r.path, "/oauth_token.do");
        Reply::json(
            401,
            &json!({"error": "server_error", "error_description": "access_denied"}),
        )
    });
    let env = Env::new();
    let run = env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "servicenow",
            "--profile",
            "sn",
            "--instance",
            &server.url(""),
            "--client-id",
            ID,
            "--client-secret-stdin",
            "--secret-store",
            "file",
        ],
        SECRET,
    );
    run.expect(4);
    assert!(
        run.stderr
            .contains("ServiceNow refused the request: server_error (access_denied) [HTTP 401]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("OAuth Application User"),
        "{}",
        run.stderr
    );
}

#[test]
fn generic_preset_takes_the_full_token_url_and_uses_basic() {
    let mut oauth = OAuthConfig::new(ID, SECRET, &["read", "write"]);
    oauth.path = "/realms/x/protocol/openid-connect/token".into();
    oauth.echo_scope = false;
    let server = oauth.start();
    let env = Env::new();
    let run = env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "generic",
            "--profile",
            "corp",
            "--instance",
            &server.url("/realms/x/protocol/openid-connect/token"),
            "--scopes",
            "read",
            "--client-id",
            ID,
            "--client-secret-stdin",
            "--secret-store",
            "file",
        ],
        SECRET,
    );
    run.expect(0);
    assert!(
        run.stdout
            .contains("requested scopes: read (the server did not list what it granted)"),
        "{}",
        run.stdout
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].basic(), Some((ID.to_string(), SECRET.to_string())));
    assert!(reqs[0].form_value("client_secret").is_none());
}

#[test]
fn proxies_from_the_environment_are_honoured() {
    let oauth = OAuthConfig::new(ID, SECRET, &["core.common.read"]);
    let server = oauth.start();
    // A forward proxy on 127.0.0.1: it sees the absolute URL and answers as the token endpoint would.
    let inner = oauth.clone();
    let proxy = Server::start(move |r| {
        let mut forwarded = r.clone();
        forwarded.path = r
            .path
            .split_once("//")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_default();
        inner.handle(&forwarded)
    });
    let env = Env::new();
    let through = |no_proxy: &str| {
        env.cmd()
            .args(setup_args("p", &server.url(""), ID, "core.common.read"))
            .args(FILE_STORE)
            .arg("--save-unverified")
            .env("HTTP_PROXY", proxy.url(""))
            .env("NO_PROXY", no_proxy)
            .write_stdin(SECRET)
            .output()
            .unwrap()
    };
    let out = through("");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        proxy.requests().len(),
        1,
        "the request went through HTTP_PROXY"
    );
    assert!(
        proxy.requests()[0].path.starts_with("http://127.0.0.1:"),
        "absolute-form request to the proxy"
    );
    assert!(server.requests().is_empty());
    std::fs::remove_dir_all(env.config()).unwrap();
    let out = through("127.0.0.1");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(proxy.requests().len(), 1, "NO_PROXY bypasses the proxy");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_proxy_that_wants_credentials() {
    let proxy = Server::start(|_| Reply::empty(407));
    let env = Env::new();
    let out = env
        .cmd()
        .args(setup_args(
            "p",
            "http://127.0.0.9:9",
            ID,
            "core.common.read",
        ))
        .args(FILE_STORE)
        .env("HTTP_PROXY", proxy.url(""))
        .env("NO_PROXY", "")
        .write_stdin(SECRET)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(
            "the proxy refused the request: the proxy asks for authentication (HTTP 407)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("check HTTPS_PROXY"), "{stderr}");
}

#[test]
fn the_method_that_authenticates_is_diagnosed_not_the_refused_one() {
    // Only HTTP Basic authenticates; the client also asks for a scope it lacks. The first
    // request (form body) is refused as invalid_client, the second (Basic) as invalid_scope:
    // that second answer is the diagnosis, and the secret is not blamed.
    let mut oauth = OAuthConfig::new(ID, SECRET, &["core.common.read"]);
    oauth.accept_post = false;
    let server = oauth.start();
    let env = Env::new();
    let run = env.setup(
        "acme",
        &server.url(""),
        ID,
        SECRET,
        "core.common.read core.invoice.read",
        &["--save-unverified"],
    );
    run.expect(0);
    assert!(run.all().contains("invalid_scope"), "{}", run.all());
    assert!(
        run.all().contains("the client lacks: core.invoice.read"),
        "{}",
        run.all()
    );
    assert!(!run.all().contains("invalid_client"), "{}", run.all());
    assert!(
        env.read_profiles()
            .contains("client_auth = \"client_secret_basic\""),
        "the method that authenticated is kept"
    );
}

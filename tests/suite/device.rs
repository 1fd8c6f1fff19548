//! The device grant (RFC 8628): against the real server with the code entered in the test
//! browser, and against a fault server for the polling answers a real one does not give on
//! demand (slow_down twice, access_denied).

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use crate::support::cli::{Env, Run};
use crate::support::oidc::{Oidc, browser, device_client};
use crate::support::server::{Reply, Server};

const SECRET: &str = "s3cret-dev-4R";

pub fn setup_args(instance: &str) -> Vec<String> {
    [
        "setup",
        "--non-interactive",
        "--provider",
        "coupa",
        "--profile",
        "dev",
        "--instance",
        instance,
        "--grant-type",
        "device-code",
        "--client-id",
        "dev",
        "--client-secret-stdin",
        "--scopes",
        "openid offline_access",
        "--secret-store",
        "file",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn a_device_code_entered_in_a_browser_signs_in() {
    let oidc = Oidc::start(&json!({
        "coupa_routes": true,
        "clients": [device_client("dev", SECRET)],
    }));
    let env = Env::new();
    let mut child = env
        .std_cmd()
        .args(setup_args(&oidc.issuer))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), SECRET.as_bytes()).unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&bytes).contains("Ctrl+C cancels") {
        assert_eq!(stderr.read(&mut byte).unwrap(), 1, "ended early");
        bytes.push(byte[0]);
    }
    let seen = String::from_utf8_lossy(&bytes).into_owned();
    assert!(
        seen.contains(&format!("open {}/device and enter the code", oidc.issuer)),
        "{seen}"
    );
    assert!(seen.contains("only enter the code if you started this sign-in yourself"));
    assert!(seen.contains('█'), "a QR code: {seen}");
    let complete = seen
        .split("which opens ")
        .nth(1)
        .and_then(|s| s.split(":\n").next())
        .unwrap()
        .to_string();
    assert!(complete.contains("/device?user_code="), "{complete}");
    let log = env.dir.path().join("browser.log");
    let status = std::process::Command::new(browser())
        .arg(&complete)
        .env("FAKE_BROWSER_LOG", &log)
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{rest}");
    assert!(
        stdout.contains("signed in: an access token valid for 1 h and a refresh token"),
        "{stdout}"
    );
    assert!(oidc.token_requests("urn:ietf:params:oauth:grant-type:device_code") >= 1);
    env.run(&["token", "dev", "--no-cache"]).expect(0);
    env.run(&["verify", "dev"]).expect(0);
}

/// A Coupa-shaped device endpoint (interval 1 s) whose token endpoint gives `answers` in turn.
fn fault_server(answers: Vec<&'static str>) -> Server {
    let polls = Arc::new(AtomicUsize::new(0));
    Server::start(move |req| {
        if req.path.starts_with("/oauth2/device_authorizations") {
            return Reply::json(
                200,
                &json!({
                    "device_code": "DEVICE-CANARY-99", "user_code": "WXYZ-1234",
                    "verification_uri": "https://example.invalid/device", "expires_in": 60, "interval": 1,
                }),
            );
        }
        let n = polls.fetch_add(1, Ordering::SeqCst);
        let code = answers.get(n).copied().unwrap_or("authorization_pending");
        Reply::json(400, &json!({ "error": code }))
    })
}

fn run_fault(answers: Vec<&'static str>) -> (Run, Server) {
    let server = fault_server(answers);
    let env = Env::new();
    let args = setup_args(&server.url(""));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (env.run_stdin(&args, SECRET), server)
}

#[test]
fn a_second_slow_down_names_clock_drift() {
    let (run, server) = run_fault(vec!["slow_down", "slow_down"]);
    run.expect(5);
    assert!(
        run.stderr
            .contains("the server asked to poll more slowly: every 6 s now"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("this machine's clock probably runs fast"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("wsl --shutdown"), "{}", run.stderr);
    let polls: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/oauth2/token")
        .collect();
    assert_eq!(polls.len(), 2);
    assert_eq!(
        polls[0].form_value("grant_type").as_deref(),
        Some("urn:ietf:params:oauth:grant-type:device_code")
    );
    assert!(
        !run.all().contains("DEVICE-CANARY-99"),
        "the device code is a secret"
    );
}

#[test]
fn pending_then_denied_is_exit_4() {
    let (run, _server) = run_fault(vec!["authorization_pending", "access_denied"]);
    run.expect(4);
    assert!(run.stderr.contains("refused access"), "{}", run.stderr);
    assert!(
        run.stderr.contains("WXYZ-1234"),
        "the user code is shown: {}",
        run.stderr
    );
}

#[test]
fn a_client_of_another_grant_type_is_named() {
    let server = Server::start(|_| Reply::json(400, &json!({ "error": "unauthorized_client" })));
    let env = Env::new();
    let args = setup_args(&server.url(""));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = env.run_stdin(&args, SECRET);
    run.expect(4);
    assert!(
        run.stderr.contains("asking for a device code failed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "the client is not a Device code client: create one whose Grant type is Device code"
        ),
        "{}",
        run.stderr
    );
    assert!(!env.profiles().exists());
}

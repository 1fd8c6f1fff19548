//! The hostile suite's servers besides the token endpoint: a device-authorization server, a
//! metadata server and a Vault that answer with terminal sequences, unsafe addresses and
//! numbers meant to overflow. These are faults a real server does not produce, so the servers
//! are the suite's own loopback listeners.

use serde_json::json;

use super::{VAULT_TOKEN, no_raw_controls};
use crate::support::cli::{Env, Run, write_profile};
use crate::support::server::{Reply, Server};

const DEVICE_CODE: &str = "DEVICE-CANARY-3b7e";

fn device_server(authorization: serde_json::Value) -> Server {
    Server::start(move |req| {
        if req.path.starts_with("/oauth2/device_authorizations") {
            return Reply::json(200, &authorization);
        }
        // Ends each run at the first poll, whatever lifetime the authorization claimed.
        Reply::json(400, &json!({ "error": "expired_token" }))
    })
}

#[test]
fn a_device_server_cannot_write_to_the_terminal_or_send_the_user_to_an_unsafe_page() {
    let base = json!({
        "device_code": DEVICE_CODE, "user_code": "WXYZ-1234",
        "verification_uri": "https://example.invalid/device", "expires_in": 5, "interval": 1,
    });
    let mut cases = Vec::new();
    for (field, value) in [
        ("user_code", json!("WX\u{1b}[2J\u{1b}]52;c;cHduZWQ=\u{7}")),
        ("user_code", json!("AB\u{202e}CD")),
        ("user_code", json!("x".repeat(500))),
        ("verification_uri", json!("javascript:alert(1)")),
        ("verification_uri", json!("file:///etc/passwd")),
        ("verification_uri", json!("http://evil.example/device")),
        ("verification_uri", json!("https://ok.example/\u{1b}[2J")),
        (
            "verification_uri_complete",
            json!("data:text/html,<script>1</script>"),
        ),
        ("expires_in", json!(u64::MAX)),
    ] {
        let mut answer = base.clone();
        answer[field] = value;
        cases.push((field, answer));
    }
    for (field, answer) in cases {
        let server = device_server(answer.clone());
        let env = Env::new();
        let args: Vec<String> = crate::device::setup_args(&server.url(""));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = env.run_stdin(&args, "s");
        assert_ne!(run.code, 0, "{field}: {answer}\n{}", run.all());
        assert!(!run.stderr.contains("panicked"), "{field}: {}", run.stderr);
        no_raw_controls(&run);
        assert!(
            !run.all().contains(DEVICE_CODE),
            "the device code is a secret"
        );
        for unsafe_page in [
            "javascript:",
            "file:///",
            "data:text",
            "http://evil.example",
        ] {
            assert!(
                !run.stdout.contains(unsafe_page) || run.stdout.contains("refus"),
                "{field}: an unsafe page was offered: {}",
                run.stdout
            );
        }
        assert!(!env.profiles().exists(), "{field}: a profile was saved");
    }
}

#[test]
fn metadata_from_a_server_is_checked_and_shown_escaped() {
    for (field, value) in [
        ("issuer", json!("https://x.example\u{1b}[2J")),
        ("token_endpoint", json!("javascript:alert(1)")),
        ("token_endpoint", json!("http://evil.example/token")),
        ("authorization_endpoint", json!("file:///etc/passwd")),
        (
            "scopes_supported",
            json!([
                "ok",
                "evil\u{1b}]8;;https://evil.example\u{7}x",
                "\u{202e}gpj.exe"
            ]),
        ),
        (
            "grant_types_supported",
            json!(["client_credentials\u{9b}31m"]),
        ),
        ("service_documentation", json!("x".repeat(100_000))),
    ] {
        let server = Server::start(move |req| {
            let issuer = format!("http://{}", req.header("host").unwrap_or_default());
            let mut doc = json!({
                "issuer": issuer,
                "token_endpoint": format!("{issuer}/token"),
                "grant_types_supported": ["client_credentials"],
            });
            doc[field] = value.clone();
            Reply::json(200, &doc)
        });
        let env = Env::new();
        for args in [
            &["discover", &server.url("")][..],
            &["discover", &server.url(""), "--json"],
        ] {
            let run = env.run(args);
            assert!(!run.stderr.contains("panicked"), "{field}: {}", run.stderr);
            no_raw_controls(&run);
            if args.contains(&"--json") && run.code == 0 {
                serde_json::from_str::<serde_json::Value>(&run.stdout)
                    .unwrap_or_else(|e| panic!("{field}: not JSON ({e}): {}", run.stdout));
            }
            if field.ends_with("endpoint") {
                assert_ne!(
                    run.code,
                    0,
                    "{field}: an unsafe endpoint was accepted: {}",
                    run.all()
                );
            }
        }
    }
}

#[test]
fn a_vaults_words_and_numbers_reach_the_terminal_safely() {
    for (status, body) in [
        (
            403,
            json!({"errors": ["permission denied\u{1b}[2J\u{1b}]52;c;cHduZWQ=\u{7}", "\u{202e}"]}),
        ),
        (500, json!({"errors": ["x".repeat(100_000)]})),
        (
            200,
            json!({"data": {"data": {"client_secret": "s"}, "metadata": {"version": u64::MAX}}}),
        ),
        (
            200,
            json!({"data": {"data": {"client_secret": "s\u{1b}[2J"}, "metadata": {"version": -1}}}),
        ),
    ] {
        let vault = Server::start(move |_| Reply::json(status, &body));
        let token = Server::start(|_| {
            Reply::json(
                200,
                &json!({"access_token": "abc", "token_type": "Bearer", "expires_in": 60}),
            )
        });
        let env = Env::new();
        write_profile(&env, "p", &token.url("/oauth2/token"), "unused");
        // The same profile, its secret in the Vault (the table after the profile's own keys).
        let text = std::fs::read_to_string(env.profiles())
            .unwrap()
            .replace("secret_store = \"file\"", "secret_store = \"vault\"");
        let text = format!(
            "{text}\n[profiles.p.vault]\naddr = \"{}\"\nmount = \"secret\"\npath = \"oauth-setup/p\"\n",
            vault.url("")
        );
        std::fs::write(env.profiles(), text).unwrap();
        for args in [
            &["token", "p"][..],
            &["verify", "p"],
            &["verify", "p", "--json"],
        ] {
            let run = Run::from_output(
                env.cmd()
                    .env("BAO_TOKEN", VAULT_TOKEN)
                    .args(args)
                    .output()
                    .unwrap(),
            );
            assert!(!run.stderr.contains("panicked"), "{status}: {}", run.stderr);
            no_raw_controls(&run);
            assert!(!run.all().contains(VAULT_TOKEN));
            assert!(
                run.stderr.len() < 20_000,
                "{status}: a Vault's text is capped"
            );
        }
    }
}

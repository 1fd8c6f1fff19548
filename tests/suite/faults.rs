//! The fault server: every way a token endpoint can misbehave below and above HTTP. For each,
//! `verify` ends within its timeout with the right diagnosis and exit code, memory stays
//! bounded, and the secret reaches no other server.

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::json;

use crate::support::cli::{Env, write_profile};
use crate::support::measure::{self, Measured};
use crate::support::report;
use crate::support::server::{Reply, Server};
use crate::support::tls;

const SECRET: &str = "FAULT-CANARY-5e1d";
const TIMEOUT_S: u64 = 3;
/// Peak memory allowed to a verify run, whatever the server sends.
const MAX_RSS_KIB: i64 = 64 * 1024;

fn verify(env: &Env, extra: &[&str]) -> Measured {
    let mut cmd = env.std_cmd();
    cmd.args(["--timeout", &TIMEOUT_S.to_string()])
        .args(extra)
        .args(["verify", "fault"]);
    measure::run(cmd)
}

/// Run `verify` against `url` and check the code, the diagnosis, the time and the memory.
#[track_caller]
fn expect_fault(fault: &str, url: &str, extra: &[&str], code: i32, diagnosis: &str) -> Measured {
    let tries = report::runs(1, 5);
    let (mut slowest, mut peak) = (Duration::ZERO, 0);
    let mut last = None;
    for _ in 0..tries {
        let env = Env::new();
        write_profile(&env, "fault", url, SECRET);
        let m = verify(&env, extra);
        assert_eq!(m.code, code, "{fault}: {}", m.all());
        assert!(
            m.all().contains(diagnosis),
            "{fault}: want {diagnosis:?} in:\n{}",
            m.all()
        );
        assert!(
            m.elapsed < Duration::from_secs(TIMEOUT_S + 10),
            "{fault}: took {:?}",
            m.elapsed
        );
        assert!(
            m.max_rss_kib < MAX_RSS_KIB,
            "{fault}: peak memory {} KiB",
            m.max_rss_kib
        );
        assert!(!m.all().contains(SECRET), "{fault}: the secret was printed");
        slowest = slowest.max(m.elapsed);
        peak = peak.max(m.max_rss_kib);
        last = Some(m);
    }
    report::row(
        fault,
        tries,
        &format!(
            "exit {code}, \"{diagnosis}\"; slowest {:.1} s, peak memory at most {} MiB",
            slowest.as_secs_f64(),
            peak / 1024
        ),
    );
    last.unwrap()
}

fn head(len: usize) -> String {
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n")
}

#[test]
fn never_answers() {
    let s = Server::start(|_| Reply::Hang);
    expect_fault(
        "server never answers",
        &s.url("/oauth2/token"),
        &[],
        5,
        "did not answer within 3 s",
    );
}

#[test]
fn trickles_one_byte_a_second() {
    let body = br#"{"access_token":"tok","token_type":"bearer"}"#.to_vec();
    let s = Server::start(move |_| Reply::Trickle {
        head: head(body.len()),
        body: body.clone(),
        every: Duration::from_secs(1),
    });
    expect_fault(
        "body trickles 1 byte/s",
        &s.url("/oauth2/token"),
        &[],
        5,
        "did not answer within 3 s",
    );
}

#[test]
fn resets_halfway_through_the_body() {
    let s = Server::start(|_| {
        let mut bytes = head(1000).into_bytes();
        bytes.extend_from_slice(&[b'{'; 200]);
        Reply::Raw { bytes, reset: true }
    });
    let m = expect_fault(
        "connection reset mid-body",
        &s.url("/oauth2/token"),
        &[],
        5,
        "the server reset the connection",
    );
    assert!(
        m.stdout.contains("FAIL  connection") || m.stdout.contains("FAIL  token"),
        "{}",
        m.stdout
    );
}

#[test]
fn oversized_header_block() {
    let s = Server::start(|_| {
        let mut bytes = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..20_000 {
            bytes.extend_from_slice(format!("X-Pad-{i}: {}\r\n", "a".repeat(100)).as_bytes());
        }
        bytes.extend_from_slice(b"\r\n");
        Reply::Raw {
            bytes,
            reset: false,
        }
    });
    expect_fault(
        "2 MB header block",
        &s.url("/oauth2/token"),
        &[],
        5,
        "not valid HTTP (message head is too large)",
    );
}

#[test]
fn invalid_utf8_and_truncated_json() {
    let s = Server::start(|_| Reply::text(200, "application/json", vec![0xff, 0xfe, 0xfd, b'{']));
    expect_fault(
        "invalid UTF-8 body",
        &s.url("/oauth2/token"),
        &[],
        5,
        "not a usable token: the body is not JSON",
    );
    let s = Server::start(|_| {
        Reply::text(
            200,
            "application/json",
            r#"{"access_token":"tok","token_ty"#,
        )
    });
    expect_fault(
        "truncated JSON",
        &s.url("/oauth2/token"),
        &[],
        5,
        "it ends too early",
    );
}

#[test]
fn html_login_page_with_200() {
    let s = Server::start(|_| {
        Reply::text(
            200,
            "text/html",
            "<!DOCTYPE html><form action=/login>Sign in</form>",
        )
    });
    expect_fault(
        "HTML login page, 200",
        &s.url("/oauth2/token"),
        &[],
        5,
        "answered with a web page (HTTP 200)",
    );
}

#[test]
fn redirect_to_another_local_server() {
    let elsewhere =
        Server::start(|_| Reply::json(200, &json!({"access_token": "x", "token_type": "bearer"})));
    let target = elsewhere.url("/steal");
    let s = Server::start(move |_| Reply::redirect(302, &target));
    expect_fault(
        "302 to another local server",
        &s.url("/oauth2/token"),
        &[],
        5,
        "it was not followed",
    );
    assert!(
        elsewhere.requests().is_empty(),
        "the second server received a request"
    );
    assert_eq!(
        s.requests().len(),
        report::runs(1, 5),
        "one request a run: a redirect is not a reason to send the secret again"
    );
}

#[test]
fn compressed_body_that_expands_to_gigabytes() {
    // 100 gzip members of 10 MiB of zeros each: about 1 GiB expanded.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![0u8; 10 * 1024 * 1024]).unwrap();
    let member = enc.finish().unwrap();
    let bomb: Vec<u8> = member
        .iter()
        .copied()
        .cycle()
        .take(member.len() * 100)
        .collect();
    let s = Server::start(move |_| Reply::Respond {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Content-Encoding".into(), "gzip".into()),
        ],
        body: bomb.clone(),
    });
    expect_fault(
        "gzip body expanding to 1 GiB",
        &s.url("/oauth2/token"),
        &[],
        5,
        "not a usable token",
    );
}

#[test]
fn tls_handshake_fails() {
    let s = Server::raw_tcp(|mut stream| {
        let mut buf = [0u8; 512];
        let _ = stream.read(&mut buf);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\nthis is not TLS");
    });
    expect_fault(
        "TLS handshake fails",
        &s.url("/oauth2/token"),
        &[],
        5,
        "TLS handshake failed",
    );
}

#[test]
fn expired_and_wrong_host_certificates() {
    for (fault, names, expired, diagnosis) in [
        (
            "expired certificate",
            &["localhost"][..],
            true,
            "certificate has expired",
        ),
        (
            "certificate for another host",
            &["other.example"][..],
            false,
            "certificate is for a different host name",
        ),
    ] {
        let ca = tls::make_with(names, expired);
        let s = Server::start_tls(ca.server_config.clone(), |_| Reply::empty(500));
        let pem = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(pem.path(), &ca.ca_pem).unwrap();
        expect_fault(
            fault,
            &s.url("/oauth2/token"),
            &["--ca-file", pem.path().to_str().unwrap()],
            5,
            diagnosis,
        );
        assert!(
            s.requests().is_empty(),
            "{fault}: no request over a bad certificate"
        );
    }
}

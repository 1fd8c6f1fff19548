//! A sign-in finished in the terminal: the address the browser ended on, pasted (how SSH and
//! container users finish), `--no-browser`, and Ctrl+C.

use crate::authcode::{ANY_PORT, Browser, SECRET, coupa_server, setup_args};
use crate::support::cli::Env;
use crate::support::oidc::browser;
use crate::support::pty::Pty;

fn args<'a>(oidc_issuer: &'a str, secret_file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = setup_args(oidc_issuer);
    a.extend([
        "--client-secret-file",
        secret_file,
        "--redirect-uri",
        ANY_PORT,
    ]);
    a.extend(extra);
    a
}

#[test]
fn the_address_pasted_into_the_terminal_finishes_the_sign_in() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let secret_file = env.dir.path().join("secret");
    std::fs::write(&secret_file, SECRET).unwrap();
    let b = Browser::new(&env, "capture");
    let (browser, log) = (browser(), b.log.display().to_string());
    let vars = [
        ("BROWSER", browser.as_str()),
        ("FAKE_BROWSER_LOG", log.as_str()),
        ("FAKE_BROWSER_MODE", "capture"),
    ];
    let file = secret_file.display().to_string();
    let mut pty = Pty::spawn(&env, &args(&oidc.issuer, &file, &[]), &vars);
    pty.wait_for("or paste here the address");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let callback = loop {
        if let Some(c) = b.callback() {
            break c;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the browser never got to the callback: {:?}",
            b.lines()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // Something that is not an answer is named, and the wait goes on.
    pty.send("hello there\r");
    pty.wait_for("not used:");
    let old = callback.replace("state=", "state=x");
    pty.send(&format!("{old}\r"));
    pty.wait_for("belongs to another sign-in");
    pty.send(&format!("{callback}\r"));
    pty.wait_for("signed in:");
    assert_eq!(pty.wait_exit(), 0, "{}", pty.text());
    assert!(pty.text().contains("and a refresh token"), "{}", pty.text());
    env.run(&["token", "acme", "--no-cache"]).expect(0);
}

#[test]
fn no_browser_shows_the_url_and_ctrl_c_cancels() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let secret_file = env.dir.path().join("secret");
    std::fs::write(&secret_file, SECRET).unwrap();
    let b = Browser::new(&env, "consent");
    let (browser, log) = (browser(), b.log.display().to_string());
    let vars = [
        ("BROWSER", browser.as_str()),
        ("FAKE_BROWSER_LOG", log.as_str()),
    ];
    let file = secret_file.display().to_string();
    let mut pty = Pty::spawn(&env, &args(&oidc.issuer, &file, &["--no-browser"]), &vars);
    pty.wait_for("or paste here");
    let text = pty.text();
    assert!(text.contains("sign in: open this URL"), "{text}");
    assert!(text.contains("/oauth2/authorizations/new?"), "{text}");
    assert!(
        b.lines().is_empty(),
        "no browser was started: {:?}",
        b.lines()
    );
    pty.send("\x03");
    assert_eq!(pty.wait_exit(), 130, "{}", pty.text());
    assert!(pty.text().contains("sign-in cancelled"), "{}", pty.text());
    assert!(!env.profiles().exists());
}

//! Speed of the interactive app, measured (not asserted by tests):
//! - start to first frame of the real binary in a pseudo terminal (target: at most 30 ms);
//! - one frame of the scope picker with the whole Coupa catalogue (target: under 1 ms);
//! - start to the home screen's first frame with 2,000 profiles (target: at most 50 ms), and
//!   one frame while scrolling through them, each beside the same with ten profiles.
//!
//! Run with `cargo bench --bench tui`. Prints medians and the 90th percentiles.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_macros,
    reason = "a measuring harness: any failure should stop it loudly"
)]

use std::io::Read;
use std::num::NonZeroU16;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use oauth_setup::stores::config_dir::ConfigDir;
use oauth_setup::stores::profile::ProfilesFile;
use oauth_setup::tui::msg::Msg;
use oauth_setup::tui::{App, Entry, Prefill, Theme, VaultEnv};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[samples.len() / 2], samples[samples.len() * 9 / 10])
}

/// The app at the scopes step, all 186 scopes listed, a few selected.
fn app_at_scopes() -> App {
    let prefill = Prefill {
        provider: Some("coupa".into()),
        instance: Some("acme".into()),
        client_name: Some("ERP".into()),
        login: Some("erp".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        email: Some("jane@example.com".into()),
        grant: Some("client-credentials".into()),
        ..Prefill::default()
    };
    let (mut app, _) = App::new(
        Entry::Wizard(Box::new(prefill)),
        ProfilesFile::default(),
        ConfigDir::new("/tmp/oauth-setup-bench"),
        Theme { color: true },
        VaultEnv::default(),
    );
    // The given fields are accepted at once; the wizard opens at the scopes, which are added
    // as a paste so the picker stays up.
    app.update(Msg::Paste(
        "core.common.read core.invoice.read core.user.read".into(),
    ));
    app
}

fn scope_picker_frames() {
    let mut app = app_at_scopes();
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| app.render(f)).unwrap();
        assert!(
            format!("{}", terminal.backend()).contains("Scopes"),
            "not at the scopes step"
        );
        let mut samples = Vec::with_capacity(2000);
        for i in 0..2000 {
            // Move the cursor so every frame differs, as when the user scrolls.
            let code = if i % 200 < 100 {
                KeyCode::Down
            } else {
                KeyCode::Up
            };
            app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
            let start = Instant::now();
            terminal.draw(|f| app.render(f)).unwrap();
            samples.push(start.elapsed());
        }
        let (median, p90) = percentiles(samples);
        println!("scope picker frame {w}x{h}: median {median:?}, p90 {p90:?} (target < 1 ms)");
    }
}

fn start_to_first_frame() {
    let config = tempfile::tempdir().unwrap();
    let samples = (0..30)
        .map(|_| first_frame(config.path(), "1/14 Provider"))
        .collect();
    let (median, p90) = percentiles(samples);
    println!("start to first frame: median {median:?}, p90 {p90:?} (target <= 30 ms)");
}

/// A config folder with `n` profiles like a platform team's (one template, other names), saved
/// by the program's own store so its index is written too.
fn many_profiles(n: usize) -> (tempfile::TempDir, ProfilesFile) {
    let dir = tempfile::tempdir().unwrap();
    let template: ProfilesFile = toml::from_str(
        r#"schema_version = 2
[profiles.t]
provider = "coupa"
instance_url = "https://acme.coupahost.com"
token_url = "https://acme.coupahost.com/oauth2/token"
grant_type = "client_credentials"
client_id = "erp"
client_auth = "client_secret_post"
scopes = ["core.common.read", "core.invoice.read"]
secret_ref = "t-0"
created_at = "2026-12-01T00:00:00Z"
[profiles.t.last_verification]
at = "2026-12-01T00:00:00Z"
ok = true
result = "ok"
[profiles.t.secret]
store = "file"
"#,
    )
    .unwrap();
    let one = template.profiles["t"].clone();
    let store = oauth_setup::stores::profile::ProfileStore::new(ConfigDir::new(dir.path()));
    store
        .update(|f| {
            for i in 0..n {
                let mut p = one.clone();
                p.secret_ref = format!("acme-{i:05}-0123456789ab");
                p.instance_url = format!("https://acme{}.coupahost.com", i % 300);
                f.profiles.insert(format!("acme-{i:05}"), p);
            }
            Ok::<(), ()>(())
        })
        .unwrap()
        .unwrap();
    let file = store.load().unwrap();
    (dir, file)
}

/// The home screen with `n` profiles: start to its first frame, and a frame while the cursor
/// goes down the list and back a page at a time.
fn home_with_profiles(n: usize) {
    let (config, file) = many_profiles(n);
    let mut samples = Vec::new();
    for _ in 0..20 {
        samples.push(first_frame(config.path(), &format!("{n} profiles")));
    }
    let (median, p90) = percentiles(samples);
    println!(
        "start to the home screen with {n} profiles: median {median:?}, p90 {p90:?} (target <= 50 ms)"
    );
    let (mut app, _) = App::new(
        Entry::Start,
        file,
        ConfigDir::new(config.path()),
        Theme { color: true },
        VaultEnv::default(),
    );
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut samples = Vec::new();
    for i in 0..4000 {
        let code = if i % 3000 < 2000 {
            KeyCode::Down
        } else {
            KeyCode::PageUp
        };
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        let start = Instant::now();
        terminal.draw(|f| app.render(f)).unwrap();
        samples.push(start.elapsed());
    }
    let (median, p90) = percentiles(samples);
    println!("home frame while scrolling {n} profiles, 80x24: median {median:?}, p90 {p90:?}");
}

/// The time from start to the first frame that shows `marker`, the real binary in a PTY.
fn first_frame(config: &std::path::Path, marker: &str) -> Duration {
    let bin = env!("CARGO_BIN_EXE_oauth-setup");
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.env("TERM", "xterm-256color");
    cmd.env("OAUTH_SETUP_CONFIG_DIR", config);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    let marker = marker.to_string();
    std::thread::spawn(move || {
        let mut parser = vt100::Parser::new(
            NonZeroU16::new(24).unwrap(),
            NonZeroU16::new(80).unwrap(),
            0,
        );
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            if parser.screen().contents().contains(&marker) {
                let _ = tx.send(start.elapsed());
                break;
            }
        }
    });
    let elapsed = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("no first frame within 10 s");
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn main() {
    scope_picker_frames();
    start_to_first_frame();
    // Side by side: a folder of ten profiles, then one of 2,000.
    home_with_profiles(10);
    home_with_profiles(2000);
}

//! The real binary in a pseudo terminal (portable-pty), its screen parsed by vt100.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::cli::{CLEARED_VARS, Env, LOCAL_ONLY};

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Pty {
    pub fn spawn(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> Self {
        let pair = native_pty_system().openpty(size(80, 24)).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_oauth-setup"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("OAUTH_SETUP_CONFIG_DIR", env.config());
        cmd.env("NO_PROXY", LOCAL_ONLY);
        for v in CLEARED_VARS {
            cmd.env_remove(v);
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(24), nz(80), 0)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Once the program has exited, Linux answers EIO while its last writes may still be
            // on their way to the master side (the tty's flip buffer is pushed by a worker): read
            // on a little longer before giving up, or a farewell line is lost under load.
            let mut failures = 0;
            while failures < 25 {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        failures = 0;
                        sink.lock().unwrap().process(&buf[..n]);
                    }
                    Err(_) => {
                        failures += 1;
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Self {
            child,
            writer,
            master: pair.master,
            parser,
        }
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app read one burst at a time, as a typing user would.
        std::thread::sleep(Duration::from_millis(30));
    }

    /// Text sent as a bracketed paste, as a terminal does for Ctrl+Shift+V.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    pub fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    pub fn bracketed_paste(&self) -> bool {
        self.parser.lock().unwrap().screen().bracketed_paste()
    }

    #[track_caller]
    /// On the save step: wait for the keyring check, then make sure the file store is chosen
    /// (it is preselected when the keyring cannot be used here).
    pub fn choose_file_store(&mut self) {
        self.wait_until("the keyring check", |s| {
            !s.contains("checking the OS keyring")
        });
        if !self.text().contains("(•) file") {
            self.send("\t");
            self.send("\t");
            self.send(" ");
        }
        self.wait_for("(•) file");
    }

    pub fn wait_for(&self, what: &str) {
        self.wait_until(what, |t| t.contains(what));
    }

    #[track_caller]
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.text();
            if pred(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what:?}; the screen shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The parser first: the app redraws as soon as the PTY tells it the new size, and those
        // bytes must meet a screen of that size.
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.master.resize(size(cols, rows)).unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Wait for the program to end; its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Give the reader thread a moment to take the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit; screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

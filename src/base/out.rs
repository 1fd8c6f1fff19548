//! The output edge of the command line: every line for people on stdout or stderr goes through
//! here (clippy's `disallowed_macros` keeps `crate::say!` and `crate::tell!` out of the rest of the
//! crate), so text from outside that slipped past its own check still reaches the terminal
//! escaped ([`crate::rules::sanitize::for_terminal`]). The only escape sequences let through are the
//! program's own colours. A reader that went away (`| head`) ends the output quietly; any other
//! write failure is remembered for the exit code, never a panic.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::rules::secret::Secret;

/// The colour sequences [`crate::cli::commands::Style`] writes, and nothing else.
pub const OWN_SEQUENCES: [&str; 4] = ["\x1b[32m", "\x1b[33m", "\x1b[31;1m", "\x1b[0m"];

const OK: u8 = 0;
const CLOSED: u8 = 1;
const FAILED: u8 = 2;
static STDOUT: AtomicU8 = AtomicU8::new(OK);

/// How writing to stdout went, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutState {
    Ok,
    /// The reader closed the pipe: the output stopped there, as `head` wanted.
    Closed,
    /// The write failed (a full disk, `>/dev/full`).
    Failed,
}

pub fn stdout_state() -> StdoutState {
    match STDOUT.load(Ordering::Relaxed) {
        OK => StdoutState::Ok,
        CLOSED => StdoutState::Closed,
        _ => StdoutState::Failed,
    }
}

fn record(result: std::io::Result<()>) {
    if let Err(e) = result {
        // A pipe whose reader left, or a stdout closed before the start (`>&-`).
        let state = if e.kind() == std::io::ErrorKind::BrokenPipe || e.raw_os_error() == Some(9) {
            CLOSED
        } else {
            FAILED
        };
        STDOUT.fetch_max(state, Ordering::Relaxed);
    }
}

/// One line of text for people on stdout.
pub fn stdout_line(args: std::fmt::Arguments<'_>) {
    if stdout_state() != StdoutState::Ok {
        return;
    }
    let text = args.to_string();
    let shown = crate::rules::sanitize::for_terminal(&text, &OWN_SEQUENCES);
    let mut out = std::io::stdout().lock();
    record(writeln!(out, "{shown}").and_then(|()| out.flush()));
}

/// One line of text for people on stderr. A failing stderr has nowhere to be reported. While
/// the app owns the screen the line is held and written when the app has left it.
pub fn stderr_line(args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    let shown = crate::rules::sanitize::for_terminal(&text, &OWN_SEQUENCES);
    if let Some(held) = held().as_mut() {
        if held.len() < MAX_HELD {
            held.push(shown.into_owned());
        }
        return;
    }
    let _ = writeln!(std::io::stderr().lock(), "{shown}");
}

/// Lines for stderr held while the app owns the screen (`None`: written at once).
static HELD: Mutex<Option<Vec<String>>> = Mutex::new(None);

/// A `-v` run may log much while the app runs: beyond this the rest is dropped.
const MAX_HELD: usize = 10_000;

fn held() -> std::sync::MutexGuard<'static, Option<Vec<String>>> {
    HELD.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// From now on, lines for stderr are held: the app draws the whole screen, and a line written
/// behind its back would land inside it.
pub fn hold_stderr() {
    held().get_or_insert_with(Vec::new);
}

/// Write the held lines, in order, and write the next ones at once again.
pub fn release_stderr() {
    let lines = held().take().unwrap_or_default();
    let mut err = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(err, "{line}");
    }
}

/// What `token` hands over (a token, a header, JSON): written as it is, since it was checked
/// when it arrived ([`crate::protocol::token::check_token`]) and scripts read it byte for byte.
pub fn stdout_secret(value: &Secret) {
    if stdout_state() != StdoutState::Ok {
        return;
    }
    let mut out = std::io::stdout().lock();
    record(
        out.write_all(value.expose().as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush()),
    );
}

/// Data from a server for a program (`api`'s answers): the bytes as they are when stdout is
/// a pipe or a file; on a terminal, control and bidi characters shown escaped, like every other
/// text from outside.
pub fn stdout_data(bytes: &[u8]) {
    if stdout_state() != StdoutState::Ok {
        return;
    }
    let mut out = std::io::stdout().lock();
    let result = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        let text = String::from_utf8_lossy(bytes);
        out.write_all(crate::rules::sanitize::for_terminal(&text, &[]).as_bytes())
    } else {
        out.write_all(bytes)
    };
    record(result.and_then(|()| out.flush()));
}

/// A JSON document on stdout, pretty-printed. serde_json leaves DEL, C1 and bidi controls as
/// they are; here they become `\uXXXX` escapes, so the document stays valid JSON and safe to
/// show.
pub fn json(value: &impl serde::Serialize) {
    stdout_line(format_args!("{}", json_text(value)));
}

/// A JSON document on stdout whose one list is written an item at a time, as [`json`] would
/// print the whole, so a long list (`verify --all`) is never held whole. The fields before the
/// list are known at the start and those after it at the end.
pub struct JsonList {
    items: usize,
}

impl JsonList {
    /// Open the document: `head`'s fields (an object), then the list named `key`.
    pub fn open(head: &impl serde::Serialize, key: &str) -> Self {
        stdout_raw(&Self::open_text(head, key));
        Self { items: 0 }
    }

    pub fn item(&mut self, value: &impl serde::Serialize) {
        stdout_raw(&self.item_text(value));
    }

    /// Close the list and the document with `tail`'s fields (an object).
    pub fn close(self, tail: &impl serde::Serialize) {
        stdout_raw(&self.close_text(tail));
    }

    fn open_text(head: &impl serde::Serialize, key: &str) -> String {
        let head = json_text(head);
        // `{}` is a head without fields; otherwise its closing brace goes.
        let fields = head.trim_end().strip_suffix('}').unwrap_or("{").trim_end();
        let sep = if fields == "{" { "" } else { "," };
        let key = serde_json::to_string(key).unwrap_or_default();
        format!("{fields}{sep}\n  {key}: [")
    }

    fn item_text(&mut self, value: &impl serde::Serialize) -> String {
        // Indented line by line: a JSON string holds no raw newline.
        let text = json_text(value).replace('\n', "\n    ");
        let sep = if self.items == 0 { "" } else { "," };
        self.items += 1;
        format!("{sep}\n    {text}")
    }

    fn close_text(&self, tail: &impl serde::Serialize) -> String {
        let end = if self.items == 0 { "]" } else { "\n  ]" };
        let tail = json_text(tail);
        let fields = tail
            .trim_start()
            .strip_prefix('{')
            .unwrap_or("}")
            .trim_start();
        let sep = if fields == "}" { "\n" } else { ",\n  " };
        format!("{end}{sep}{fields}\n")
    }
}

/// Text already made safe, as it is.
fn stdout_raw(text: &str) {
    if stdout_state() != StdoutState::Ok {
        return;
    }
    let mut out = std::io::stdout().lock();
    record(out.write_all(text.as_bytes()).and_then(|()| out.flush()));
}

fn json_text(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && crate::rules::sanitize::is_unsafe(c) {
            safe.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    safe
}

/// A question on stdout (no newline) and the line typed in answer (empty when there is none).
pub fn ask(question: &str) -> String {
    let shown = crate::rules::sanitize::for_terminal(question, &OWN_SEQUENCES);
    let mut out = std::io::stdout().lock();
    record(write!(out, "{shown}").and_then(|()| out.flush()));
    drop(out);
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    answer
}

/// A line on stdout through the output edge.
#[macro_export]
macro_rules! say {
    () => { $crate::base::out::stdout_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::base::out::stdout_line(format_args!($($arg)*)) };
}

/// A line on stderr through the output edge.
#[macro_export]
macro_rules! tell {
    () => { $crate::base::out::stderr_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::base::out::stderr_line(format_args!($($arg)*)) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_stays_valid_with_every_unsafe_character_escaped() {
        let v = serde_json::json!({"s": "a\u{7f}b\u{9b}c\u{202e}d\u{1b}e\nf"});
        let text = super::json_text(&v);
        assert!(
            !crate::rules::sanitize::has_unsafe(&text.replace('\n', "")),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v, "the same document");
    }

    /// Written an item at a time, the document is the one printed whole, byte for byte.
    #[test]
    fn a_list_written_item_by_item_is_the_whole_document() {
        use serde_json::{Value, json};
        #[derive(serde::Serialize)]
        struct Head {
            v: u32,
        }
        #[derive(serde::Serialize)]
        struct Tail {
            ok: bool,
            code: i32,
        }
        #[derive(serde::Serialize)]
        struct Whole<'a> {
            v: u32,
            list: &'a [Value],
            ok: bool,
            code: i32,
        }
        #[derive(serde::Serialize)]
        struct Bare<'a> {
            list: &'a [Value],
        }
        let written = |head: &dyn Fn() -> String,
                       items: &[Value],
                       tail: &dyn Fn(&super::JsonList) -> String| {
            let mut list = super::JsonList { items: 0 };
            let mut text = head();
            for i in items {
                text.push_str(&list.item_text(i));
            }
            text + &tail(&list)
        };
        let item = json!({"name": "a\u{1b}", "checks": [{"s": 1}, {"s": [2, {}]}]});
        for n in 0..3 {
            let items = vec![item.clone(); n];
            let text = written(
                &|| super::JsonList::open_text(&Head { v: 1 }, "list"),
                &items,
                &|l| l.close_text(&Tail { ok: true, code: 0 }),
            );
            let whole = Whole {
                v: 1,
                list: &items,
                ok: true,
                code: 0,
            };
            assert_eq!(text, super::json_text(&whole) + "\n", "{n} items");
            let text = written(
                &|| super::JsonList::open_text(&json!({}), "list"),
                &items,
                &|l| l.close_text(&json!({})),
            );
            assert_eq!(
                text,
                super::json_text(&Bare { list: &items }) + "\n",
                "{n} items, bare"
            );
        }
    }
}

//! How `api` writes what comes back: the status line and headers with `-i`, the answer as it is
//! when piped and pretty-printed JSON on a terminal, a list's records as one JSON array (or a
//! line each) written as the pages come, and each `--jq` result on a line. Notes go to stderr.

use std::io::IsTerminal;

use serde_json::Value;

use super::jq::Jq;
use crate::base::out::stdout_data;
use crate::cli::args::ApiArgs;
use crate::cli::commands::Ctx;
use crate::flows::api::Event;
use crate::protocol::api::Answer;

pub struct Output {
    include: bool,
    paginate: bool,
    lines: bool,
    jq: Option<Jq>,
    pretty: bool,
    /// Records written so far (the array's commas).
    written: usize,
    /// A page of the list came: the array is closed at the end.
    listing: bool,
    reason: String,
    failed: Option<String>,
}

impl Output {
    pub fn new(args: &ApiArgs, jq: Option<Jq>) -> Self {
        Self {
            include: args.include,
            paginate: args.paginate,
            lines: args.json_lines,
            jq,
            pretty: std::io::stdout().is_terminal(),
            written: 0,
            listing: false,
            reason: String::new(),
            failed: None,
        }
    }

    /// The last answer's reason phrase.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    pub fn event(&mut self, ctx: &Ctx, name: &str, event: Event<'_>) {
        match event {
            Event::Note(n) => crate::cli::commands::token::tell_note(ctx, name, n),
            Event::Renewed => crate::tell!(
                "{} the server refused the cached token (HTTP 401); asking once more with a new one",
                ctx.style.warn("note:")
            ),
            Event::Waiting(d) => crate::tell!(
                "{} rate limited; waiting {} as the server asks",
                ctx.style.warn("note:"),
                humantime::format_duration(std::time::Duration::from_secs(d.as_secs().max(1)))
            ),
            Event::Answer(a) => self.answer(a),
            Event::Records(records) => {
                for r in records {
                    self.record(&r);
                }
            }
        }
    }

    fn answer(&mut self, a: &Answer) {
        self.reason.clone_from(&a.reason);
        if self.include {
            let mut head = format!("HTTP/1.1 {} {}\n", a.status, a.reason);
            for (k, v) in &a.headers {
                head.push_str(&format!("{k}: {v}\n"));
            }
            head.push('\n');
            stdout_data(head.as_bytes());
        }
        let ok = (200..300).contains(&a.status);
        self.listing |= self.paginate && ok;
        if !self.paginate || !ok {
            self.body(a);
        }
    }

    fn body(&mut self, a: &Answer) {
        if let Some(jq) = &self.jq
            && (200..300).contains(&a.status)
        {
            let mut out = String::new();
            if let Err(e) = jq.run(&a.body, &mut |l| {
                out.push_str(&l);
                out.push('\n');
            }) {
                self.failed.get_or_insert(e);
            }
            stdout_data(out.as_bytes());
            return;
        }
        let parsed = (self.pretty && a.is_json())
            .then(|| serde_json::from_slice::<Value>(&a.body).ok())
            .flatten();
        match parsed {
            Some(v) => {
                let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
                text.push('\n');
                stdout_data(text.as_bytes());
            }
            None => {
                stdout_data(&a.body);
                if self.pretty && !a.body.ends_with(b"\n") && !a.body.is_empty() {
                    stdout_data(b"\n");
                }
            }
        }
    }

    fn record(&mut self, r: &Value) {
        if let Some(jq) = &self.jq {
            let bytes = serde_json::to_vec(r).unwrap_or_default();
            let mut out = String::new();
            if let Err(e) = jq.run(&bytes, &mut |l| {
                out.push_str(&l);
                out.push('\n');
            }) {
                self.failed.get_or_insert(e);
            }
            stdout_data(out.as_bytes());
            return;
        }
        let text = if self.pretty {
            serde_json::to_string_pretty(r)
        } else {
            serde_json::to_string(r)
        }
        .unwrap_or_default();
        let sep = match (self.lines, self.written) {
            (true, _) => "",
            (false, 0) => "[",
            (false, _) => ",",
        };
        let end = if self.lines || self.pretty { "\n" } else { "" };
        stdout_data(format!("{sep}{text}{end}").as_bytes());
        self.written += 1;
    }

    /// Close the array; the filter's first failure, if any.
    pub fn finish(&mut self) -> Option<String> {
        if self.listing && !self.lines && self.jq.is_none() {
            let close = if self.written == 0 { "[]\n" } else { "]\n" };
            stdout_data(close.as_bytes());
        }
        self.failed.take()
    }
}

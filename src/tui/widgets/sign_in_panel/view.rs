//! Drawing the sign-in panel: the lines of each state, the paste field, the QR code.

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{PanelState, SignInPanel};
use crate::flows::sign_in::BrowserOutcome;
use crate::protocol::authorize::SkipReason;
use crate::protocol::token::Context;
use crate::tui::widgets::theme::Paint;
use crate::tui::widgets::wrap;

impl SignInPanel {
    /// Text above the paste field (or all of it, for the other states), given `now`.
    pub fn lines(&self, paint: &Paint, now: Instant, dctx: &Context) -> Vec<Line<'static>> {
        let theme = paint.theme;
        match &self.state {
            PanelState::Starting => vec![Line::raw(format!(
                "{} starting the sign-in …",
                paint.spin()
            ))],
            PanelState::Browser { .. } => self.browser_lines(paint, now),
            PanelState::Device { .. } => self.device_lines(paint, now),
            PanelState::Exchanging => vec![Line::raw(format!(
                "{} answer received; exchanging the code …",
                paint.spin()
            ))],
            PanelState::Done {
                session,
                expires_in,
            } => vec![
                Line::styled("✓ signed in", theme.ok()),
                Line::raw(format!(
                    "  {}",
                    crate::report::signed_in(
                        *expires_in,
                        session.refresh.is_some(),
                        self.refresh_scope.as_deref(),
                        crate::protocol::token::Surface::App,
                    )
                )),
            ],
            PanelState::Failed(e) => {
                let (what, fix) = e.explain(dctx);
                let mut lines = vec![Line::styled(format!("✗ {what}"), theme.error())];
                if let Some(f) = fix {
                    lines.push(Line::raw(format!("  fix: {f}")));
                }
                lines
            }
            PanelState::Cancelled => vec![Line::styled(
                "Cancelled; nothing was exchanged. Press r to sign in again.",
                theme.warn(),
            )],
        }
    }

    fn browser_lines(&self, paint: &Paint, now: Instant) -> Vec<Line<'static>> {
        let PanelState::Browser {
            redirect_uri,
            browser,
            listener_failed,
            deadline,
            ..
        } = &self.state
        else {
            return vec![];
        };
        let theme = paint.theme;
        // The waiting line first and the address last, so a small terminal still shows both
        // the time left and the whole address above the paste field.
        let mut lines = vec![Line::raw(format!(
            "{} waiting for the answer on {redirect_uri} ({})",
            paint.spin(),
            left(*deadline, now)
        ))];
        if let Some(e) = listener_failed {
            lines.push(Line::styled(format!("! {e}"), theme.warn()));
        }
        if let Some(note) = &self.paste_note {
            lines.push(Line::styled(format!("✗ not used: {note}"), theme.error()));
        }
        lines.push(Line::raw(browser_words(browser).to_string()));
        lines
    }

    /// The address to open, when there is one (drawn cut hard at the width: a URL must not be
    /// broken at its hyphens).
    pub fn url(&self) -> Option<&str> {
        match &self.state {
            PanelState::Browser { url, .. } => Some(url),
            _ => None,
        }
    }

    fn device_lines(&self, paint: &Paint, now: Instant) -> Vec<Line<'static>> {
        let PanelState::Device {
            user_code,
            verification_uri,
            complete,
            deadline,
            slower,
        } = &self.state
        else {
            return vec![];
        };
        let theme = paint.theme;
        let mut lines = vec![
            Line::raw(format!(
                "On any device, open {verification_uri} and enter the code:"
            )),
            Line::raw(""),
            Line::styled(format!("    {}", spaced(user_code)), theme.title()),
            Line::raw(""),
            Line::raw(format!(
                "{} waiting for the sign-in ({}). Only enter the code if you started this sign-in.",
                paint.spin(),
                left(*deadline, now)
            )),
        ];
        if let Some(i) = slower {
            lines.push(Line::styled(
                format!(
                    "! the server asked to poll more slowly: every {} s",
                    i.as_secs()
                ),
                theme.warn(),
            ));
        }
        if let Some(c) = complete {
            lines.push(Line::raw(format!("Or scan (opens {c})")));
        }
        lines
    }

    /// The QR code of the address with the code filled in, when the server sent one.
    pub fn qr(&self) -> Option<Vec<Line<'static>>> {
        match &self.state {
            PanelState::Device {
                complete: Some(c), ..
            } => Some(qr_lines(c)),
            _ => None,
        }
    }
}

/// "4:59 left".
fn left(deadline: Instant, now: Instant) -> String {
    let secs = deadline.saturating_duration_since(now).as_secs();
    format!("{}:{:02} left", secs / 60, secs % 60)
}

impl SignInPanel {
    /// Draw the panel: its text, and the paste field while the browser sign-in waits.
    pub fn render(&self, frame: &mut Frame, area: Rect, paint: &Paint, dctx: &Context) {
        let mut lines = wrap::hanging_all(self.lines(paint, Instant::now(), dctx), area.width);
        if let Some(qr) = self.qr() {
            // Only whole: a QR code cut at the bottom does not scan.
            let room = usize::from(area.height).saturating_sub(lines.len());
            if qr.len() <= room {
                lines.extend(qr);
            } else {
                lines.push(Line::styled(
                    "(a taller terminal shows a QR code here)",
                    paint.theme.dim(),
                ));
            }
        }
        if self.copied {
            lines.push(Line::styled(
                "✓ sent to the terminal's clipboard (OSC 52; some terminals ask to allow it)",
                paint.theme.ok(),
            ));
        }
        if let Some(url) = self.url() {
            let chars: Vec<char> = url.chars().collect();
            let w = usize::from(area.width.max(1));
            lines.extend(
                chars
                    .chunks(w)
                    .map(|c| Line::styled(c.iter().collect::<String>(), paint.theme.focus())),
            );
        }
        let text_h = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let field_h = if self.typing() { 3 } else { 0 };
        let text_area = Rect {
            height: area.height.saturating_sub(field_h).min(text_h),
            ..area
        };
        frame.render_widget(wrap::paragraph(lines, text_area), text_area);
        if self.typing() && area.height > text_area.height {
            let field = Rect {
                y: area.y + text_area.height,
                height: area.height - text_area.height,
                ..area
            };
            self.paste.render(frame, field, true, paint.theme, None);
        }
    }
}

fn browser_words(b: &BrowserOutcome) -> &'static str {
    match b {
        BrowserOutcome::Opened => {
            "A browser opened this address; sign in there, or paste below the address it ends on:"
        }
        BrowserOutcome::Skipped(SkipReason::Remote) => {
            "SSH session: open this on your own machine, sign in, paste below the address it ends on:"
        }
        BrowserOutcome::Skipped(_) | BrowserOutcome::Failed(_) => {
            "Open this in a browser, sign in, and paste below the address it ends on:"
        }
    }
}

/// "ABCD-EFGH" as "A B C D - E F G H", easier to read off a screen.
fn spaced(code: &str) -> String {
    code.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

fn qr_lines(text: &str) -> Vec<Line<'static>> {
    crate::flows::sign_in::qr_code(text)
        .map(|art| {
            art.lines()
                .map(|l| Line::from(Span::raw(l.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

//! The verify screen: the layered checks of one profile or all, streamed in as each profile is
//! done, scrollable, and cancellable while it runs.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::flows::verify::{NAME_WIDTH, ProfileReport, Status};
use crate::stores::profile::ProfileError;
use crate::tui::command::{Command, Ending, Outcome};
use crate::tui::msg::Msg;
use crate::tui::widgets::keymap::Keymap;
use crate::tui::widgets::layout::{self, Chrome};
use crate::tui::widgets::scroll::Scroll;
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;

/// What a key does on the verify screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Scroll(isize),
    Cancel,
    Again,
    Leave,
}

#[derive(Debug)]
pub struct VerifyScreen {
    pub names: Vec<String>,
    /// One slot per name, filled as its report arrives.
    pub reports: Vec<Option<ProfileReport>>,
    pub running: bool,
    pub cancelled: bool,
    /// Where the results are scrolled to (anywhere, until first drawn).
    scroll: Scroll,
    /// The results were checked but could not be written to the profiles file.
    pub not_recorded: Option<ProfileError>,
}

impl VerifyScreen {
    pub fn start(names: Vec<String>) -> (Self, Command) {
        let mut screen = Self {
            reports: Vec::new(),
            names,
            running: false,
            cancelled: false,
            scroll: Scroll::new(usize::MAX),
            not_recorded: None,
        };
        let cmd = screen.run();
        (screen, cmd)
    }

    fn run(&mut self) -> Command {
        self.reports = vec![None; self.names.len().max(1)];
        self.running = true;
        self.cancelled = false;
        self.scroll.home();
        Command::Verify {
            names: self.names.clone(),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.running
    }

    pub fn update(&mut self, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Verified { index, report } if self.running => {
                if let Some(slot) = self.reports.get_mut(index) {
                    *slot = Some(*report);
                }
                Outcome::none()
            }
            Msg::VerifyDone(recorded) if self.running => {
                self.running = false;
                self.not_recorded = recorded.err();
                vec![Command::LoadProfiles].into()
            }
            _ => Outcome::none(),
        }
    }

    /// The keys of the screen as it is now: the key handling and the legend read this table.
    fn keymap(&self) -> Keymap<Act> {
        Keymap::new()
            .scrolling(Act::Scroll)
            .quiet(KeyCode::Home, Act::Scroll(isize::MIN / 2))
            .quiet(KeyCode::End, Act::Scroll(isize::MAX / 2))
            .when(self.running, |k| {
                k.on(KeyCode::Esc, "Esc", "cancel", Act::Cancel)
            })
            .when(!self.running, |k| {
                k.on('r', "r", "run again", Act::Again)
                    .on(KeyCode::Esc, "Esc", "back", Act::Leave)
                    .quiet(KeyCode::Enter, Act::Leave)
                    .quiet('q', Act::Leave)
            })
    }

    fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match self.keymap().action(&key) {
            Some(Act::Cancel) => {
                self.running = false;
                self.cancelled = true;
                vec![Command::CancelVerify].into()
            }
            Some(Act::Again) => vec![self.run()].into(),
            Some(Act::Leave) => Outcome::Done(Ending::Quiet),
            Some(Act::Scroll(by)) => self.scroll_by(by),
            None => Outcome::none(),
        }
    }

    fn scroll_by(&mut self, lines: isize) -> Outcome {
        self.scroll.by(lines);
        Outcome::none()
    }

    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.keymap().legend()
    }

    pub fn render(&self, frame: &mut Frame, paint: &Paint) {
        let chrome = Chrome {
            title: format!("oauth-setup · verify {}", self.names.join(", ")),
            indicator: self.progress(),
            steps: vec![],
            keys: self.keys(),
        };
        let area = layout::draw(frame, paint.theme, &chrome);
        let lines = wrap::hanging_all(self.lines(paint), area.width);
        let height = usize::from(area.height);
        let (top, _) = self.scroll.fit(lines.len(), height);
        let shown: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
        frame.render_widget(Paragraph::new(shown), area);
    }

    /// After a finished run of several profiles, which failed, first: the reports below may be
    /// longer than the screen.
    fn summary(&self, theme: Theme) -> Vec<Line<'static>> {
        if self.running || self.names.len() < 2 {
            return Vec::new();
        }
        let failed: Vec<&str> = self
            .reports
            .iter()
            .flatten()
            .filter(|r| !r.ok)
            .map(|r| r.name.as_str())
            .collect();
        let line = match failed.len() {
            0 => Line::styled(format!("✓ all {} passed", self.names.len()), theme.ok()),
            n => Line::styled(
                format!(
                    "✗ {n} of {} failed: {}",
                    self.names.len(),
                    failed.join(", ")
                ),
                theme.error(),
            ),
        };
        vec![line, Line::raw("")]
    }

    /// "3 of 6 done", or how it ended.
    fn progress(&self) -> String {
        let done = self.reports.iter().filter(|r| r.is_some()).count();
        let total = self.names.len();
        match (self.running, self.cancelled) {
            (true, _) => format!("{done} of {total} done"),
            (false, true) => format!("cancelled: {done} of {total} done"),
            (false, false) => format!("{total} checked"),
        }
    }

    fn lines(&self, paint: &Paint) -> Vec<Line<'static>> {
        let theme = paint.theme;
        let mut lines = self.summary(theme);
        for (i, name) in self.names.iter().enumerate() {
            match self.reports.get(i).and_then(Option::as_ref) {
                Some(r) => lines.extend(report_lines(r, theme)),
                None if self.running => lines.push(Line::from(vec![
                    Span::styled(format!("{name} "), theme.title()),
                    Span::raw(format!("{} checking …", paint.spin())),
                ])),
                None => lines.push(Line::from(vec![
                    Span::styled(format!("{name} "), theme.title()),
                    Span::styled("not checked (cancelled)", theme.warn()),
                ])),
            }
            lines.push(Line::raw(""));
        }
        if let Some(e) = &self.not_recorded {
            lines.push(Line::from(vec![
                Span::styled("! warning: ", theme.warn()),
                Span::raw(format!("could not record the result: {e}")),
            ]));
        }
        lines
    }
}

/// One profile's verdict and its checks; a wrapped detail stays under its column.
fn report_lines(r: &ProfileReport, theme: Theme) -> Vec<Line<'static>> {
    let verdict = if r.ok {
        Span::styled("✓ ok", theme.ok())
    } else {
        Span::styled("✗ failed", theme.error())
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", r.name), theme.title()),
        verdict,
    ])];
    for c in &r.checks {
        let style = match c.status {
            Status::Ok => theme.ok(),
            Status::Warn => theme.warn(),
            Status::Fail => theme.error(),
            Status::Skip => theme.dim(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", c.status.label()), style),
            Span::raw(format!("{:<w$} ", c.name, w = NAME_WIDTH)),
            Span::raw(c.detail.clone()),
        ]));
        if let Some(fix) = &c.fix {
            lines.push(Line::from(vec![
                Span::raw(format!("       {:<w$} ", "", w = NAME_WIDTH)),
                Span::styled("fix: ", theme.warn()),
                Span::raw(fix.clone()),
            ]));
        }
    }
    lines
}

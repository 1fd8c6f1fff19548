//! The frame around every screen: title and step indicator, an optional side list of steps, the
//! footer of keys, the too-small message and the overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::widgets::theme::Theme;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;
/// The side list of steps appears from this width on.
pub const SIDE_LIST_WIDTH: u16 = 100;

pub struct Chrome<'a> {
    pub title: String,
    pub indicator: String,
    /// The steps, for the side list.
    pub steps: Vec<StepMark<'a>>,
    pub keys: Vec<(&'a str, &'a str)>,
}

/// One step in the side list, and where the user is relative to it.
pub struct StepMark<'a> {
    pub label: &'a str,
    pub progress: Progress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Done,
    Current,
    Ahead,
}

impl<'a> StepMark<'a> {
    /// `order` is the step compared with the current one.
    pub fn new(label: &'a str, order: std::cmp::Ordering) -> Self {
        let progress = match order {
            std::cmp::Ordering::Less => Progress::Done,
            std::cmp::Ordering::Equal => Progress::Current,
            std::cmp::Ordering::Greater => Progress::Ahead,
        };
        Self { label, progress }
    }
}

pub fn too_small(frame: &mut Frame, area: Rect) -> bool {
    if area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT {
        return false;
    }
    let text = format!(
        "terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})",
        area.width, area.height
    );
    let y = area.y + area.height / 2;
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }),
        Rect {
            y,
            height: area.height - area.height / 2,
            ..area
        },
    );
    true
}

/// Draw the frame and return the body area.
pub fn draw(frame: &mut Frame, theme: Theme, chrome: &Chrome) -> Rect {
    let area = frame.area();
    let footer = footer_lines(&chrome.keys, area.width, theme);
    let footer_h = u16::try_from(footer.len()).unwrap_or(1);
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(footer_h),
    ])
    .areas(area);
    let indicator_w = chrome.indicator.chars().count() as u16;
    let [title_area, ind_area] =
        Layout::horizontal([Constraint::Min(1), Constraint::Length(indicator_w + 1)]).areas(top);
    // A long title gives way to the indicator with an ellipsis and a space, never running into it.
    let room = usize::from(title_area.width.saturating_sub(1));
    let title = crate::tui::widgets::wrap::ellipsis(&chrome.title, room);
    frame.render_widget(
        Paragraph::new(Span::styled(title, theme.title())),
        title_area,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(chrome.indicator.clone(), theme.title())),
        ind_area,
    );
    frame.render_widget(Paragraph::new(footer), bottom);
    if area.width >= SIDE_LIST_WIDTH && !chrome.steps.is_empty() {
        let [side, body] =
            Layout::horizontal([Constraint::Length(24), Constraint::Min(1)]).areas(middle);
        let lines: Vec<Line> = chrome
            .steps
            .iter()
            .map(|step| {
                let (mark, style) = match step.progress {
                    Progress::Current => ("▸", theme.focus()),
                    Progress::Done => ("✓", theme.ok()),
                    Progress::Ahead => (" ", theme.dim()),
                };
                Line::styled(format!("{mark} {}", step.label), style)
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::RIGHT)
                    .border_style(theme.dim()),
            ),
            side,
        );
        return inset(body);
    }
    inset(middle)
}

/// The legend of keys, on as many lines as it needs: a key and what it does are never split,
/// and none is dropped.
fn footer_lines(keys: &[(&str, &str)], width: u16, theme: Theme) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let (mut lines, mut line, mut used) = (Vec::new(), Vec::new(), 0);
    for (k, what) in keys {
        let item = k.chars().count() + 1 + what.chars().count();
        if used > 0 && used + 2 + item > width {
            lines.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        if used > 0 {
            line.push(Span::raw("  "));
            used += 2;
        }
        line.push(Span::styled((*k).to_string(), theme.key()));
        line.push(Span::raw(format!(" {what}")));
        used += item;
    }
    lines.push(Line::from(line));
    lines
}

fn inset(area: Rect) -> Rect {
    Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        y: area.y + 1,
        height: area.height.saturating_sub(1),
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn overlay(frame: &mut Frame, theme: Theme, title: &str, lines: Vec<Line<'static>>) {
    // Wrapped first, so the box is as tall as its text and its last line is never cut.
    let width = 64.min(frame.area().width);
    let lines = crate::tui::widgets::wrap::hanging_all(lines, width.saturating_sub(2));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(theme.focus());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

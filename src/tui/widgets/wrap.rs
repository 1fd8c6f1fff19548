//! Wrapping to the screen with a hanging indent: continuation lines start under the text they
//! continue, not at the margin, so a wrapped item still reads as one item and no word is lost.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Below this many columns for the text, the indent is dropped rather than squeezing it.
const MIN_TEXT: usize = 12;

/// A paragraph of `lines` wrapped to fit `area`.
pub fn paragraph(lines: Vec<Line<'static>>, area: Rect) -> Paragraph<'static> {
    Paragraph::new(hanging_all(lines, area.width))
}

/// `s` cut to at most `width` columns, the cut marked with an ellipsis.
pub fn ellipsis(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut cut = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.to_string().width();
        if used + w + 1 > width {
            break;
        }
        cut.push(ch);
        used += w;
    }
    cut.push('…');
    cut
}

/// Every line wrapped to `width` columns.
pub fn hanging_all(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    lines.into_iter().flat_map(|l| hanging(l, width)).collect()
}

/// One line wrapped to `width`. The indent is the width of every span but the last, or, for a
/// line of one span, its leading spaces and list marker ("1. ", "- ", "• ").
pub fn hanging(line: Line<'static>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if line.width() <= width || line.spans.is_empty() {
        return vec![line];
    }
    let style = line.style;
    let mut spans = line.spans;
    let body = spans.pop().unwrap_or_default();
    let (prefix, text) = if spans.is_empty() {
        let text = body.content.to_string();
        let cut = indent_of(&text);
        let (head, rest) = text.split_at(cut);
        (
            vec![Span::styled(head.to_string(), body.style)],
            rest.to_string(),
        )
    } else {
        (spans, body.content.to_string())
    };
    let indent: usize = prefix.iter().map(|s| s.content.width()).sum();
    let room = width.saturating_sub(indent);
    if room < MIN_TEXT {
        // Too narrow for an indent: the whole line as plain text, wrapped at the margin.
        let all: String = prefix
            .iter()
            .map(|s| s.content.as_ref())
            .collect::<String>()
            + &text;
        return words(&all, width)
            .into_iter()
            .map(|c| Line::from(Span::styled(c.into_owned(), body.style)).style(style))
            .collect();
    }
    let mut out = Vec::new();
    for (i, chunk) in words(&text, room).into_iter().enumerate() {
        let lead = if i == 0 {
            prefix.clone()
        } else {
            vec![Span::raw(" ".repeat(indent))]
        };
        let mut spans = lead;
        spans.push(Span::styled(chunk.into_owned(), body.style));
        out.push(Line::from(spans).style(style));
    }
    out
}

/// `text` broken at spaces only: a host or URL with a hyphen (acme.service-now.com) stays whole
/// unless it is wider than the line by itself.
fn words(text: &str, width: usize) -> Vec<std::borrow::Cow<'_, str>> {
    let options =
        textwrap::Options::new(width.max(1)).word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
}

/// Bytes of leading spaces plus a list marker ("1. ", "- ", "• ") or a verdict mark ("✓ ", "✗ ",
/// "! "), if any.
fn indent_of(text: &str) -> usize {
    let spaces = text.len() - text.trim_start_matches(' ').len();
    let rest = &text[spaces..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let marker = if digits > 0 && rest[digits..].starts_with(". ") {
        digits + 2
    } else if rest.starts_with("- ") {
        2
    } else if let Some(mark) = ["• ", "✓ ", "✗ ", "! "]
        .iter()
        .find(|m| rest.starts_with(**m))
    {
        mark.len()
    } else {
        0
    };
    spaces + marker
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_hyphenated_address_is_never_broken_at_its_hyphen() {
        let line = Line::raw(
            "Your ServiceNow address: acme, acme.service-now.com or https://acme.service-now.com.",
        );
        // From the width of the longest word on: a narrower line must break a word somewhere.
        for width in 30..90 {
            let joined = text(&hanging(line.clone(), width)).join("\n");
            assert!(!joined.contains("service-\n"), "{width}: {joined}");
        }
    }

    #[test]
    fn continuation_lines_hang_under_the_text() {
        let line = Line::from(vec![
            Span::raw("  fix: "),
            Span::raw("check the client id and secret on the clients page"),
        ]);
        assert_eq!(
            text(&hanging(line, 30)),
            [
                "  fix: check the client id and",
                "       secret on the clients",
                "       page"
            ]
        );
        let item = Line::raw("1. Open https://acme.coupahost.com/oauth2/clients now");
        assert_eq!(
            text(&hanging(item, 30)),
            [
                "1. Open",
                "   https://acme.coupahost.com/",
                "   oauth2/clients now"
            ]
        );
    }

    #[test]
    fn a_verdict_mark_hangs_like_a_list_marker() {
        let done = Line::raw("✓ the new secret works and replaced the old one in the file store");
        let lines = text(&hanging(done, 40));
        assert!(
            lines[1].starts_with("  ") && !lines[1].starts_with("   "),
            "{lines:?}"
        );
    }

    #[test]
    fn nothing_is_lost_and_nothing_is_wider_than_the_screen() {
        let words = "a long sentence that a user must read to the very end (Enter again accepts)";
        for width in [8u16, 20, 33, 60, 80] {
            let lines = hanging(
                Line::from(vec![Span::raw("! warning: "), Span::raw(words)]),
                width,
            );
            assert!(
                lines.iter().all(|l| l.width() <= usize::from(width)),
                "{width}"
            );
            let joined: String = text(&lines).join(" ");
            let squeezed: Vec<&str> = joined.split_whitespace().collect();
            assert!(
                squeezed.join(" ").contains("(Enter again accepts)"),
                "{width}: {joined}"
            );
        }
    }
}

//! The app's last line of defence: after a frame is drawn and before it reaches the terminal,
//! every cell that would carry a control or bidi character is replaced. Text from outside is
//! escaped where it enters (`crate::rules::sanitize`); this pass makes a missed path harmless too.

use ratatui::buffer::Buffer;

use crate::rules::sanitize::has_unsafe;

/// U+FFFD, the replacement character: visible, one column, and inert in every terminal.
const REPLACEMENT: &str = "\u{fffd}";

pub fn scrub(buf: &mut Buffer) {
    for cell in &mut buf.content {
        if has_unsafe(cell.symbol()) {
            cell.set_symbol(REPLACEMENT);
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;

    use super::*;

    #[test]
    fn no_cell_keeps_a_control_or_bidi_character() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 1));
        // set_string would drop some of these; set them cell by cell, as a widget bug might.
        for (x, s) in [
            "a", "\u{1b}", "\u{9b}", "\u{202e}", "\u{7f}", "é", "\u{2066}",
        ]
        .iter()
        .enumerate()
        {
            buf[(u16::try_from(x).unwrap(), 0)].set_symbol(s);
        }
        scrub(&mut buf);
        let text: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert!(!has_unsafe(&text), "{text:?}");
        assert!(text.starts_with("a\u{fffd}\u{fffd}\u{fffd}\u{fffd}é\u{fffd}"));
    }
}

//! The one gate for text that comes from outside (servers, Vault, a teammate's file, the
//! environment) on its way to a person: control characters (C0, DEL, C1, so ESC and every
//! terminal sequence) and the bidirectional controls that reorder what a reader sees are shown
//! escaped (`\u{1b}`), never passed on, and lengths are capped. Pure; the command line's
//! output edge ([`crate::base::out`]) passes everything through it as a last line; the app scrubs each
//! drawn frame (`tui/scrub.rs`).

use std::borrow::Cow;

/// The bidirectional controls (Unicode's "Trojan Source" set): embeddings, overrides,
/// isolates, marks.
const BIDI: [char; 12] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// Whether `c` may not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || BIDI.contains(&c)
}

pub fn has_unsafe(s: &str) -> bool {
    s.chars().any(is_unsafe)
}

/// Text from outside as one line for people: every unsafe character escaped (a newline too),
/// at most `max` characters of the original, an ellipsis when cut.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 2));
    for (count, c) in s.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        push_shown(&mut out, c);
    }
    out
}

/// Text for a terminal that may span lines: newlines kept, every other unsafe character
/// escaped, except the exact colour sequences of `keep` (the program's own). Borrowed when
/// there is nothing to change, which is the common case.
pub fn for_terminal<'a>(s: &'a str, keep: &[&str]) -> Cow<'a, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if let Some(seq) = keep.iter().find(|k| rest.starts_with(**k)) {
            out.push_str(seq);
            rest = &rest[seq.len()..];
            continue;
        }
        if c == '\n' {
            out.push(c);
        } else {
            push_shown(&mut out, c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

fn push_shown(out: &mut String, c: char) {
    if is_unsafe(c) {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(one_line("a\x1b]52;c;x\x07b", 80), "a\\u{1b}]52;c;x\\u{7}b");
        assert_eq!(one_line("line\r\nnext", 80), "line\\r\\nnext");
        assert_eq!(one_line("abc\u{202e}def", 80), "abc\\u{202e}def");
        assert_eq!(one_line("\u{9b}31m", 80), "\\u{9b}31m", "C1 CSI");
        assert_eq!(one_line("héllo wörld", 5), "héllo…");
        assert_eq!(one_line("plain", 5), "plain");
    }

    #[test]
    fn terminal_text_keeps_newlines_and_our_colours() {
        let keep = ["\x1b[32m", "\x1b[0m"];
        assert!(matches!(for_terminal("a\nb", &keep), Cow::Borrowed(_)));
        assert_eq!(
            for_terminal("\x1b[32mok:\x1b[0m \x1b[2Jgone\u{2067}", &keep),
            "\x1b[32mok:\x1b[0m \\u{1b}[2Jgone\\u{2067}"
        );
        assert_eq!(for_terminal("tab\there", &keep), "tab\\there");
    }

    proptest! {
        #[test]
        fn nothing_unsafe_comes_out(s in any::<String>(), max in 0usize..200) {
            let line = one_line(&s, max);
            prop_assert!(!has_unsafe(&line), "{line:?}");
            let text = for_terminal(&s, &[]);
            prop_assert!(!text.chars().any(|c| c != '\n' && is_unsafe(c)), "{text:?}");
            prop_assert!(line.chars().count() <= max.saturating_mul(12) + 1);
        }
    }
}

//! A screen's keys as one table: which key does what, and the legend line that says so. The
//! key handling and the legend both read the table, so the legend never offers a key that does
//! nothing, and no key acts unannounced unless it is marked as a quiet alias.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the table matches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The key without Ctrl (Shift is part of the character or of BackTab).
    Plain(KeyCode),
    /// Ctrl with a letter.
    Ctrl(char),
}

impl Key {
    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Self::Plain(code) => !ctrl && event.code == code,
            Self::Ctrl(c) => ctrl && event.code == KeyCode::Char(c),
        }
    }
}

impl From<KeyCode> for Key {
    fn from(code: KeyCode) -> Self {
        Self::Plain(code)
    }
}

impl From<char> for Key {
    fn from(c: char) -> Self {
        Self::Plain(KeyCode::Char(c))
    }
}

/// One legend entry (or none, for a quiet alias) and the keys it stands for.
#[derive(Debug, Clone)]
struct Row<A> {
    shown: Option<(&'static str, &'static str)>,
    /// Shown in the legend line; otherwise only in the help (an alias with its own words).
    in_legend: bool,
    keys: Vec<(Key, A)>,
}

/// The table of one screen in one state. Rows are matched in order: the first key that matches
/// wins, so a row added earlier shadows a later one for the same key.
#[derive(Debug, Clone)]
pub struct Keymap<A> {
    rows: Vec<Row<A>>,
}

impl<A> Default for Keymap<A> {
    fn default() -> Self {
        Self { rows: Vec::new() }
    }
}

impl<A: Copy> Keymap<A> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A key, shown in the legend as `label` with what it `does`.
    pub fn on(self, key: impl Into<Key>, label: &'static str, does: &'static str, act: A) -> Self {
        self.row(Some((label, does)), vec![(key.into(), act)])
    }

    /// Several keys under one legend entry ("↑↓ choose").
    pub fn keys(self, label: &'static str, does: &'static str, keys: &[(Key, A)]) -> Self {
        self.row(Some((label, does)), keys.to_vec())
    }

    /// A key that acts without its own legend entry: an alias of one that has one (BackTab for
    /// Tab, ← for Space), or a screen's quiet extra.
    pub fn quiet(self, key: impl Into<Key>, act: A) -> Self {
        self.row(None, vec![(key.into(), act)])
    }

    /// An alias the legend leaves out for room but the help lists ("v: verify, as Enter").
    pub fn alias(
        mut self,
        key: impl Into<Key>,
        label: &'static str,
        does: &'static str,
        act: A,
    ) -> Self {
        self.rows.push(Row {
            shown: Some((label, does)),
            in_legend: false,
            keys: vec![(key.into(), act)],
        });
        self
    }

    /// ↑↓ by a line and PgUp/PgDn by ten, as one legend entry: what a scrolled view offers.
    pub fn scrolling(self, by: impl Fn(isize) -> A) -> Self {
        let keys = [
            (KeyCode::Up.into(), by(-1)),
            (KeyCode::Down.into(), by(1)),
            (KeyCode::PageUp.into(), by(-10)),
            (KeyCode::PageDown.into(), by(10)),
        ];
        self.keys("↑↓ PgUp PgDn", "scroll", &keys)
    }

    /// Rows added only when `cond` holds, so a key exists exactly when its legend entry does.
    pub fn when(self, cond: bool, add: impl FnOnce(Self) -> Self) -> Self {
        if cond { add(self) } else { self }
    }

    /// Another table's rows, their actions wrapped into this one's.
    pub fn embed<B: Copy>(mut self, other: Keymap<B>, wrap: impl Fn(B) -> A) -> Self {
        for row in other.rows {
            let keys = row.keys.into_iter().map(|(k, b)| (k, wrap(b))).collect();
            self.rows.push(Row {
                shown: row.shown,
                in_legend: row.in_legend,
                keys,
            });
        }
        self
    }

    fn row(mut self, shown: Option<(&'static str, &'static str)>, keys: Vec<(Key, A)>) -> Self {
        self.rows.push(Row {
            shown,
            in_legend: true,
            keys,
        });
        self
    }

    /// What the key does here, if anything.
    pub fn action(&self, event: &KeyEvent) -> Option<A> {
        self.rows
            .iter()
            .flat_map(|r| &r.keys)
            .find(|(k, _)| k.matches(event))
            .map(|(_, a)| *a)
    }

    /// The legend: each shown row once, in the table's order.
    pub fn legend(&self) -> Vec<(&'static str, &'static str)> {
        self.rows
            .iter()
            .filter(|r| r.in_legend)
            .filter_map(|r| r.shown)
            .collect()
    }

    /// The aliases the help lists beside the legend, in the table's order.
    pub fn aliases(&self) -> Vec<(&'static str, &'static str)> {
        self.rows
            .iter()
            .filter(|r| !r.in_legend)
            .filter_map(|r| r.shown)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Act {
        Up,
        Down,
        Next,
        Reveal,
        Alias,
    }

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn table(extra: bool) -> Keymap<Act> {
        Keymap::new()
            .keys(
                "↑↓",
                "choose",
                &[
                    (KeyCode::Up.into(), Act::Up),
                    (KeyCode::Down.into(), Act::Down),
                ],
            )
            .on(KeyCode::Enter, "Enter", "next", Act::Next)
            .when(extra, |k| {
                k.on(Key::Ctrl('r'), "Ctrl+R", "show", Act::Reveal)
            })
            .quiet(KeyCode::BackTab, Act::Alias)
    }

    #[test]
    fn the_legend_and_the_keys_come_from_one_table() {
        let t = table(true);
        assert_eq!(
            t.legend(),
            [("↑↓", "choose"), ("Enter", "next"), ("Ctrl+R", "show")]
        );
        let none = KeyModifiers::NONE;
        assert_eq!(t.action(&ev(KeyCode::Down, none)), Some(Act::Down));
        assert_eq!(t.action(&ev(KeyCode::BackTab, none)), Some(Act::Alias));
        assert_eq!(
            t.action(&ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Act::Reveal)
        );
        // A key the table lacks does nothing, and neither does its entry when left out.
        assert_eq!(t.action(&ev(KeyCode::Char('r'), none)), None);
        let without = table(false);
        assert!(!without.legend().contains(&("Ctrl+R", "show")));
        assert_eq!(
            without.action(&ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            None
        );
    }

    #[test]
    fn ctrl_never_matches_a_plain_key_and_first_row_wins() {
        let t = Keymap::new()
            .on(KeyCode::Enter, "Enter", "next", Act::Next)
            .on(KeyCode::Enter, "Enter", "again", Act::Up);
        assert_eq!(
            t.action(&ev(KeyCode::Enter, KeyModifiers::CONTROL)),
            None,
            "Ctrl+Enter is not Enter"
        );
        assert_eq!(
            t.action(&ev(KeyCode::Enter, KeyModifiers::SHIFT)),
            Some(Act::Next)
        );
        let wrapped: Keymap<Option<Act>> = Keymap::new().embed(t, Some);
        assert_eq!(
            wrapped.action(&ev(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Some(Act::Next))
        );
    }

    #[test]
    fn an_alias_acts_and_is_listed_in_the_help_not_the_legend() {
        let t = table(false).alias('v', "v", "next, as Enter", Act::Next);
        assert_eq!(t.legend(), [("↑↓", "choose"), ("Enter", "next")]);
        assert_eq!(t.aliases(), [("v", "next, as Enter")]);
        let v = ev(KeyCode::Char('v'), KeyModifiers::NONE);
        assert_eq!(t.action(&v), Some(Act::Next));
        let embedded: Keymap<Act> = Keymap::new().embed(t, |a| a);
        assert_eq!(embedded.aliases(), [("v", "next, as Enter")]);
    }
}

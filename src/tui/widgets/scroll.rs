//! A view's first line, kept within what there is to see. Only the frame knows the height, so
//! each drawing tells the state how far down it can go, and keys move within that: presses past
//! an end never pile up.

use std::cell::Cell;

#[derive(Debug)]
pub struct Scroll {
    top: usize,
    /// The last first line there is, as of the last drawing.
    bottom: Cell<usize>,
    /// How many rows the last drawing showed.
    rows: Cell<usize>,
}

impl Scroll {
    /// At the top; `bottom` is how far keys may go before the first drawing.
    pub fn new(bottom: usize) -> Self {
        Self {
            top: 0,
            bottom: Cell::new(bottom),
            rows: Cell::new(10),
        }
    }

    pub fn home(&mut self) {
        self.top = 0;
    }

    /// Move by `lines` (negative: up), within what the last drawing showed there is.
    pub fn by(&mut self, lines: isize) {
        let bottom = self.bottom.get();
        self.top = self
            .top
            .min(bottom)
            .saturating_add_signed(lines)
            .min(bottom);
    }

    /// A page down (or up, `forward` false): the rows last shown, less one kept for context,
    /// so nothing is skipped however few rows there are.
    pub fn page(&mut self, forward: bool) {
        let step = isize::try_from(self.rows.get().saturating_sub(1).max(1)).unwrap_or(1);
        self.by(if forward { step } else { -step });
    }

    /// Drawing `total` lines in `height` rows: the first line to show, and whether more lie
    /// below it.
    pub fn fit(&self, total: usize, height: usize) -> (usize, bool) {
        let bottom = total.saturating_sub(height);
        self.bottom.set(bottom);
        self.rows.set(height);
        let top = self.top.min(bottom);
        (top, top < bottom)
    }

    /// Whether the last drawing had more lines than rows.
    pub fn overflows(&self) -> bool {
        self.bottom.get() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presses_past_an_end_do_not_pile_up() {
        let mut s = Scroll::new(usize::MAX);
        assert_eq!(s.fit(30, 10), (0, true));
        for _ in 0..10 {
            s.by(10);
        }
        assert_eq!(s.fit(30, 10), (20, false), "at the bottom");
        s.by(-1);
        assert_eq!(s.fit(30, 10), (19, true), "one back moves at once");
        s.by(isize::MIN / 2);
        assert_eq!(s.fit(30, 10).0, 0);
        assert!(s.overflows());
        assert_eq!(s.fit(5, 10), (0, false));
        assert!(!s.overflows(), "it fits");
    }
}

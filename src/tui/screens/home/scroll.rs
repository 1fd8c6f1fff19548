//! Which rows of a long list are in view: the cursor's, the view moved as little as it can.

/// The first row in view: `previous` moved only as far as keeps `cursor` among the `rows` in
/// view, and never past the point where the last row is at the bottom.
pub fn top(previous: usize, cursor: usize, len: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    let top = if cursor < previous {
        cursor
    } else if cursor >= previous + rows {
        cursor + 1 - rows
    } else {
        previous
    };
    top.min(len.saturating_sub(rows))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// Wherever the view was, the cursor is in it afterwards, the view is full when there
        /// are rows enough, and it moves no further than it must.
        #[test]
        fn the_cursor_stays_in_view(len in 1usize..3000, rows in 1usize..60, previous in 0usize..3000, at in 0usize..3000) {
            let cursor = at % len;
            let top = super::top(previous, cursor, len, rows);
            prop_assert!(top <= cursor && cursor < top + rows, "cursor {cursor} out of view at {top}");
            prop_assert!(top <= len.saturating_sub(rows), "the view runs past the last row");
            if (previous..previous + rows).contains(&cursor) && previous + rows <= len {
                prop_assert_eq!(top, previous, "moved although the cursor was in view");
            }
        }
    }
}

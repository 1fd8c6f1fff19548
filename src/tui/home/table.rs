//! Fitting the profiles table to the width: every column gets at least its minimum, the least
//! important columns are dropped when even that does not fit, and extra width goes to the
//! columns whose values are cut, most important first. Rows never wrap.

use std::time::SystemTime;

use unicode_width::UnicodeWidthStr;

use crate::profile::ProfilesFile;

/// A column: its heading, the narrowest it is useful at, and how important it is (lower
/// numbers are dropped first and widened last).
pub struct Column {
    pub header: &'static str,
    pub min: usize,
    pub rank: u8,
    /// Never cut: the column is dropped rather than shown in part.
    pub whole: bool,
}

/// The profiles table: name and instance say which profile it is, the verdict whether it works;
/// provider and secret store are dropped first.
pub const COLUMNS: [Column; 5] = [
    Column {
        header: "NAME",
        min: 8,
        whole: false,
        rank: 4,
    },
    Column {
        header: "INSTANCE",
        min: 12,
        whole: false,
        rank: 3,
    },
    Column {
        header: "PROVIDER",
        min: 8,
        whole: false,
        rank: 1,
    },
    Column {
        header: "SECRET",
        min: 7,
        whole: false,
        rank: 0,
    },
    Column {
        header: "LAST VERIFIED",
        min: 13,
        whole: true,
        rank: 5,
    },
];

/// The cells of each profile, in the order of `COLUMNS`.
pub fn profile_cells(profiles: &ProfilesFile, now: SystemTime) -> Vec<Vec<String>> {
    profiles
        .profiles
        .iter()
        .map(|(name, p)| {
            let verified = p.verified_words(now, "✓ ok", "✗ failed");
            vec![
                name.clone(),
                p.instance_url.trim_start_matches("https://").to_string(),
                p.provider.clone(),
                p.secret_store.as_str().to_string(),
                verified,
            ]
        })
        .collect()
}

/// Columns between the two-character row marker and each other.
const GAP: usize = 2;
pub const MARKER: usize = 2;

/// The width of each column (`None` when dropped) for rows of `cells`, within `width`.
pub fn widths(columns: &[Column], cells: &[Vec<String>], width: usize) -> Vec<Option<usize>> {
    let ideal: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|row| row.get(i).map_or(0, |v| v.width()))
                .chain([c.header.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let min: Vec<usize> = columns
        .iter()
        .zip(&ideal)
        .map(|(c, i)| if c.whole { (*i).max(c.min) } else { c.min })
        .collect();
    let mut shown: Vec<bool> = vec![true; columns.len()];
    let need = |shown: &[bool]| -> usize {
        let n = shown.iter().filter(|s| **s).count();
        MARKER
            + min
                .iter()
                .zip(shown)
                .filter(|(_, s)| **s)
                .map(|(m, _)| m)
                .sum::<usize>()
            + GAP * n.saturating_sub(1)
    };
    let mut by_rank: Vec<usize> = (0..columns.len()).collect();
    by_rank.sort_by_key(|&i| columns[i].rank);
    for &i in &by_rank {
        if need(&shown) <= width || shown.iter().filter(|s| **s).count() == 1 {
            break;
        }
        shown[i] = false;
    }
    let mut out: Vec<Option<usize>> = min
        .iter()
        .zip(&shown)
        .map(|(m, s)| s.then_some(*m))
        .collect();
    let mut spare = width.saturating_sub(need(&shown));
    for &i in by_rank.iter().rev() {
        if let Some(w) = out[i].as_mut() {
            let more = ideal[i].saturating_sub(*w).min(spare);
            *w += more;
            spare -= more;
        }
    }
    out
}

/// `s` in exactly `width` columns: padded, or cut with an ellipsis.
pub fn cell(s: &str, width: usize) -> String {
    let cut = crate::tui::wrap::ellipsis(s, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

/// One row: the cells of the shown columns, in `width`s, two spaces apart.
pub fn row(cells: &[String], widths: &[Option<usize>]) -> String {
    cells
        .iter()
        .zip(widths)
        .filter_map(|(c, w)| w.map(|w| cell(c, w)))
        .collect::<Vec<_>>()
        .join("  ")
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> [Column; 5] {
        COLUMNS
    }

    fn rows() -> Vec<Vec<String>> {
        [
            [
                "production-eu-invoices",
                "acme-eu.coupahost.com",
                "servicenow",
                "keyring",
                "✗ failed 12 days ago",
            ],
            ["b", "b.coupahost.com", "coupa", "file", "never"],
        ]
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
    }

    #[test]
    fn rows_fit_every_width_and_the_least_important_columns_go_first() {
        for width in [40, 60, 80, 120, 200] {
            let w = widths(&columns(), &rows(), width);
            for r in rows() {
                let line = row(&r, &w);
                assert!(MARKER + line.width() <= width, "{width}: {line:?}");
            }
            if width < 80 {
                assert_eq!(w[3], None, "{width}: the secret store is dropped first");
            }
        }
        let narrow = widths(&columns(), &rows(), 40);
        assert_eq!(narrow[2], None, "then the provider");
        let wide = widths(&columns(), &rows(), 200);
        assert_eq!(
            wide[0],
            Some("production-eu-invoices".len()),
            "extra width is used"
        );
        assert_eq!(wide[4], Some("✗ failed 12 days ago".width()));
        let at80 = widths(&columns(), &rows(), 80);
        assert_eq!(
            at80[4],
            Some("✗ failed 12 days ago".width()),
            "the verdict is never cut at 80 columns"
        );
    }

    #[test]
    fn cut_cells_end_with_an_ellipsis() {
        assert_eq!(cell("servicenow", 8), "service…");
        assert_eq!(cell("coupa", 8), "coupa   ");
    }
}

//! Fitting the profiles table to the width: every column gets at least its minimum, the least
//! important columns are dropped when even that does not fit, and extra width goes to the
//! columns whose values are cut, most important first. Rows never wrap.

use std::time::SystemTime;

use unicode_width::UnicodeWidthStr;

use std::collections::BTreeMap;

use crate::session::status::SessionStatus;
use crate::stores::profile::ProfilesFile;

/// A column: its heading, the narrowest it is useful at, and how important it is (lower
/// numbers are dropped first and widened last).
pub struct Column {
    pub header: &'static str,
    pub min: usize,
    pub rank: u8,
    /// Never cut: the column is dropped rather than shown in part.
    pub whole: bool,
    /// Its values tell the rows apart: where they share a beginning, they are cut at the
    /// start, so the part that differs stays in view.
    pub distinct: bool,
    /// At least this wide whatever its values: a time that ticks ("59 min", "1 h") never moves
    /// the columns after it.
    pub steady: usize,
}

/// The profiles table: name and instance say which profile it is, the verdict whether it works,
/// the grant and the tokens' state how long it will; provider and secret store are dropped first.
pub const COLUMNS: [Column; 8] = [
    Column {
        header: "NAME",
        min: 8,
        whole: false,
        distinct: true,
        steady: 0,
        rank: 7,
    },
    Column {
        header: "INSTANCE",
        min: 12,
        whole: false,
        distinct: true,
        steady: 0,
        rank: 5,
    },
    Column {
        header: "GRANT",
        min: 12,
        whole: false,
        distinct: false,
        steady: 0,
        rank: 2,
    },
    Column {
        header: "EXPIRES",
        min: 9,
        whole: false,
        distinct: false,
        steady: 9,
        rank: 3,
    },
    Column {
        header: "REFRESH",
        min: 9,
        whole: false,
        distinct: false,
        steady: 12,
        rank: 4,
    },
    Column {
        header: "PROVIDER",
        min: 8,
        whole: false,
        distinct: false,
        steady: 0,
        rank: 1,
    },
    Column {
        header: "SECRET",
        min: 7,
        whole: false,
        distinct: false,
        steady: 0,
        rank: 0,
    },
    Column {
        header: "LAST VERIFIED",
        min: 13,
        whole: true,
        distinct: false,
        steady: 0,
        rank: 8,
    },
];

/// The cells of each profile, in the order of `COLUMNS`; the token columns hold "…" until the
/// statuses are read (so they keep their place until it is known whether they carry anything).
pub fn profile_cells(
    profiles: &ProfilesFile,
    statuses: &BTreeMap<String, SessionStatus>,
    now: SystemTime,
) -> Vec<Vec<String>> {
    profiles
        .profiles
        .iter()
        .map(|(name, p)| {
            let verified = p.verified_words(now, "✓ ok", "✗ failed");
            let status = statuses.get(name);
            vec![
                name.clone(),
                p.instance_url.trim_start_matches("https://").to_string(),
                p.grant_type.short_label().to_string(),
                status.map_or_else(|| "…".into(), |s| s.access_words(now)),
                // Known from the grant alone: no refresh token without a user.
                match status {
                    Some(s) => s.refresh_words(p, now),
                    None if !p.grant_type.is_user_grant() => "-".into(),
                    None => "…".into(),
                },
                p.provider.clone(),
                p.secret.kind().as_str().to_string(),
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
                .chain([c.header.width(), c.steady])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let min: Vec<usize> = columns
        .iter()
        .zip(&ideal)
        // A column never needs more than its widest value (an empty one, its heading).
        .map(|(c, i)| {
            if c.whole {
                (*i).max(c.min)
            } else {
                c.min.min(*i)
            }
        })
        .collect();
    let fit = Fit {
        ideal: &ideal,
        min: &min,
        width,
    };
    let mut by_rank: Vec<usize> = (0..columns.len()).collect();
    by_rank.sort_by_key(|&i| columns[i].rank);
    // A column with nothing in it ("-" for every client-credentials profile) goes first.
    let mut shown: Vec<bool> = (0..columns.len())
        .map(|i| !carries_nothing(cells, i))
        .collect();
    for &i in &by_rank {
        if fit.need(&shown) <= width || shown.iter().filter(|s| **s).count() == 1 {
            break;
        }
        shown[i] = false;
    }
    // The extras go before a more important column is cut: the provider, the secret store,
    // and any column that says the same for every row (it tells no two profiles apart).
    let extra = |i: usize| {
        columns[i].rank < EXTRA_BELOW
            // A time says the same for every row only for a moment: it is no extra.
            || (!columns[i].whole
                && !columns[i].distinct
                && columns[i].steady == 0
                && same_in_all(cells, i))
    };
    for &i in by_rank.iter().filter(|&&i| extra(i)) {
        let out = fit.spread(&shown, &by_rank);
        let cut = (0..columns.len()).any(|c| !extra(c) && out[c].is_some_and(|w| w < ideal[c]));
        if !cut {
            return out;
        }
        shown[i] = false;
    }
    fit.spread(&shown, &by_rank)
}

/// Whether two or more rows all hold the same value in column `i`.
fn same_in_all(cells: &[Vec<String>], i: usize) -> bool {
    let mut values = cells.iter().map(|r| r.get(i));
    let first = values.next().flatten();
    cells.len() > 1 && values.all(|v| v == first)
}

/// Whether no row has anything in column `i` (every cell empty or "-").
fn carries_nothing(cells: &[Vec<String>], i: usize) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|r| r.get(i).is_none_or(|v| v.is_empty() || v == "-"))
}

/// The table as fitted to a width: each column's width (`None`: dropped) and, for each row,
/// which of its values are cut at the start.
pub struct Fitted {
    pub widths: Vec<Option<usize>>,
    from_start: Vec<Vec<bool>>,
}

/// Fit `cells` under `columns` into `width`. A value of a `distinct` column that must be cut
/// and begins like another row's is cut at its start, so the part that differs stays in view.
pub fn fit(columns: &[Column], cells: &[Vec<String>], width: usize) -> Fitted {
    let widths = widths(columns, cells, width);
    let from_start = cells
        .iter()
        .enumerate()
        .map(|(r, row)| {
            (0..columns.len())
                .map(|c| {
                    let (Some(w), Some(v)) = (widths[c], row.get(c)) else {
                        return false;
                    };
                    columns[c].distinct && v.width() > w && shares_start(cells, r, c)
                })
                .collect()
        })
        .collect();
    Fitted { widths, from_start }
}

/// Whether row `r`'s value in column `c` begins with three or more characters of another row's.
fn shares_start(cells: &[Vec<String>], r: usize, c: usize) -> bool {
    let Some(mine) = cells[r].get(c) else {
        return false;
    };
    cells.iter().enumerate().any(|(other, row)| {
        other != r
            && row.get(c).is_some_and(|v| {
                mine.chars()
                    .zip(v.chars())
                    .take_while(|(a, b)| a == b)
                    .count()
                    >= 3
            })
    })
}

impl Fitted {
    /// Row `r` of the table, `cells` in its columns' widths, two spaces apart.
    pub fn row(&self, r: usize, cells: &[String]) -> String {
        let shown: Vec<String> = cells
            .iter()
            .enumerate()
            .filter_map(|(c, v)| {
                let w = self.widths.get(c).copied().flatten()?;
                let start = self.from_start.get(r).and_then(|f| f.get(c)).copied();
                Some(match start {
                    Some(true) => cell_from_start(v, w),
                    _ => cell(v, w),
                })
            })
            .collect();
        shown.join("  ").trim_end().to_string()
    }

    /// The headings of the shown columns.
    pub fn header(&self, columns: &[Column]) -> String {
        let names: Vec<String> = columns.iter().map(|c| c.header.to_string()).collect();
        row(&names, &self.widths)
    }
}

/// `s` in exactly `width` columns, cut at the start ("…west-1-integration2") when it is wider.
pub fn cell_from_start(s: &str, width: usize) -> String {
    if s.width() <= width {
        return cell(s, width);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 1; // the ellipsis
    for ch in s.chars().rev() {
        let w = ch.to_string().width();
        if used + w > width {
            break;
        }
        used += w;
        tail.push(ch);
    }
    let cut: String = std::iter::once('…').chain(tail.into_iter().rev()).collect();
    cell(&cut, width)
}

/// Columns ranked below this (provider, secret store) are extras: shown only when the others
/// are not cut for them.
const EXTRA_BELOW: u8 = 2;

struct Fit<'a> {
    ideal: &'a [usize],
    min: &'a [usize],
    width: usize,
}

impl Fit<'_> {
    /// The width the shown columns need at their minimum.
    fn need(&self, shown: &[bool]) -> usize {
        let n = shown.iter().filter(|s| **s).count();
        MARKER
            + self
                .min
                .iter()
                .zip(shown)
                .filter(|(_, s)| **s)
                .map(|(m, _)| m)
                .sum::<usize>()
            + GAP * n.saturating_sub(1)
    }

    /// Minimum widths, then the spare width to the most important columns first.
    fn spread(&self, shown: &[bool], by_rank: &[usize]) -> Vec<Option<usize>> {
        let mut out: Vec<Option<usize>> = self
            .min
            .iter()
            .zip(shown)
            .map(|(m, s)| s.then_some(*m))
            .collect();
        let mut spare = self.width.saturating_sub(self.need(shown));
        for &i in by_rank.iter().rev() {
            if let Some(w) = out[i].as_mut() {
                let more = self.ideal[i].saturating_sub(*w).min(spare);
                *w += more;
                spare -= more;
            }
        }
        out
    }
}

/// `s` in exactly `width` columns: padded, or cut with an ellipsis.
pub fn cell(s: &str, width: usize) -> String {
    let cut = crate::tui::widgets::wrap::ellipsis(s, width);
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

    fn columns() -> [Column; 8] {
        COLUMNS
    }

    fn rows() -> Vec<Vec<String>> {
        [
            [
                "production-eu-invoices",
                "acme-eu.coupahost.com",
                "auth code",
                "23 h",
                "80 days old: log in again soon",
                "servicenow",
                "keyring",
                "✗ failed 12 days ago",
            ],
            [
                "b",
                "b.coupahost.com",
                "client creds",
                "-",
                "-",
                "coupa",
                "file",
                "never",
            ],
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
            if width < 120 {
                assert_eq!(w[6], None, "{width}: the secret store is dropped first");
            }
        }
        let narrow = widths(&columns(), &rows(), 60);
        assert_eq!(narrow[5], None, "then the provider");
        let wide = widths(&columns(), &rows(), 200);
        assert_eq!(
            wide[0],
            Some("production-eu-invoices".len()),
            "extra width is used"
        );
        assert_eq!(wide[7], Some("✗ failed 12 days ago".width()));
        let at80 = widths(&columns(), &rows(), 80);
        assert_eq!(
            at80[7],
            Some("✗ failed 12 days ago".width()),
            "the verdict is never cut at 80 columns"
        );
        assert!(
            at80[4].is_some(),
            "the refresh token's age shows at 80 columns: {at80:?}"
        );
    }

    #[test]
    fn cut_cells_end_with_an_ellipsis() {
        assert_eq!(cell("servicenow", 8), "service…");
        assert_eq!(cell("coupa", 8), "coupa   ");
        assert_eq!(cell_from_start("west-1-integration2", 8), "…ration2");
        assert_eq!(cell_from_start("short", 8), "short   ");
    }

    /// Rows that differ stay different: columns with nothing in them go before the name is
    /// cut, and names and instances that share a beginning are cut there, not at their end.
    #[test]
    fn different_profiles_never_look_the_same() {
        let profile = |name: &str, instance: &str| -> Vec<String> {
            [
                name,
                instance,
                "client creds",
                "-",
                "-",
                "generic",
                "file",
                "✗ failed just now",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        };
        let cells = vec![
            profile(
                "acme-production-eu-west-1-integration",
                "http://127.0.0.1:9",
            ),
            profile(
                "acme-production-eu-west-1-integration2",
                "http://127.0.0.1:18080",
            ),
        ];
        for width in [60, 80, 120] {
            let fitted = fit(&columns(), &cells, width);
            assert_eq!(fitted.widths[3], None, "{width}: EXPIRES carries nothing");
            assert_eq!(fitted.widths[4], None, "{width}: REFRESH carries nothing");
            let (a, b) = (fitted.row(0, &cells[0]), fitted.row(1, &cells[1]));
            assert_ne!(a, b, "{width}");
            let name_w = fitted.widths[0].unwrap();
            let name = |r: &str| r.chars().take(name_w).collect::<String>();
            assert_ne!(name(&a), name(&b), "{width}: the names differ in view");
            assert!(MARKER + b.width() <= width, "{width}: {b}");
        }
    }
}

//! Properties of the home table over random sets of profiles and sizes: rows of different
//! profiles never look the same, the selected row is always drawn, and the columns stay where
//! they are while the times in them tick and the statuses are read again.

use std::time::{Duration, SystemTime};

use proptest::prelude::*;

use super::driver::{Driver, one_profile};
use super::render::{draw, screen_text};
use crate::protocol::token::GrantType;
use crate::session::status::SessionStatus;
use crate::stores::profile::ProfilesFile;
use crate::tui::app::Entry;
use crate::tui::msg::Msg;

const SIZES: [(u16, u16); 4] = [(60, 18), (80, 24), (120, 40), (200, 60)];

/// Profiles named and placed from the generated parts; often alike at the start, as real
/// fleets are ("acme-eu-west-1-integration", "acme-eu-west-1-integration2").
fn fleet(parts: &[(u8, u8, u8, bool)]) -> ProfilesFile {
    let template = one_profile();
    let base = template.get("acme").unwrap().clone();
    let mut file = ProfilesFile::default();
    for (i, (name, host, port, signs_in)) in parts.iter().enumerate() {
        let mut p = base.clone();
        let name = format!("acme-eu-west-1-integration{}-{name}", i % 3);
        p.instance_url = format!(
            "http://127.0.0.1:{}",
            18000 + u16::from(*host) * 7 + u16::from(*port)
        );
        if *signs_in {
            p.grant_type = GrantType::AuthorizationCode;
        }
        p.secret_ref = format!("{name}-000000000000");
        file.profiles.insert(name, p);
    }
    file.default_profile = file.profiles.keys().next().cloned();
    file
}

fn statuses(
    file: &ProfilesFile,
    at: SystemTime,
    lifetimes: &[u32],
) -> Vec<(String, SessionStatus)> {
    file.profiles
        .keys()
        .zip(lifetimes.iter().cycle())
        .map(|(n, secs)| {
            let access = (*secs > 0).then(|| at + Duration::from_secs(u64::from(*secs)));
            (
                n.clone(),
                SessionStatus {
                    access_expires_at: access,
                    refresh: None,
                },
            )
        })
        .collect()
}

/// The table's rows as drawn (heading first), without the row markers.
fn table(d: &Driver, w: u16, h: u16, n: usize) -> Vec<String> {
    let text = screen_text(&draw(&d.app, w, h));
    text.lines()
        .skip(2)
        .take(n + 1)
        .map(|l| l.chars().skip(3).collect::<String>().trim_end().to_string())
        .collect()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rows_of_different_profiles_never_look_the_same(
        parts in proptest::collection::btree_set((0u8..4, 0u8..3, 0u8..3, any::<bool>()), 2..7),
        cursor in 0usize..7,
    ) {
        let parts: Vec<_> = parts.into_iter().collect();
        let file = fleet(&parts);
        let n = file.profiles.len();
        let mut d = Driver::new(Entry::Start, file.clone());
        d.send(Msg::Statuses(statuses(&file, SystemTime::now(), &[0, 3599, 86_000])));
        for _ in 0..cursor.min(n - 1) {
            d.press(ratatui::crossterm::event::KeyCode::Down);
        }
        for (w, h) in SIZES {
            let rows = table(&d, w, h, n);
            let mut seen = std::collections::BTreeSet::new();
            for row in &rows[1..] {
                prop_assert!(seen.insert(row.clone()), "{w}x{h}: two rows read {row:?}:\n{}", rows.join("\n"));
            }
            // The selected row is drawn, and marked.
            let text = screen_text(&draw(&d.app, w, h));
            prop_assert!(text.contains('▸'), "{w}x{h}: no selected row:\n{text}");
        }
    }

    /// However far the cursor goes in a long list (a line, a page, to either end), at every
    /// size its row is drawn, marked, and it is the cursor's profile.
    #[test]
    fn the_cursor_row_stays_in_view_in_a_long_list(
        n in 20usize..200,
        keys in proptest::collection::vec(0usize..6, 1..16),
    ) {
        use ratatui::crossterm::event::KeyCode;
        let parts: Vec<_> = (0..n).map(|i| (0u8, 0u8, 0u8, i % 7 == 0)).collect();
        let mut file = ProfilesFile::default();
        let base = fleet(&parts[..1]).profiles.into_values().next().unwrap();
        for i in 0..n {
            file.profiles.insert(format!("p{i:04}"), base.clone());
        }
        let mut d = Driver::new(Entry::Start, file.clone());
        for k in keys {
            let key = [KeyCode::Down, KeyCode::Up, KeyCode::PageDown, KeyCode::PageUp, KeyCode::End, KeyCode::Home][k];
            for _ in 0..if k < 2 { 7 } else { 1 } {
                d.press(key);
            }
            let crate::tui::app::Screen::Home(home) = &d.app.screen else {
                panic!("not on the home screen")
            };
            let name = home.current(&file).unwrap();
            for (w, h) in SIZES {
                let text = screen_text(&draw(&d.app, w, h));
                let marked: Vec<&str> = text.lines().filter(|l| l.contains('▸')).collect();
                prop_assert_eq!(marked.len(), 1, "{}x{}: {} marked rows:\n{}", w, h, marked.len(), text);
                prop_assert!(marked[0].contains(&name), "{}x{}: the marked row is not {}:\n{}", w, h, name, text);
            }
        }
    }

    #[test]
    fn columns_stay_put_while_times_tick_and_statuses_are_read_again(
        parts in proptest::collection::btree_set((0u8..4, 0u8..3, 0u8..3, any::<bool>()), 1..6),
        lifetimes in proptest::collection::vec(0u32..90_000, 1..6),
        later in 1u64..7200,
    ) {
        let parts: Vec<_> = parts.into_iter().collect();
        let file = fleet(&parts);
        let n = file.profiles.len();
        let now = SystemTime::now();
        // One token that is about to expire at the second reading: the widest word ("expiring").
        let mut lifetimes = lifetimes;
        lifetimes.insert(0, u32::try_from(later).unwrap() + 30);
        let mut d = Driver::new(Entry::Start, file.clone());
        d.send(Msg::Statuses(statuses(&file, now, &lifetimes)));
        let first: Vec<_> = SIZES.iter().map(|(w, h)| table(&d, *w, *h, n)[0].clone()).collect();
        // The same tokens, read again later: every time left is shorter.
        let shifted = now.checked_sub(Duration::from_secs(later)).unwrap();
        d.send(Msg::Statuses(statuses(&file, shifted, &lifetimes)));
        let second: Vec<_> = SIZES.iter().map(|(w, h)| table(&d, *w, *h, n)[0].clone()).collect();
        prop_assert_eq!(first, second, "the headings moved");
    }
}

#[test]
fn two_profiles_that_differ_only_late_in_their_names_are_told_apart_at_60_columns() {
    let file = fleet(&[(0, 0, 0, false), (1, 0, 0, false)]);
    let d = Driver::new(Entry::Start, file);
    let rows = table(&d, 60, 18, 2);
    assert_ne!(rows[1], rows[2], "{rows:?}");
}

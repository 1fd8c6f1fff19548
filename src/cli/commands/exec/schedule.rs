//! When `exec --keep-fresh` renews its token file. Pure.

use std::time::Duration;

/// How long before expiry a token is renewed: `min_valid`, but never more than half the time it
/// has left, so that a server's short-lived tokens are not renewed in a loop.
pub fn margin(remaining: Duration, min_valid: Duration) -> Duration {
    min_valid.min(remaining / 2)
}

/// How long to wait before renewing a token with `remaining` left; `None` for a token without
/// a known expiry, which is kept as it is.
pub fn renew_in(remaining: Option<Duration>, min_valid: Duration) -> Option<Duration> {
    let remaining = remaining?;
    Some(remaining - margin(remaining, min_valid))
}

/// Whether a new token is worth keeping as renewed: one that would be due again within a
/// second (a server's `expires_in: 0`) counts as a failed renewal, so the waits back off.
pub fn too_short(remaining: Option<Duration>, min_valid: Duration) -> bool {
    renew_in(remaining, min_valid).is_some_and(|d| d < Duration::from_secs(1))
}

/// The wait before another try after `failures` failed renewals in a row: 1 s, doubling, at
/// most a minute.
pub fn retry_in(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.saturating_sub(1).min(6)).min(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn renewal_times() {
        assert_eq!(renew_in(Some(S(3600)), S(60)), Some(S(3540)));
        assert_eq!(
            renew_in(Some(S(10)), S(60)),
            Some(S(5)),
            "half a short life"
        );
        assert_eq!(renew_in(None, S(60)), None);
        assert_eq!(renew_in(Some(S(0)), S(60)), Some(S(0)));
        assert!(too_short(Some(S(0)), S(60)) && too_short(Some(S(1)), S(60)));
        assert!(!too_short(Some(S(2)), S(60)) && !too_short(None, S(60)));
        let retries: Vec<u64> = (1..=9).map(|n| retry_in(n).as_secs()).collect();
        assert_eq!(retries, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    proptest! {
        /// A renewal comes before expiry and not before half the life is used, and the token then
        /// still has the margin left.
        #[test]
        fn a_renewal_is_before_expiry(remaining in 0u64..1_000_000, min in 0u64..100_000) {
            let (r, m) = (S(remaining), S(min));
            let wait = renew_in(Some(r), m).unwrap();
            prop_assert!(wait <= r);
            prop_assert!(wait >= r / 2);
            prop_assert_eq!(r - wait, margin(r, m));
            prop_assert!(margin(r, m) <= m);
        }
    }
}

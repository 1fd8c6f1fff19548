//! How long a rate-limited answer (429, or 503 with `Retry-After`) says to wait: the standard
//! `Retry-After` (seconds, or an HTTP date), else the preset's reset header.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Answer;
use crate::rules::provider::{ResetHeader, ResetUnit};

/// The wait the answer asks for; `None` when it names none.
pub fn retry_after(
    answer: &Answer,
    reset: Option<&ResetHeader>,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(v) = answer.header("retry-after") {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(at.duration_since(now).unwrap_or_default());
        }
    }
    let reset = reset?;
    let value: u64 = answer.header(&reset.header)?.trim().parse().ok()?;
    match reset.unit {
        ResetUnit::Seconds => Some(Duration::from_secs(value)),
        ResetUnit::UnixTime => {
            let at = UNIX_EPOCH.checked_add(Duration::from_secs(value))?;
            Some(at.duration_since(now).unwrap_or_default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(headers: &[(&str, &str)]) -> Answer {
        Answer {
            status: 429,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            ..Answer::default()
        }
    }

    #[test]
    fn seconds_dates_and_reset_times() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let unix = ResetHeader {
            header: "X-RateLimit-Reset".into(),
            unit: ResetUnit::UnixTime,
        };
        assert_eq!(
            retry_after(&answer(&[("Retry-After", "7")]), None, now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&answer(&[("retry-after", &date)]), None, now),
            Some(Duration::from_secs(30))
        );
        let reset = answer(&[("x-ratelimit-reset", "1800000012")]);
        assert_eq!(
            retry_after(&reset, Some(&unix), now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(retry_after(&reset, None, now), None);
        let past = answer(&[("x-ratelimit-reset", "1700000000")]);
        assert_eq!(retry_after(&past, Some(&unix), now), Some(Duration::ZERO));
        assert_eq!(
            retry_after(&answer(&[("Retry-After", "soon")]), None, now),
            None
        );
    }
}

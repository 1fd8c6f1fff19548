//! Timestamps as RFC 3339 text (UTC, whole seconds), and their age in plain words.

use std::time::{Duration, SystemTime};

pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// A UNIX time read from a store or a server, as a `SystemTime` that cannot overflow: beyond the
/// year 9999 it is taken as then.
pub fn from_unix(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs.min(253_402_300_799))
}

/// "3 min ago", "2 h ago", "5 days ago"; `None` when the text is not a timestamp.
pub fn age(stamp: &str, now: SystemTime) -> Option<String> {
    let then = humantime::parse_rfc3339(stamp).ok()?;
    Some(ago(now.duration_since(then).unwrap_or(Duration::ZERO)))
}

/// "just now", "2 min ago", "3 h ago", "5 days ago".
pub fn ago(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    match secs {
        0..60 => "just now".to_string(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_plainly() {
        let then = humantime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let at = |s| age("2026-01-01T00:00:00Z", then + Duration::from_secs(s)).unwrap();
        assert_eq!(at(5), "just now");
        assert_eq!(at(120), "2 min ago");
        assert_eq!(at(7200), "2 h ago");
        assert_eq!(at(3 * 86_400), "3 days ago");
        assert_eq!(age("yesterday", then), None);
    }
}

//! The device grant's pure parts (RFC 8628): reading the device authorization answer, and what
//! to do after each polling answer.

use std::time::Duration;

use serde::Deserialize;

use crate::protocol::token::{Failure, Layer, RawResponse};
use crate::rules::secret::Secret;

/// RFC 8628 §3.2's default polling interval.
const DEFAULT_INTERVAL: u64 = 5;
/// A device code lives at most a day here, and a poll waits at most five minutes.
const MAX_EXPIRES_IN: u64 = 86_400;
const MAX_INTERVAL: u64 = 300;
/// Polls wait a little longer than asked, so a clock that runs fast (VMs, WSL) is not told to
/// slow down (gh's lesson, cli/cli#9370).
const MARGIN: f64 = 1.2;
/// Connection trouble doubles the wait, up to this.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct DeviceStart {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
}

#[derive(Deserialize)]
struct Body {
    device_code: Option<String>,
    user_code: Option<String>,
    // Some servers (and oauth2-rs) spell it verification_url.
    #[serde(alias = "verification_url")]
    verification_uri: Option<String>,
    verification_uri_complete: Option<String>,
    expires_in: Option<u64>,
    interval: Option<u64>,
}

/// The device authorization answer; an error answer or a body without its required fields is
/// a [`Failure`] diagnosed like the token endpoint's.
pub fn parse_start(raw: &RawResponse) -> Result<DeviceStart, Failure> {
    if !(200..300).contains(&raw.status) {
        return Err(match crate::protocol::token::interpret(raw) {
            Err(f) => f,
            Ok(_) => Failure::Malformed {
                reason: format!("HTTP {} from the device endpoint", raw.status),
            },
        });
    }
    let malformed = |what: &str| Failure::Malformed {
        reason: format!("the device authorization answer has no {what}"),
    };
    let mut body: Body = serde_json::from_slice(&raw.body).map_err(|_| Failure::Malformed {
        reason: "the device authorization answer is not JSON".into(),
    })?;
    let device_code = body
        .device_code
        .take()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| malformed("device_code"))?;
    let device_code = Secret::new(device_code);
    let bad = |what: &str| Failure::Malformed {
        reason: format!("the device authorization answer's {what} is refused"),
    };
    crate::protocol::token::check_token(device_code.expose()).map_err(|_| bad("device_code"))?;
    let user_code = body
        .user_code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| malformed("user_code"))?;
    // A person reads and types it: short, visible ASCII (RFC 8628 §6.1).
    if user_code.len() > 64 || !user_code.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(bad("user_code"));
    }
    let verification_uri = body
        .verification_uri
        .ok_or_else(|| malformed("verification_uri"))?;
    // Handed to the browser and drawn as a QR code: an https address (loopback http for
    // tests), never file:, javascript: or data:.
    let page = |u: &str| {
        crate::rules::fields::parse_endpoint(crate::rules::fields::Field::Endpoints, "", u)
    };
    page(&verification_uri).map_err(|_| bad("verification_uri"))?;
    if let Some(c) = &body.verification_uri_complete {
        page(c).map_err(|_| bad("verification_uri_complete"))?;
    }
    Ok(DeviceStart {
        device_code,
        user_code,
        verification_uri,
        verification_uri_complete: body.verification_uri_complete,
        // Bounded, so no deadline or wait can overflow.
        expires_in: body.expires_in.unwrap_or(600).clamp(1, MAX_EXPIRES_IN),
        interval: body
            .interval
            .unwrap_or(DEFAULT_INTERVAL)
            .clamp(1, MAX_INTERVAL),
    })
}

/// What the poller does after an answer that is not a token.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Wait(Duration),
    Denied,
    Expired,
    /// A second `slow_down`: polls arrive early by the server's clock.
    ClockDrift,
    Fail,
}

#[derive(Debug)]
pub struct Poller {
    interval: Duration,
    backoff: Option<Duration>,
    slow_downs: u32,
}

impl Poller {
    pub fn new(interval_secs: u64) -> Self {
        Self {
            interval: Duration::from_secs(interval_secs.max(1)),
            backoff: None,
            slow_downs: 0,
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The wait before the next poll.
    pub fn wait(&self) -> Duration {
        self.backoff
            .unwrap_or_else(|| self.interval.mul_f64(MARGIN))
    }

    /// RFC 8628 §3.5, from one polling answer.
    pub fn after(&mut self, failure: &Failure) -> Next {
        if failure.layer() == Layer::Connection {
            let doubled = self.backoff.unwrap_or(self.interval) * 2;
            self.backoff = Some(doubled.min(MAX_BACKOFF));
            return Next::Wait(self.wait());
        }
        self.backoff = None;
        let Failure::OAuth { error, .. } = failure else {
            return Next::Fail;
        };
        match error.code() {
            "authorization_pending" => Next::Wait(self.wait()),
            "slow_down" if self.slow_downs > 0 => Next::ClockDrift,
            "slow_down" => {
                self.slow_downs += 1;
                // For this and every later poll (§3.5).
                self.interval += Duration::from_secs(5);
                Next::Wait(self.wait())
            }
            "access_denied" => Next::Denied,
            "expired_token" => Next::Expired,
            _ => Next::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::token::OAuthError;

    fn oauth(code: &str) -> Failure {
        Failure::OAuth {
            status: 400,
            error: OAuthError::from_code(code),
            description: None,
        }
    }

    #[test]
    fn polling_follows_rfc_8628() {
        let mut p = Poller::new(5);
        assert_eq!(p.wait(), Duration::from_secs(6));
        assert_eq!(
            p.after(&oauth("authorization_pending")),
            Next::Wait(Duration::from_secs(6))
        );
        assert_eq!(
            p.after(&oauth("slow_down")),
            Next::Wait(Duration::from_secs(12))
        );
        assert_eq!(
            p.interval(),
            Duration::from_secs(10),
            "+5 s for every later poll"
        );
        assert_eq!(
            p.after(&oauth("authorization_pending")),
            Next::Wait(Duration::from_secs(12))
        );
        assert_eq!(p.after(&oauth("slow_down")), Next::ClockDrift);
        assert_eq!(p.after(&oauth("access_denied")), Next::Denied);
        assert_eq!(p.after(&oauth("expired_token")), Next::Expired);
        assert_eq!(p.after(&oauth("invalid_client")), Next::Fail);
        let refused = Failure::Refused { target: "x".into() };
        assert_eq!(
            p.after(&refused),
            Next::Wait(Duration::from_secs(20)),
            "backs off"
        );
        assert_eq!(p.after(&refused), Next::Wait(Duration::from_secs(40)));
        assert_eq!(
            p.after(&refused),
            Next::Wait(Duration::from_secs(60)),
            "capped"
        );
        assert_eq!(
            p.after(&oauth("authorization_pending")),
            Next::Wait(Duration::from_secs(12))
        );
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        let mut r = RawResponse::default();
        r.status = status;
        r.content_type = Some("application/json".into());
        r.body = body.as_bytes().to_vec();
        r
    }

    #[test]
    fn the_start_answer_is_checked() {
        let s = parse_start(&raw(200, r#"{"device_code":"dc","user_code":"ABCD-EFGH","verification_url":"https://as/device","expires_in":600}"#)).unwrap();
        assert_eq!(
            (s.user_code.as_str(), s.interval, s.expires_in),
            ("ABCD-EFGH", 5, 600)
        );
        assert_eq!(s.verification_uri, "https://as/device", "the alias is read");
        assert!(!format!("{s:?}").contains("\"dc\""));
        assert!(matches!(
            parse_start(&raw(200, r#"{"user_code":"A"}"#)),
            Err(Failure::Malformed { .. })
        ));
        assert!(matches!(
            parse_start(&raw(400, r#"{"error":"unauthorized_client"}"#)),
            Err(Failure::OAuth { .. })
        ));
    }
}

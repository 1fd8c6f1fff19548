//! The device grant (RFC 8628): ask for a user code, show it, and poll the token endpoint until
//! the user has signed in elsewhere, was refused, or the code expired.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use super::device_poll::{Next, Poller, parse_start};
use super::{SignInError, SignedIn};
use crate::protocol::authorize::CallbackError;
use crate::protocol::token::{ClientSide, Failure, GrantForm, TokenClient};
use crate::rules::fields::{Endpoint, Field};

#[derive(Debug)]
pub enum DeviceEvent {
    /// The user's turn: open `verification_uri` anywhere and enter `user_code`.
    Show {
        user_code: String,
        verification_uri: String,
        /// The same with the code filled in, for a QR code.
        complete: Option<String>,
        expires_in: Duration,
    },
    /// The server asked for slower polling.
    SlowDown { interval: Duration },
}

/// Run the device grant with `request`'s client at `device_url`.
pub async fn device_sign_in(
    client: &TokenClient,
    request: ClientSide,
    device_url: &str,
    mut on_event: impl FnMut(DeviceEvent),
    cancel: impl Future<Output = ()>,
) -> Result<SignedIn, SignInError> {
    let what = "the device authorization endpoint";
    let device_url =
        Endpoint::parse(Field::Endpoints, what, device_url).map_err(SignInError::BadEndpoint)?;
    let start_req = request
        .at(&device_url)
        .with_grant(GrantForm::DeviceAuthorization);
    let raw = client
        .post_form(&start_req)
        .await
        .map_err(SignInError::DeviceStart)?;
    let start = parse_start(&raw).map_err(SignInError::DeviceStart)?;
    let expires_in = Duration::from_secs(start.expires_in);
    on_event(DeviceEvent::Show {
        user_code: start.user_code.clone(),
        verification_uri: start.verification_uri.clone(),
        complete: start.verification_uri_complete.clone(),
        expires_in,
    });
    let poll = request.with_grant(GrantForm::DeviceCode {
        device_code: start.device_code,
    });
    let deadline = Instant::now() + expires_in;
    let polling = async {
        let mut poller = Poller::new(start.interval);
        loop {
            tokio::time::sleep(poller.wait()).await;
            if Instant::now() >= deadline {
                return Err(SignInError::CodeExpired);
            }
            let sent_at = SystemTime::now();
            let failure = match client.request(&poll).await {
                Ok(granted) => return Ok(SignedIn { granted, sent_at }),
                Err(f) => f,
            };
            let before = poller.interval();
            match poller.after(&failure) {
                Next::Wait(_) if poller.interval() != before => on_event(DeviceEvent::SlowDown {
                    interval: poller.interval(),
                }),
                Next::Wait(_) => {}
                Next::Denied => return Err(SignInError::Answer(denied(failure))),
                Next::Expired => return Err(SignInError::CodeExpired),
                Next::ClockDrift => return Err(SignInError::ClockDrift),
                Next::Fail => return Err(SignInError::Exchange(failure)),
            }
        }
    };
    tokio::select! {
        done = polling => done,
        () = cancel => Err(SignInError::Cancelled),
    }
}

fn denied(f: Failure) -> CallbackError {
    let description = match f {
        Failure::OAuth { description, .. } => description,
        _ => None,
    };
    CallbackError::Denied { description }
}

//! One authorization-code sign-in, start to finish: PKCE and state, the loopback listener, the
//! browser, the answer (from the listener or pasted), and the code exchanged through the token
//! client, so every failure gets the same diagnosis as the token test. No terminal I/O: the
//! caller shows [`SignInEvent`]s and feeds pasted text.

mod device;
mod device_poll;

pub use device::{DeviceEvent, device_sign_in};
pub use device_poll::{DeviceStart, Next, Poller, parse_start};

use std::future::Future;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use crate::account::Session;
use crate::authorize::{
    BindError, BrowserPlan, CallbackError, Expected, Listener, Pkce, RedirectUri, SkipReason,
    authorization_url, from_paste, open_browser, plan_browser, random_token,
};
use crate::exit::ExitCode;
use crate::refresh_entry::RefreshEntry;
use crate::secret::Secret;
use crate::token::{Context, Failure, GrantForm, Granted, OAuthError, TokenClient, TokenRequest};
use crate::token_cache;

/// The user has this long to sign in (the listener then closes).
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

pub struct SignInPlan {
    pub authorize_url: String,
    /// The token request without its grant (client, secret, scopes, authentication).
    pub request: TokenRequest,
    pub redirect_uris: Vec<RedirectUri>,
    pub issuer: Option<String>,
    /// RFC 9207: an answer without `iss` is refused.
    pub iss_required: bool,
    pub no_browser: bool,
    /// Whether the caller can take a pasted answer (a terminal is attached).
    pub paste: bool,
    /// The interactive app owns the terminal (a text browser must not take it).
    pub in_app: bool,
    pub timeout: Duration,
}

impl SignInPlan {
    /// The sign-in at a profile's endpoints (`None` without an authorization endpoint), with the
    /// 5-minute timeout.
    pub fn for_grant(
        grant: &crate::profile::UserGrant,
        request: TokenRequest,
        no_browser: bool,
        paste: bool,
        in_app: bool,
    ) -> Option<Self> {
        Some(Self {
            authorize_url: grant.authorize_url.clone()?,
            request,
            redirect_uris: grant
                .redirect_uris
                .iter()
                .filter_map(|u| crate::authorize::parse_redirect_uri(u).ok())
                .collect(),
            issuer: grant.issuer.clone(),
            iss_required: grant.iss_required,
            no_browser,
            paste,
            in_app,
            timeout: SIGN_IN_TIMEOUT,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserOutcome {
    Opened,
    Skipped(SkipReason),
    Failed(String),
}

#[derive(Debug)]
pub enum SignInEvent {
    /// The user's turn: open `url` (done when `browser` is `Opened`), sign in, consent.
    Waiting {
        url: String,
        redirect_uri: String,
        browser: BrowserOutcome,
        /// No port could be opened; only a pasted answer can finish.
        listener_failed: Option<BindError>,
    },
    /// A pasted answer that cannot be used; the user may paste again.
    PasteRefused(CallbackError),
    /// The answer came; the code is being exchanged.
    Exchanging,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the system has no randomness for the sign-in's one-time values")]
    NoRandomness,
    #[error("the authorization URL {0} is not a URL")]
    BadAuthorizeUrl(String),
    #[error(
        "the profile names no authorization (or device) endpoint; set it up again with the issuer"
    )]
    NoEndpoint,
    #[error(transparent)]
    Bind(BindError),
    #[error("{0}")]
    Answer(CallbackError),
    #[error("nobody signed in within {} min", .0.as_secs() / 60)]
    TimedOut(Duration),
    #[error("sign-in cancelled")]
    Cancelled,
    #[error("the code exchange failed")]
    Exchange(Failure),
    #[error("the device authorization request failed")]
    DeviceStart(Failure),
    /// The client secret could not be read from its store (words, from the store's error).
    #[error("the client secret could not be read: {0}")]
    NoSecret(String),
    #[error("the code expired before anyone signed in with it")]
    CodeExpired,
    #[error(
        "the server asked twice to poll more slowly: this machine's clock probably runs fast (common in virtual machines and WSL)"
    )]
    ClockDrift,
}

impl SignInError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Answer(_) => ExitCode::Rejected,
            Self::Exchange(f) | Self::DeviceStart(f) => f.exit_code(),
            Self::NoSecret(_) => ExitCode::SecretStore,
            Self::CodeExpired => ExitCode::Rejected,
            Self::Cancelled => ExitCode::Cancelled,
            Self::Bind(_)
            | Self::TimedOut(_)
            | Self::NoRandomness
            | Self::BadAuthorizeUrl(_)
            | Self::NoEndpoint
            | Self::ClockDrift => ExitCode::Network,
        }
    }
}

impl SignInError {
    /// What happened and what to do, in words, for the terminal or the app.
    pub fn explain(&self, dctx: &Context) -> (String, Option<String>) {
        let fix = |f: &str| Some(f.to_string());
        match self {
            Self::Exchange(
                f @ Failure::OAuth {
                    error: OAuthError::InvalidGrant,
                    ..
                },
            ) => (
                format!("the code was refused: {}", f.summary(dctx)),
                fix(
                    "sign in again: the code was wrong, expired or already used, or the redirect URI is not the one registered with the client",
                ),
            ),
            Self::Exchange(f) => (f.summary(dctx), Some(f.fix(dctx))),
            Self::DeviceStart(f) => {
                let what = format!("asking for a device code failed: {}", f.summary(dctx));
                let page = dctx.clients_page.as_deref().map(|p| format!(" on {p}"));
                let fix = match f {
                    Failure::OAuth {
                        error: OAuthError::UnauthorizedClient,
                        ..
                    } => format!(
                        "the client is not a Device code client: create one whose Grant type is Device code{}",
                        page.unwrap_or_default()
                    ),
                    _ => f.fix(dctx),
                };
                (what, Some(fix))
            }
            Self::ClockDrift => (
                self.to_string(),
                fix(
                    "correct the clock (in WSL: wsl --shutdown; in a VM: enable time sync), then sign in again",
                ),
            ),
            Self::CodeExpired => (
                self.to_string(),
                fix("sign in again and enter the new code before it expires"),
            ),
            Self::Bind(b) => (b.to_string(), Some(b.fix())),
            Self::TimedOut(_) => (
                self.to_string(),
                fix(
                    "sign in again; over SSH use --no-browser and paste the address, or forward the port: ssh -L 8765:127.0.0.1:8765 HOST",
                ),
            ),
            other => (other.to_string(), None),
        }
    }
}

/// The tokens a sign-in gave, and when the code exchange was sent (lifetimes count from then).
#[derive(Debug)]
pub struct SignedIn {
    pub granted: Granted,
    pub sent_at: SystemTime,
}

/// Run the sign-in; `pasted` carries what the user pastes, `cancel` resolves on Esc or Ctrl+C.
pub async fn sign_in(
    client: &TokenClient,
    plan: SignInPlan,
    mut on_event: impl FnMut(SignInEvent),
    mut pasted: mpsc::UnboundedReceiver<String>,
    cancel: impl Future<Output = ()>,
) -> Result<SignedIn, SignInError> {
    let pkce = Pkce::new().ok_or(SignInError::NoRandomness)?;
    let state = random_token(16).ok_or(SignInError::NoRandomness)?;
    let (listener, redirect_uri, listener_failed) = listen(&plan).await?;
    let url = authorization_url(
        &plan.authorize_url,
        &plan.request.client_id,
        &redirect_uri,
        &plan.request.scopes,
        &state,
        &pkce.challenge,
    )
    .ok_or_else(|| SignInError::BadAuthorizeUrl(plan.authorize_url.clone()))?;
    let browser = browser(plan.no_browser, plan.in_app, &url).await;
    on_event(SignInEvent::Waiting {
        url,
        redirect_uri: redirect_uri.clone(),
        browser,
        listener_failed,
    });
    let expected = Expected {
        state: &state,
        issuer: plan.issuer.as_deref(),
        iss_required: plan.iss_required,
    };
    let code = tokio::select! {
        a = answer(listener, &mut pasted, expected, &mut on_event) => a.map_err(SignInError::Answer)?,
        () = tokio::time::sleep(plan.timeout) => return Err(SignInError::TimedOut(plan.timeout)),
        () = cancel => return Err(SignInError::Cancelled),
    };
    on_event(SignInEvent::Exchanging);
    let req = plan.request.with_grant(GrantForm::AuthorizationCode {
        code,
        redirect_uri,
        verifier: pkce.verifier,
    });
    let sent_at = SystemTime::now();
    let granted = client.request(&req).await.map_err(SignInError::Exchange)?;
    Ok(SignedIn { granted, sent_at })
}

/// The first answer, from the listener or pasted; a paste that is not an answer is reported and
/// the wait goes on.
async fn answer(
    listener: Option<Listener>,
    pasted: &mut mpsc::UnboundedReceiver<String>,
    expected: Expected<'_>,
    on_event: &mut impl FnMut(SignInEvent),
) -> Result<Secret, CallbackError> {
    let from_listener = async {
        match listener {
            Some(l) => l.answer(expected).await,
            None => std::future::pending().await,
        }
    };
    let from_paste = async {
        while let Some(text) = pasted.recv().await {
            match from_paste(&text, expected) {
                Err(e @ (CallbackError::NoCode | CallbackError::StateMismatch)) => {
                    on_event(SignInEvent::PasteRefused(e));
                }
                other => return other,
            }
        }
        std::future::pending().await
    };
    tokio::select! {
        a = from_listener => a,
        a = from_paste => a,
    }
}

/// The listener on the first free redirect URI; when none is free and the user can paste, the
/// first URI without a listener.
async fn listen(
    plan: &SignInPlan,
) -> Result<(Option<Listener>, String, Option<BindError>), SignInError> {
    match Listener::bind(&plan.redirect_uris).await {
        Ok(l) => {
            let uri = l.redirect_uri.clone();
            Ok((Some(l), uri, None))
        }
        Err(e) if plan.paste => match plan.redirect_uris.first() {
            Some(first) => Ok((None, first.to_string(), Some(e))),
            None => Err(SignInError::Bind(e)),
        },
        Err(e) => Err(SignInError::Bind(e)),
    }
}

async fn browser(no_browser: bool, in_app: bool, url: &str) -> BrowserOutcome {
    match plan_browser(no_browser, in_app, &|k| std::env::var(k).ok()) {
        BrowserPlan::Skip(why) => BrowserOutcome::Skipped(why),
        BrowserPlan::Open => match open_browser(url).await {
            Ok(()) => BrowserOutcome::Opened,
            Err(e) => BrowserOutcome::Failed(e),
        },
    }
}

/// What to keep of a sign-in: the refresh token, and the access token for the cache.
pub fn session(signed: &mut SignedIn, scopes: &[String]) -> Session {
    let refresh = signed.granted.refresh_token.take().map(|rt| {
        RefreshEntry::signed_in(rt, SystemTime::now(), signed.granted.refresh_expires_in)
    });
    let cache = token_cache::entry(&signed.granted, signed.sent_at, scopes).map(|(_, e)| e);
    Session { refresh, cache }
}

/// One line on what the sign-in gave (never a token).
pub fn summary(signed: &SignedIn, session: &Session, refresh_scope: Option<&str>) -> String {
    let access = match signed.granted.expires_in {
        Some(s) => format!(
            "an access token valid for {}",
            humantime::format_duration(std::time::Duration::from_secs(s))
        ),
        None => "an access token".to_string(),
    };
    match (&session.refresh, refresh_scope) {
        (Some(_), _) => format!("{access} and a refresh token"),
        (None, Some(scope)) => format!(
            "{access}, but no refresh token: add the scope {scope} to get one, or sign in again when it expires"
        ),
        (None, None) => format!(
            "{access}, but no refresh token: sign in again (oauth-setup login) when it expires"
        ),
    }
}

/// A QR code in block characters, light on dark so it scans on a dark terminal too.
pub fn qr_code(text: &str) -> Option<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorize::parse_redirect_uri;
    use crate::secret::Secret;
    use crate::token::{ClientAuth, HttpOptions};

    fn plan(timeout: Duration) -> SignInPlan {
        SignInPlan {
            authorize_url: "http://127.0.0.1:9/authorize".into(),
            request: TokenRequest {
                token_url: "http://127.0.0.1:9/token".into(),
                client_id: "app".into(),
                secret: Secret::new(""),
                scopes: vec![],
                auth: ClientAuth::None,
                grant: GrantForm::ClientCredentials,
            },
            redirect_uris: vec![parse_redirect_uri("http://127.0.0.1:0/callback").unwrap()],
            issuer: None,
            iss_required: false,
            no_browser: true,
            paste: false,
            in_app: false,
            timeout,
        }
    }

    #[tokio::test]
    async fn nobody_signing_in_times_out_and_closes_the_listener() {
        let client = TokenClient::new(HttpOptions::default()).unwrap();
        let mut redirect = None;
        let (_tx, rx) = mpsc::unbounded_channel();
        let result = sign_in(
            &client,
            plan(Duration::from_millis(200)),
            |e| {
                if let SignInEvent::Waiting {
                    redirect_uri,
                    browser,
                    ..
                } = e
                {
                    assert_eq!(
                        browser,
                        BrowserOutcome::Skipped(crate::authorize::SkipReason::Asked)
                    );
                    redirect = Some(redirect_uri);
                }
            },
            rx,
            std::future::pending(),
        )
        .await;
        assert!(
            matches!(result, Err(SignInError::TimedOut(_))),
            "{result:?}"
        );
        let uri = redirect.unwrap();
        let port = uri
            .rsplit(':')
            .next()
            .unwrap()
            .trim_end_matches("/callback");
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).is_err(),
            "the listener closed with the sign-in"
        );
    }

    #[tokio::test]
    async fn cancelling_ends_the_sign_in() {
        let client = TokenClient::new(HttpOptions::default()).unwrap();
        let (_tx, rx) = mpsc::unbounded_channel();
        let result = sign_in(&client, plan(Duration::from_secs(60)), |_| {}, rx, async {}).await;
        assert!(matches!(result, Err(SignInError::Cancelled)), "{result:?}");
    }
}

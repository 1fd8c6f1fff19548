//! One authorization-code sign-in, start to finish: PKCE and state, the loopback listener, the
//! browser, the answer (from the listener or pasted), and the code exchanged through the token
//! client, so every failure gets the same diagnosis as the token test. No terminal I/O: the
//! caller shows [`SignInEvent`]s and feeds pasted text.

use std::future::Future;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use super::{SIGN_IN_TIMEOUT, SignInError, SignedIn, Way};
use crate::protocol::authorize::{
    BindError, BrowserPlan, CallbackError, Expected, Listener, Pkce, RedirectUri, SkipReason,
    authorization_url, from_paste, open_browser, plan_browser, random_token,
};
use crate::protocol::token::{ClientSide, GrantForm, GrantType, TokenClient};
use crate::rules::secret::Secret;
use crate::stores::profile::UserGrant;

pub struct SignInPlan {
    pub authorize_url: String,
    /// The token request without its grant (client, secret, scopes, authentication).
    pub request: ClientSide,
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
    /// The sign-in at a profile's endpoints (an error without an authorization endpoint), with the
    /// 5-minute timeout.
    pub fn for_grant(
        grant: &UserGrant,
        request: ClientSide,
        way: Way,
    ) -> Result<Self, SignInError> {
        let authorize_url = grant.endpoint(GrantType::AuthorizationCode)?;
        Ok(Self {
            authorize_url: authorize_url.to_string(),
            request,
            redirect_uris: grant
                .redirect_uris
                .iter()
                .filter_map(|u| crate::protocol::authorize::parse_redirect_uri(u).ok())
                .collect(),
            issuer: grant.issuer.clone(),
            iss_required: grant.iss_required,
            no_browser: way.no_browser,
            paste: way.paste,
            in_app: way.in_app,
            timeout: SIGN_IN_TIMEOUT,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserOutcome {
    Opened,
    Skipped(SkipReason),
    Failed(crate::protocol::authorize::OpenError),
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

/// Run the sign-in; `pasted` carries what the user pastes, `cancel` resolves on Esc or Ctrl+C.
pub async fn browser_sign_in(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::authorize::parse_redirect_uri;
    use crate::protocol::token::{ClientAuth, HttpOptions};

    fn plan(timeout: Duration) -> SignInPlan {
        SignInPlan {
            authorize_url: "http://127.0.0.1:9/authorize".into(),
            request: ClientSide {
                token_url: "http://127.0.0.1:9/token".to_string().try_into().unwrap(),
                client_id: "app".into(),
                secret: None,
                scopes: vec![],
                auth: ClientAuth::None,
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
        let result = browser_sign_in(
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
                        BrowserOutcome::Skipped(crate::protocol::authorize::SkipReason::Asked)
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
        let result =
            browser_sign_in(&client, plan(Duration::from_secs(60)), |_| {}, rx, async {}).await;
        assert!(matches!(result, Err(SignInError::Cancelled)), "{result:?}");
    }
}

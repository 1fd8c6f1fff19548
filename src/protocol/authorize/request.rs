//! The authorization request URL (RFC 6749 §4.1.1 with RFC 7636 §4.3).

use url::Url;

/// The URL the user opens. `None` when `authorize_url` is not a URL (presets and discovery
/// give absolute ones).
pub fn authorization_url(
    authorize_url: &str,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[String],
    state: &str,
    challenge: &str,
) -> Option<String> {
    let mut url = Url::parse(authorize_url).ok()?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code");
        q.append_pair("client_id", client_id);
        q.append_pair("redirect_uri", redirect_uri);
        if !scopes.is_empty() {
            q.append_pair("scope", &scopes.join(" "));
        }
        // OpenID Connect Core §11: a request for offline access must ask for consent, or the
        // server drops the scope and issues no refresh token.
        if scopes.iter().any(|s| s == "offline_access") {
            q.append_pair("prompt", "consent");
        }
        q.append_pair("state", state);
        q.append_pair("code_challenge", challenge);
        q.append_pair("code_challenge_method", "S256");
    }
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_is_encoded_and_existing_ones_kept() {
        let u = authorization_url(
            "https://acme.service-now.com/oauth_auth.do?x=1",
            "my app",
            "http://127.0.0.1:8765/callback",
            &["useraccount".into(), "offline_access".into()],
            "st&te",
            "chal",
        )
        .unwrap();
        assert_eq!(
            u,
            "https://acme.service-now.com/oauth_auth.do?x=1&response_type=code&client_id=my+app\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&scope=useraccount+offline_access\
             &prompt=consent&state=st%26te&code_challenge=chal&code_challenge_method=S256"
        );
        assert!(authorization_url("not a url", "a", "b", &[], "s", "c").is_none());
    }
}

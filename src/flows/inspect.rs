//! `inspect`: what a profile's token is, never the token itself. A JWT's header and claims
//! (decoded, not verified), when it expires, its audience, the scopes granted against those
//! asked, and for an opaque token what the server's introspection endpoint (RFC 7662) says
//! where its metadata offers one and the client has a secret to call it with.

use std::time::SystemTime;

use base64::Engine as _;
use serde_json::Value;

use crate::protocol::discovery::discover;
use crate::protocol::token::{ClientAuth, Failure, GrantForm, HttpOptions, TokenClient};
use crate::rules::fields::{Endpoint, Field};
use crate::rules::secret::Secret;
use crate::session::get::{GetError, Got, Want, get};
use crate::stores::account::Accounts;
use crate::stores::profile::Profile;

/// A JWT's two readable parts. Nothing here is verified: the signature is not checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt {
    pub header: Value,
    pub claims: Value,
}

/// The header and claims of a JWS compact token (`a.b.c`); `None` for an opaque token.
pub fn decode_jwt(token: &str) -> Option<Jwt> {
    let mut parts = token.split('.');
    let (h, c, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let part = |p: &str| -> Option<Value> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .filter(Value::is_object)
    };
    Some(Jwt {
        header: part(h)?,
        claims: part(c)?,
    })
}

/// Scopes asked and granted, side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeDiff {
    pub both: Vec<String>,
    /// Asked for, not granted.
    pub missing: Vec<String>,
    /// Granted, not asked for.
    pub extra: Vec<String>,
}

pub fn scope_diff(asked: &[String], granted: &[String]) -> ScopeDiff {
    let has = |list: &[String], s: &String| list.iter().any(|x| x == s);
    let mut d = ScopeDiff::default();
    for s in asked {
        if has(granted, s) {
            d.both.push(s.clone());
        } else {
            d.missing.push(s.clone());
        }
    }
    d.extra = granted.iter().filter(|s| !has(asked, s)).cloned().collect();
    d
}

/// `aud` as a list (a string, an array of strings, or none).
pub fn audience(claims: &Value) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Scopes a JWT or an introspection answer names (`scope` as a string, `scp` as a list).
fn scopes_in(claims: &Value) -> Option<Vec<String>> {
    if let Some(s) = claims.get("scope").and_then(Value::as_str) {
        return Some(s.split_whitespace().map(str::to_owned).collect());
    }
    claims.get("scp").and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    })
}

/// What introspection said, or why there is none.
#[derive(Debug)]
pub enum Introspection {
    /// A JWT says for itself.
    NotNeeded,
    /// A public client has no credentials to call it with.
    PublicClient,
    /// The server's metadata (from the issuer, else the token endpoint's origin) was not found,
    /// describes another token endpoint, or names no introspection endpoint on its origin.
    NotOffered,
    Answer(Value),
    Failed(Failure),
}

#[derive(Debug)]
pub struct Inspection {
    pub token_type: String,
    pub from_cache: bool,
    pub expires_at: Option<SystemTime>,
    pub jwt: Option<Jwt>,
    pub audience: Vec<String>,
    pub asked: Vec<String>,
    /// `None` when neither the server's answer nor the token names them.
    pub granted: Option<Vec<String>>,
    pub introspection: Introspection,
}

impl Inspection {
    pub fn scopes(&self) -> Option<ScopeDiff> {
        self.granted.as_ref().map(|g| scope_diff(&self.asked, g))
    }
}

/// The profile's token as `token` would hand it out, inspected.
pub async fn inspect(
    accounts: &Accounts,
    http: &HttpOptions,
    name: &str,
    profile: &Profile,
    want: Want,
) -> Result<(Got, Inspection), GetError> {
    let got = get(accounts, http, name, profile, want).await?;
    let value = got.token.access_token.expose();
    let mut jwt = decode_jwt(value);
    if let Some(j) = jwt.as_mut() {
        scrub(&mut j.claims, &[value]);
        scrub(&mut j.header, &[value]);
    }
    let introspection = match &jwt {
        Some(_) => Introspection::NotNeeded,
        None => introspect(accounts, http, profile, value).await,
    };
    let answer = match &introspection {
        Introspection::Answer(v) => Some(v),
        _ => None,
    };
    let claims = jwt.as_ref().map(|j| &j.claims).or(answer);
    let granted = got
        .token
        .scope
        .clone()
        .or_else(|| claims.and_then(scopes_in));
    let expires_at = got.token.expires_at.or_else(|| {
        let exp = claims?.get("exp")?.as_u64()?;
        Some(crate::rules::timestamp::from_unix(exp))
    });
    let inspection = Inspection {
        token_type: got.token.token_type.clone(),
        from_cache: got.from_cache,
        expires_at,
        audience: claims.map(audience).unwrap_or_default(),
        jwt,
        asked: profile.scopes.clone(),
        granted,
        introspection,
    };
    Ok((got, inspection))
}

async fn introspect(
    accounts: &Accounts,
    http: &HttpOptions,
    profile: &Profile,
    token: &str,
) -> Introspection {
    if profile.client_auth == ClientAuth::None {
        return Introspection::PublicClient;
    }
    let Ok(client) = TokenClient::new(http.clone()) else {
        return Introspection::NotOffered;
    };
    let Some(endpoint) = endpoint(&client, profile).await else {
        return Introspection::NotOffered;
    };
    let Ok((secret, _)) = accounts.secret_for_run(profile).await else {
        return Introspection::NotOffered;
    };
    let req = profile
        .client_side(secret)
        .at(&endpoint)
        .with_grant(GrantForm::Introspection {
            access_token: Secret::new(token),
        });
    let secret_text = req
        .client
        .secret
        .as_ref()
        .map(|s| s.as_secret().expose().to_string());
    match client.post_form(&req).await {
        Ok(raw) if raw.status == 200 => match serde_json::from_slice::<Value>(&raw.body) {
            Ok(mut v) if v.is_object() => {
                let needles: Vec<&str> = [Some(token), secret_text.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                scrub(&mut v, &needles);
                Introspection::Answer(v)
            }
            _ => Introspection::Failed(Failure::Connection {
                detail: "the introspection endpoint's answer is not a JSON object".into(),
            }),
        },
        Ok(raw) => Introspection::Failed(Failure::Connection {
            detail: format!("the introspection endpoint answered HTTP {}", raw.status),
        }),
        Err(f) => Introspection::Failed(f),
    }
}

/// Every string in `v` that holds one of `needles` (the token, the client secret) replaced: a
/// server may echo them under any name, and what inspect prints never holds them.
pub fn scrub(v: &mut Value, needles: &[&str]) {
    match v {
        Value::String(s) if needles.iter().any(|n| !n.is_empty() && s.contains(n)) => {
            *s = "[redacted]".into();
        }
        Value::Array(items) => items.iter_mut().for_each(|i| scrub(i, needles)),
        Value::Object(map) => map.values_mut().for_each(|i| scrub(i, needles)),
        _ => {}
    }
}

/// The introspection endpoint from the metadata of the profile's issuer (else its token
/// endpoint's origin), only when that metadata names this very token endpoint and the
/// introspection endpoint is on its origin: the client's secret goes there.
async fn endpoint(client: &TokenClient, profile: &Profile) -> Option<Endpoint> {
    let token_url = url::Url::parse(profile.token_url.as_str()).ok()?;
    let issuer = profile
        .user_grant
        .as_ref()
        .and_then(|g| g.issuer.clone())
        .unwrap_or_else(|| token_url.origin().ascii_serialization());
    let (_, meta) = discover(client, &issuer).await.ok()?;
    (meta.token_endpoint.as_deref() == Some(profile.token_url.as_str())).then_some(())?;
    let found = meta.introspection_endpoint?;
    let url = url::Url::parse(&found).ok()?;
    (url.origin() == token_url.origin()).then_some(())?;
    Endpoint::parse(Field::InstanceUrl, "the introspection endpoint", &found).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(header: &Value, claims: &Value) -> String {
        let e = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.c2ln", e(header), e(claims))
    }

    #[test]
    fn jwts_and_opaque_tokens() {
        let t = jwt(
            &json!({"alg": "RS256", "kid": "k1"}),
            &json!({"aud": ["a", "b"], "scope": "x y", "exp": 5}),
        );
        let j = decode_jwt(&t).unwrap();
        assert_eq!(j.header["kid"], "k1");
        assert_eq!(audience(&j.claims), ["a", "b"]);
        assert_eq!(scopes_in(&j.claims).unwrap(), ["x", "y"]);
        assert_eq!(audience(&json!({"aud": "one"})), ["one"]);
        assert_eq!(scopes_in(&json!({"scp": ["p"]})).unwrap(), ["p"]);
        for opaque in [
            "tok-ordinary-0123456789",
            "a.b",
            "a.b.c.d",
            "e30.e30",
            "bm90IGpzb24.e30.x",
            "W10.e30.x",
        ] {
            assert_eq!(decode_jwt(opaque), None, "{opaque}");
        }
        assert!(
            decode_jwt("e30.e30.").is_some(),
            "an unsigned JWT still decodes"
        );
    }

    #[test]
    fn echoed_secrets_are_scrubbed() {
        let mut v = json!({"active": true, "echo": "x-tok-1-y", "deep": [{"s": "sec"}], "n": 1});
        scrub(&mut v, &["tok-1", "sec"]);
        assert_eq!(
            v,
            json!({"active": true, "echo": "[redacted]", "deep": [{"s": "[redacted]"}], "n": 1})
        );
    }

    #[test]
    fn scopes_side_by_side() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        let d = scope_diff(&s(&["a", "b"]), &s(&["b", "c"]));
        assert_eq!(
            (d.both, d.missing, d.extra),
            (s(&["b"]), s(&["a"]), s(&["c"]))
        );
    }
}

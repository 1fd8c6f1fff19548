//! `profiles.toml` as this program writes it: a header, then each profile's tables one after
//! the other, so each profile is one byte range that parses on its own. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Profile, ProfilesFile};
use crate::stores::entry_index::Ranges;

pub const HEADER: &str = "# oauth-setup profiles. No secrets here: each profile names the store that holds its secret.\n";

#[derive(Serialize)]
struct Head<'a> {
    schema_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_profile: Option<&'a str>,
}

#[derive(Serialize)]
struct One<'a> {
    profiles: BTreeMap<&'a str, &'a Profile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OneOwned {
    profiles: BTreeMap<String, Profile>,
}

/// The file's text, and each profile's byte range in it.
pub fn render(file: &ProfilesFile) -> Result<(String, Ranges), toml::ser::Error> {
    let mut text = String::from(HEADER);
    text.push_str(&toml::to_string_pretty(&Head {
        schema_version: file.schema_version,
        default_profile: file.default_profile.as_deref(),
    })?);
    let mut ranges = Vec::with_capacity(file.profiles.len());
    for (name, profile) in &file.profiles {
        text.push('\n');
        let start = text.len() as u64;
        text.push_str(&render_one(name, profile)?);
        ranges.push((name.clone(), start..text.len() as u64));
    }
    Ok((text, ranges))
}

/// One profile's tables, as they stand in the file.
pub fn render_one(name: &str, profile: &Profile) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(&One {
        profiles: BTreeMap::from([(name, profile)]),
    })
}

/// The profile `name` from its byte range; `None` unless the range holds exactly that profile
/// (the caller then reads the whole file).
pub fn parse_one(name: &str, bytes: &[u8]) -> Option<Profile> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut one: OneOwned = toml::from_str(text).ok()?;
    (one.profiles.len() == 1).then_some(())?;
    one.profiles.remove(name)
}

/// The file's text with the profiles in `changed` (name, new tables) in place of their old
/// ranges, and every range in the new text; the rest of the text is kept byte for byte.
/// `None` when a name has no range.
pub fn splice(
    text: &str,
    ranges: &[(String, std::ops::Range<u64>)],
    changed: &BTreeMap<String, String>,
) -> Option<(String, Ranges)> {
    let mut order: Vec<&(String, std::ops::Range<u64>)> = ranges.iter().collect();
    order.sort_by_key(|(_, r)| r.start);
    if !changed.keys().all(|n| ranges.iter().any(|(k, _)| k == n)) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut new_ranges = Vec::with_capacity(ranges.len());
    let mut at = 0usize;
    for (name, r) in order {
        let (start, end) = (usize::try_from(r.start).ok()?, usize::try_from(r.end).ok()?);
        out.push_str(text.get(at..start)?);
        let from = out.len() as u64;
        match changed.get(name) {
            Some(new) => out.push_str(new),
            None => out.push_str(text.get(start..end)?),
        }
        new_ranges.push((name.clone(), from..out.len() as u64));
        at = end;
    }
    out.push_str(text.get(at..)?);
    new_ranges.sort_by(|a, b| a.0.cmp(&b.0));
    Some((out, new_ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> ProfilesFile {
        let text = r#"schema_version = 2
default_profile = "b"

[profiles.a]
provider = "coupa"
instance_url = "https://a.coupahost.com"
token_url = "https://a.coupahost.com/oauth2/token"
grant_type = "client_credentials"
client_id = "id-a"
client_auth = "client_secret_post"
scopes = ["core.common.read"]
secret_ref = "a-1"
created_at = "2026-01-01T00:00:00Z"
[profiles.a.last_verification]
at = "2026-01-02T00:00:00Z"
ok = false
result = "token: \"quoted\" ] [profiles.x]"
[profiles.a.secret]
store = "file"

[profiles."b.c"]
provider = "generic"
instance_url = "https://auth.example.com"
token_url = "https://auth.example.com/token"
grant_type = "client_credentials"
client_id = "id-b"
client_auth = "client_secret_basic"
secret_ref = "b-2"
created_at = "2026-01-01T00:00:00Z"
[profiles."b.c".secret]
store = "keyring"
"#;
        let mut f: ProfilesFile = toml::from_str(text).unwrap();
        f.default_profile = Some("b.c".into());
        f
    }

    /// The whole text reads back as the same file, and each range as its own profile.
    #[test]
    fn each_range_is_its_profile() {
        let f = file();
        let (text, ranges) = render(&f).unwrap();
        assert!(text.starts_with(HEADER));
        assert_eq!(toml::from_str::<ProfilesFile>(&text).unwrap(), f);
        assert_eq!(ranges.len(), 2);
        for (name, r) in &ranges {
            let bytes = &text.as_bytes()[r.start as usize..r.end as usize];
            assert_eq!(
                parse_one(name, bytes).as_ref(),
                f.profiles.get(name),
                "{name}"
            );
            assert_eq!(parse_one("other", bytes), None);
        }
        // A range that covers two profiles, or half of one, is not taken.
        let both = &text.as_bytes()[ranges[0].1.start as usize..];
        assert_eq!(parse_one("a", both), None);
        let half = &text.as_bytes()[ranges[0].1.start as usize..ranges[0].1.end as usize / 2 + 40];
        assert_eq!(parse_one("a", half), None);
    }

    /// A spliced text is the text of the changed file, byte for byte, with its ranges.
    #[test]
    fn splicing_one_profile_is_rendering_the_changed_file() {
        let mut f = file();
        let (text, ranges) = render(&f).unwrap();
        let a = f.profiles.get_mut("a").unwrap();
        a.scopes.push("core.invoice.read".into());
        a.last_verification = None;
        let changed = BTreeMap::from([("a".to_string(), render_one("a", a).unwrap())]);
        let (spliced, new_ranges) = splice(&text, &ranges, &changed).unwrap();
        assert_eq!((spliced, new_ranges), render(&f).unwrap());
        let none = BTreeMap::from([("x".to_string(), String::new())]);
        assert_eq!(splice(&text, &ranges, &none), None);
    }
}

//! What an imported file would have this program contact or run, and whether the importer
//! agreed to each value. A teammate's file is data: no command from it runs and no credential
//! goes to an address from it until the importer has seen that exact value and said yes (at the
//! prompt, by naming it in an option, or by giving it themselves). Pure.

use crate::rules::fields;
use crate::stores::profile::shared::SharedProfile;
use crate::stores::vault::VaultLocation;

/// What a value of the file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Receives the client secret, codes and refresh tokens.
    TokenEndpoint,
    Authorize,
    DeviceAuthorization,
    /// Receives the refresh token and the client secret at logout.
    Revocation,
    /// Its metadata is read by verify.
    Issuer,
    /// Receives the importer's Vault token.
    VaultAddress,
    /// Runs to read the secret.
    ReadCommand,
    /// Runs, and receives each new secret on its stdin.
    WriteCommand,
}

/// The kind of consent an item needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An address's origin (`https://host:port`): `--allow-endpoint`.
    Endpoint,
    /// `--allow-vault`.
    Vault,
    /// A command line, exactly: `--allow-command`.
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub role: Role,
    /// The value as the file has it.
    pub value: String,
    /// What a consent names: the origin of an address, the whole command line.
    pub key: String,
}

impl Item {
    pub fn kind(&self) -> Kind {
        match self.role {
            Role::VaultAddress => Kind::Vault,
            Role::ReadCommand | Role::WriteCommand => Kind::Command,
            _ => Kind::Endpoint,
        }
    }
}

/// The importer's Vault address, when the environment names one that differs from the file's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultDiffers {
    pub variable: &'static str,
    pub yours: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub items: Vec<Item>,
    /// The Vault location the profile will use (the file's, or with the importer's address).
    pub vault: Option<VaultLocation>,
    pub vault_differs: Option<VaultDiffers>,
    /// The Vault address is the importer's: given with `--vault-addr`, or their `BAO_ADDR` /
    /// `VAULT_ADDR`. It needs no other consent.
    pub vault_is_theirs: bool,
}

/// What the importer agreed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consent {
    /// Origins (or whole URLs, reduced to their origin).
    pub endpoints: Vec<String>,
    pub commands: Vec<String>,
    pub vault_addrs: Vec<String>,
    /// Seen at the prompt and confirmed: every item of the plan shown.
    pub confirmed: bool,
}

fn origin(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| url.to_string(), |u| fields::origin_of(&u))
}

fn same_addr(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/')
}

/// How the file's Vault address stands to the importer's `BAO_ADDR` / `VAULT_ADDR`: the first
/// one set when it differs, and whether the address is theirs (given, or one of them).
fn whose_vault(
    addr: &str,
    given: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> (Option<VaultDiffers>, bool) {
    let set: Vec<(&'static str, String)> = ["BAO_ADDR", "VAULT_ADDR"]
        .into_iter()
        .filter_map(|n| env(n).filter(|a| !a.trim().is_empty()).map(|a| (n, a)))
        .collect();
    let theirs = given || set.iter().any(|(_, a)| same_addr(a, addr));
    let differs = set
        .into_iter()
        .next()
        .filter(|(_, a)| !same_addr(a, addr))
        .map(|(variable, yours)| VaultDiffers { variable, yours });
    (differs, theirs)
}

impl Plan {
    /// The plan for `shared`; `vault_addr` is the importer's `--vault-addr` (it replaces the
    /// file's), `env` reads the environment (BAO_ADDR, VAULT_ADDR).
    pub fn of(
        shared: &SharedProfile,
        vault_addr: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Self {
        let mut items = Vec::new();
        let mut endpoint = |role: Role, url: &str| {
            items.push(Item {
                role,
                value: url.to_string(),
                key: origin(url),
            });
        };
        endpoint(Role::TokenEndpoint, &shared.token_url);
        if let Some(g) = &shared.user_grant {
            let optional = [
                (Role::Authorize, &g.authorize_url),
                (Role::DeviceAuthorization, &g.device_authorization_url),
                (Role::Revocation, &g.revocation_url),
                (Role::Issuer, &g.issuer),
            ];
            for (role, url) in optional {
                if let Some(u) = url {
                    endpoint(role, u);
                }
            }
        }
        let vault = shared.vault.clone().map(|mut v| {
            if let Some(addr) = vault_addr {
                v.addr = addr.to_string();
            }
            v
        });
        let (vault_differs, vault_is_theirs) = match &vault {
            Some(v) => {
                items.push(Item {
                    role: Role::VaultAddress,
                    value: v.addr.clone(),
                    key: v.addr.trim().trim_end_matches('/').to_string(),
                });
                whose_vault(&v.addr, vault_addr.is_some(), env)
            }
            None => (None, false),
        };
        if let Some(c) = &shared.command {
            let lines = std::iter::once((Role::ReadCommand, &c.read))
                .chain(c.write.as_ref().map(|w| (Role::WriteCommand, w)));
            for (role, line) in lines {
                items.push(Item {
                    role,
                    value: line.clone(),
                    key: line.clone(),
                });
            }
        }
        Self {
            items,
            vault,
            vault_differs,
            vault_is_theirs,
        }
    }

    /// The items the importer has not agreed to, each consent key once.
    pub fn unconsented(&self, consent: &Consent) -> Vec<&Item> {
        if consent.confirmed {
            return Vec::new();
        }
        let mut missing: Vec<&Item> = Vec::new();
        for item in &self.items {
            let agreed = match item.kind() {
                Kind::Endpoint => consent.endpoints.iter().any(|e| origin(e) == item.key),
                Kind::Command => consent.commands.contains(&item.key),
                Kind::Vault => {
                    self.vault_is_theirs
                        || consent.vault_addrs.iter().any(|a| same_addr(a, &item.key))
                }
            };
            if !agreed && !missing.iter().any(|m| m.key == item.key) {
                missing.push(item);
            }
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores::profile::shared::SharedFile;

    fn file(extra: &str) -> SharedProfile {
        let text = format!(
            r#"kind = "oauth-setup profile"
format_version = 1
name = "acme"
[profile]
provider = "generic"
instance_url = "https://idp.example.com"
token_url = "https://idp.example.com/oauth2/token"
grant_type = "client_credentials"
client_id = "acme"
client_auth = "client_secret_basic"
{extra}"#
        );
        toml::from_str::<SharedFile>(&text).unwrap().profile
    }

    const NO_ENV: &dyn Fn(&str) -> Option<String> = &|_| None;

    #[test]
    fn every_command_and_address_needs_its_own_consent() {
        let shared = file(
            "secret_store = \"command\"\n[profile.command]\nread = \"pass show acme\"\nwrite = \"sh -c 'cat > /tmp/x'\"\n",
        );
        let plan = Plan::of(&shared, None, NO_ENV);
        let keys = |c: &Consent| -> Vec<String> {
            plan.unconsented(c).iter().map(|i| i.key.clone()).collect()
        };
        assert_eq!(
            keys(&Consent::default()),
            [
                "https://idp.example.com",
                "pass show acme",
                "sh -c 'cat > /tmp/x'"
            ]
        );
        let partly = Consent {
            endpoints: vec!["https://idp.example.com/anything".into()],
            commands: vec!["pass show acme".into(), "sh -c 'cat > /tmp/y'".into()],
            ..Consent::default()
        };
        assert_eq!(
            keys(&partly),
            ["sh -c 'cat > /tmp/x'"],
            "a command is agreed to exactly"
        );
        let seen = Consent {
            confirmed: true,
            ..Consent::default()
        };
        assert!(keys(&seen).is_empty());
    }

    #[test]
    fn a_vault_address_is_the_importers_when_they_give_or_use_it() {
        let shared = file(
            "secret_store = \"vault\"\n[profile.vault]\naddr = \"https://vault.attacker.example\"\nmount = \"secret\"\npath = \"oauth-setup/acme\"\n",
        );
        let env = |n: &str| (n == "BAO_ADDR").then(|| "https://vault.corp.example/".to_string());
        let plan = Plan::of(&shared, None, &env);
        assert_eq!(
            plan.vault_differs,
            Some(VaultDiffers {
                variable: "BAO_ADDR",
                yours: "https://vault.corp.example/".into()
            })
        );
        let consent = Consent {
            endpoints: vec!["https://idp.example.com".into()],
            ..Consent::default()
        };
        let missing = plan.unconsented(&consent);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].role, Role::VaultAddress);
        let mine = Plan::of(&shared, Some("https://vault.corp.example"), &env);
        assert_eq!(mine.vault_differs, None);
        assert_eq!(
            mine.vault.as_ref().unwrap().addr,
            "https://vault.corp.example"
        );
        assert!(mine.unconsented(&consent).is_empty());
        let same = file(
            "secret_store = \"vault\"\n[profile.vault]\naddr = \"https://vault.corp.example\"\nmount = \"secret\"\npath = \"p\"\n",
        );
        assert!(Plan::of(&same, None, &env).unconsented(&consent).is_empty());
    }
}

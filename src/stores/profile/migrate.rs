//! Older `profiles.toml` layouts, brought to this one on load (the file is rewritten in the new
//! layout at its next save). Version 1 spread the secret's location over `secret_store` and a
//! `vault` or `command` table beside it; version 2 keeps it in one `secret` table.

use serde::Deserialize;

use super::{ProfilesFile, SCHEMA_VERSION};
use crate::stores::secret_store::{SETTINGS_TABLES, tables_apart};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MigrateError {
    #[error(
        "profile {profile}: secret_store = \"{table}\" and a [profiles.{profile}.{table}] table go together"
    )]
    Apart {
        profile: String,
        table: &'static str,
    },
    #[error("profile {profile}: {message}")]
    Field { profile: String, message: String },
    #[error("{0}")]
    File(String),
}

/// A version 1 file as this version's. Each profile is read on its own, so an error names it
/// (a value read from a table has no line to point at).
pub fn from_v1(mut file: toml::Table) -> Result<ProfilesFile, MigrateError> {
    let mut profiles = std::collections::BTreeMap::new();
    match file.remove("profiles") {
        Some(toml::Value::Table(listed)) => {
            for (name, mut profile) in listed {
                if let toml::Value::Table(p) = &mut profile {
                    move_secret(&name, p)?;
                }
                let read =
                    super::Profile::deserialize(profile).map_err(|e| MigrateError::Field {
                        profile: name.clone(),
                        message: e.message().trim().to_string(),
                    })?;
                profiles.insert(name, read);
            }
        }
        // Not a table: put back, for the file's own error below.
        Some(other) => {
            file.insert("profiles".into(), other);
        }
        None => {}
    }
    file.insert(
        "schema_version".into(),
        toml::Value::Integer(SCHEMA_VERSION.into()),
    );
    let mut read = ProfilesFile::deserialize(toml::Value::Table(file))
        .map_err(|e| MigrateError::File(e.message().trim().to_string()))?;
    read.profiles = profiles;
    Ok(read)
}

/// `secret_store = "vault"` and `[vault]` become `[secret] store = "vault"` with the vault's
/// fields; a table for another store than the one named is refused, as version 1 refused it.
fn move_secret(name: &str, p: &mut toml::Table) -> Result<(), MigrateError> {
    if p.contains_key("secret") {
        // Not a version 1 key: refused as any unknown key, never overwritten.
        return Err(MigrateError::Field {
            profile: name.to_string(),
            message: "unknown field `secret`".into(),
        });
    }
    let Some(store) = p.remove("secret_store") else {
        return Ok(()); // the missing field is named when the profile is read
    };
    let kind = store.as_str().unwrap_or_default();
    let apart = |table| MigrateError::Apart {
        profile: name.to_string(),
        table,
    };
    if let Some(table) = tables_apart(kind, |t| p.contains_key(t)).first() {
        return Err(apart(table));
    }
    let mut secret = toml::Table::new();
    if let Some(table) = SETTINGS_TABLES.into_iter().find(|t| *t == kind) {
        match p.remove(table) {
            Some(toml::Value::Table(fields)) => secret.extend(fields),
            _ => return Err(apart(table)),
        }
    }
    secret.insert("store".into(), store);
    p.insert("secret".into(), toml::Value::Table(secret));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores::secret_store::SecretLocation;

    const V1: &str = r#"schema_version = 1
default_profile = "pm"

[profiles.acme]
provider = "coupa"
instance_url = "https://acme.coupahost.com"
token_url = "https://acme.coupahost.com/oauth2/token"
grant_type = "client_credentials"
client_id = "id"
client_auth = "client_secret_post"
secret_store = "keyring"
secret_ref = "acme-1"
created_at = "2026-01-01T00:00:00Z"

[profiles.pm]
provider = "generic"
instance_url = "https://idp.example"
token_url = "https://idp.example/token"
grant_type = "client_credentials"
client_id = "id"
client_auth = "client_secret_basic"
secret_store = "command"
secret_ref = "pm-1"
created_at = "2026-01-01T00:00:00Z"

[profiles.pm.command]
read = "pass show pm"

[profiles.team]
provider = "generic"
instance_url = "https://idp.example"
token_url = "https://idp.example/token"
grant_type = "client_credentials"
client_id = "id"
client_auth = "client_secret_basic"
secret_store = "vault"
secret_ref = "team-1"
created_at = "2026-01-01T00:00:00Z"

[profiles.team.vault]
addr = "https://vault.example"
mount = "secret"
path = "oauth-setup/team"
"#;

    fn v1() -> toml::Table {
        V1.parse().unwrap()
    }

    #[test]
    fn a_version_1_file_keeps_every_location() {
        let file = from_v1(v1()).unwrap();
        assert_eq!(file.schema_version, SCHEMA_VERSION);
        assert_eq!(file.default_profile.as_deref(), Some("pm"));
        assert_eq!(file.profiles["acme"].secret, SecretLocation::Keyring);
        let pm = file.profiles["pm"].secret.command().unwrap();
        assert_eq!(
            (pm.read.as_str(), pm.write.as_deref()),
            ("pass show pm", None)
        );
        let team = file.profiles["team"].secret.vault().unwrap();
        assert_eq!(
            (team.addr.as_str(), team.path.as_str()),
            ("https://vault.example", "oauth-setup/team")
        );
        assert_eq!(file.profiles["team"].secret_ref, "team-1");
        // Written again, it reads back as the same file without a migration.
        let text = toml::to_string(&file).unwrap();
        assert!(
            text.contains("[profiles.team.secret]\nstore = \"vault\""),
            "{text}"
        );
        assert_eq!(toml::from_str::<ProfilesFile>(&text).unwrap(), file);
    }

    #[test]
    fn a_table_for_another_store_is_refused() {
        let mut file = v1();
        let profiles = file["profiles"].as_table_mut().unwrap();
        let acme = profiles["acme"].as_table_mut().unwrap();
        acme.insert("vault".into(), profiles_team_vault());
        assert_eq!(
            from_v1(file).unwrap_err(),
            MigrateError::Apart {
                profile: "acme".into(),
                table: "vault"
            }
        );
        let mut file = v1();
        let team = file["profiles"]["team"].as_table_mut().unwrap();
        team.remove("vault");
        assert!(matches!(
            from_v1(file),
            Err(MigrateError::Apart { table: "vault", .. })
        ));
    }

    fn profiles_team_vault() -> toml::Value {
        v1()["profiles"]["team"]["vault"].clone()
    }

    #[test]
    fn a_bad_field_names_its_profile() {
        let mut file = v1();
        let acme = file["profiles"]["acme"].as_table_mut().unwrap();
        acme.remove("client_id");
        let e = from_v1(file).unwrap_err().to_string();
        assert!(
            e.starts_with("profile acme: ") && e.contains("client_id"),
            "{e}"
        );
    }
}

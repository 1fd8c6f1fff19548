//! The Vault token, as Vault's and OpenBao's own tools find it: `BAO_TOKEN`, else
//! `VAULT_TOKEN`, else the token file (`BAO_TOKEN_PATH`, else `~/.vault-token`). It is a secret
//! like the client secret: never printed, never stored by this program.

use std::path::Path;

use super::VaultError;
use crate::secret::Secret;

pub fn token_from_env(
    var: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<Secret, VaultError> {
    for name in ["BAO_TOKEN", "VAULT_TOKEN"] {
        if let Some(t) = var(name)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
        {
            return Ok(Secret::new(t));
        }
    }
    let file = var("BAO_TOKEN_PATH")
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| home.map(|h| h.join(".vault-token")));
    if let Some(path) = file
        && let Ok(text) = std::fs::read_to_string(&path)
        && !text.trim().is_empty()
    {
        return Ok(Secret::new(text.trim().to_string()));
    }
    Err(VaultError::NoToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_first_then_the_token_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".vault-token"), "hvs.file\n").unwrap();
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let t = token_from_env(
            &env(&[("VAULT_TOKEN", "v"), ("BAO_TOKEN", "b")]),
            Some(dir.path()),
        )
        .unwrap();
        assert_eq!(t.expose(), "b", "BAO_TOKEN first");
        let t = token_from_env(&env(&[("BAO_TOKEN", " ")]), Some(dir.path())).unwrap();
        assert_eq!(t.expose(), "hvs.file", "empty variables are skipped");
        assert!(matches!(
            token_from_env(&env(&[]), None),
            Err(VaultError::NoToken)
        ));
        assert!(!format!("{t:?}").contains("hvs.file"));
    }
}

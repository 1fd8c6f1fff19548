//! The Vault token, as Vault's and OpenBao's own tools find it: `BAO_TOKEN`, else
//! `VAULT_TOKEN`, else the token file (`BAO_TOKEN_PATH`, else `~/.vault-token`). It is a secret
//! like the client secret: never printed, never stored by this program.

use std::path::Path;

use super::VaultError;
use crate::rules::secret::Secret;

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
        exposed(&path)?;
        return Ok(Secret::new(text.trim().to_string()));
    }
    Err(VaultError::NoToken)
}

/// A token file that others can read has leaked already, or will: refused, as ssh refuses a
/// private key that others can read.
#[cfg(unix)]
fn exposed(path: &Path) -> Result<(), VaultError> {
    use std::os::unix::fs::MetadataExt;
    let mode = std::fs::metadata(path)
        .map(|m| m.mode() & 0o777)
        .unwrap_or(0);
    if mode & 0o077 != 0 {
        return Err(VaultError::TokenFileExposed {
            path: path.display().to_string(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn exposed(_path: &Path) -> Result<(), VaultError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_first_then_the_token_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".vault-token");
        std::fs::write(&file, "hvs.file\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                token_from_env(&|_| None, Some(dir.path())),
                Err(VaultError::TokenFileExposed { mode: 0o644, .. })
            ));
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
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

//! Where a secret comes from when it is not typed: standard input, a file or the environment,
//! never an option's value (which would show in shell history and the process list).

use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroize;

use super::{Field, FieldError, SecretWarning, Validated, parse_secret};
use crate::rules::secret::ClientSecret;

/// Supplies the client secret for one run (CI); stored only by commands that store.
pub const ENV_CLIENT_SECRET: &str = "OAUTH_SETUP_CLIENT_SECRET";

/// 64 KiB: far beyond any client secret, small enough that a wrong file is caught.
const MAX_SECRET: u64 = 64 * 1024;

/// Where the user asked the secret to be read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Stdin,
    File(PathBuf),
    /// `OAUTH_SETUP_CLIENT_SECRET`, the fallback when neither option is given.
    Environment,
}

/// Read and check the secret from its source.
pub fn read_secret(
    source: &SecretSource,
) -> Result<Validated<ClientSecret, SecretWarning>, FieldError> {
    let raw = match source {
        SecretSource::Stdin => from_reader(std::io::stdin().lock(), "standard input")?,
        SecretSource::File(path) => from_file(path)?,
        SecretSource::Environment => {
            return secret_from_env().unwrap_or_else(|| {
                Err(FieldError::new(
                    Field::ClientSecret,
                    format!(
                        "is missing; pipe it to --client-secret-stdin, name a file with \
                         --client-secret-file PATH, or set {ENV_CLIENT_SECRET}"
                    ),
                ))
            });
        }
    };
    parse_secret(raw)
}

/// The secret given for this run in `OAUTH_SETUP_CLIENT_SECRET`, checked by the secret rule;
/// `None` when the variable is unset. Errors name the variable.
pub fn secret_from_env() -> Option<Result<Validated<ClientSecret, SecretWarning>, FieldError>> {
    let value = std::env::var_os(ENV_CLIENT_SECRET)?;
    let named = |message: &str| {
        FieldError::new(
            Field::ClientSecret,
            format!("{ENV_CLIENT_SECRET}: {message}"),
        )
    };
    let Ok(mut text) = value.into_string() else {
        return Some(Err(named("is not valid UTF-8 text; set it again")));
    };
    let secret = ClientSecret::new(text.as_str());
    text.zeroize();
    Some(parse_secret(secret).map_err(|e| named(&e.message)))
}

fn from_file(path: &Path) -> Result<ClientSecret, FieldError> {
    let file = std::fs::File::open(path).map_err(|e| {
        FieldError::new(
            Field::ClientSecret,
            format!(
                "cannot read {} ({e}); check the path given to --client-secret-file",
                path.display()
            ),
        )
    })?;
    from_reader(file, &path.display().to_string())
}

fn from_reader(reader: impl Read, what: &str) -> Result<ClientSecret, FieldError> {
    let mut bytes = Vec::new();
    let read = reader.take(MAX_SECRET + 1).read_to_end(&mut bytes);
    let result = match read {
        Err(e) => Err(format!("cannot read {what} ({e})")),
        Ok(_) if bytes.len() as u64 > MAX_SECRET => Err(format!(
            "{what} holds more than 64 KiB; that is not a client secret"
        )),
        Ok(_) => match std::str::from_utf8(&bytes) {
            Ok(s) => Ok(ClientSecret::new(s)),
            Err(_) => Err(format!("{what} is not UTF-8 text; copy the secret as text")),
        },
    };
    bytes.zeroize();
    result.map_err(|m| FieldError::new(Field::ClientSecret, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_source_is_read_checked_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, "from-file\n").unwrap();
        let v = read_secret(&SecretSource::File(path.clone())).unwrap();
        assert_eq!(v.value.expose(), "from-file");
        std::fs::write(&path, vec![b'x'; 70 * 1024]).unwrap();
        let e = read_secret(&SecretSource::File(path.clone())).unwrap_err();
        assert!(e.message.contains("more than 64 KiB"), "{e}");
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        let e = read_secret(&SecretSource::File(path)).unwrap_err();
        assert!(e.message.contains("not UTF-8"), "{e}");
        let e = read_secret(&SecretSource::File(dir.path().join("none"))).unwrap_err();
        assert!(e.message.contains("--client-secret-file"), "{e}");
    }
}

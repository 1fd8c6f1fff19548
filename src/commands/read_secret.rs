//! Reading a secret from stdin, a file or the environment: never from an option's value.

use std::io::Read;
use std::path::Path;

use zeroize::Zeroize;

use crate::cli::SecretSource;
use crate::fields::{Field, FieldError, Validated, parse_secret};
use crate::secret::Secret;
use crate::secret_store::{ENV_CLIENT_SECRET, secret_from_env};

/// 64 KiB: far beyond any client secret, small enough that a wrong file is caught.
const MAX_SECRET: u64 = 64 * 1024;

pub fn read(source: &SecretSource) -> Result<Validated<Secret>, FieldError> {
    let raw = if source.client_secret_stdin {
        from_reader(std::io::stdin().lock(), "standard input")?
    } else if let Some(path) = &source.client_secret_file {
        from_file(path)?
    } else if let Some(from_env) = secret_from_env() {
        return from_env;
    } else {
        return Err(FieldError::new(
            Field::ClientSecret,
            format!(
                "is missing; pipe it to --client-secret-stdin, name a file with --client-secret-file PATH, or set {ENV_CLIENT_SECRET}"
            ),
        ));
    };
    parse_secret(raw)
}

fn from_file(path: &Path) -> Result<Secret, FieldError> {
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

fn from_reader(reader: impl Read, what: &str) -> Result<Secret, FieldError> {
    let mut bytes = Vec::new();
    let read = reader.take(MAX_SECRET + 1).read_to_end(&mut bytes);
    let result = match read {
        Err(e) => Err(format!("cannot read {what} ({e})")),
        Ok(_) if bytes.len() as u64 > MAX_SECRET => Err(format!(
            "{what} holds more than 64 KiB; that is not a client secret"
        )),
        Ok(_) => match std::str::from_utf8(&bytes) {
            Ok(s) => Ok(Secret::new(s)),
            Err(_) => Err(format!("{what} is not UTF-8 text; copy the secret as text")),
        },
    };
    bytes.zeroize();
    result.map_err(|m| FieldError::new(Field::ClientSecret, m))
}

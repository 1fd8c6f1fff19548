//! The file store: one private TOML file of secrets, chosen explicitly for headless machines.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroize;

use super::StoreError;
use crate::rules::secret::Secret;
use crate::stores::atomic_file::{private_file, write_atomic_no_follow};

/// The parsed file; every value is wiped when it is dropped.
#[derive(Default)]
struct Secrets(BTreeMap<String, String>);

impl Drop for Secrets {
    fn drop(&mut self) {
        for v in self.0.values_mut() {
            v.zeroize();
        }
    }
}

fn err(path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::File {
        path: path.display().to_string(),
        detail: detail.into(),
    }
}

fn read(path: &Path) -> Result<Secrets, StoreError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Secrets::default()),
        Err(e) => return Err(err(path, format!("cannot read it ({e})"))),
    };
    // A symlink could point into another user's file; refuse rather than follow.
    if !meta.file_type().is_file() {
        return Err(err(
            path,
            "is not a regular file (a symlink?); refusing to follow it",
        ));
    }
    check_owner(path, &meta)?;
    let mut text = String::new();
    fs::File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .map_err(|e| err(path, format!("cannot read it ({e})")))?;
    let parsed: Result<toml::Table, _> = text.parse();
    text.zeroize();
    let table =
        parsed.map_err(|e| err(path, format!("does not parse ({})", e.message().trim())))?;
    let mut secrets = Secrets::default();
    for (k, v) in table {
        match v {
            toml::Value::String(s) => {
                secrets.0.insert(k, s);
            }
            _ => return Err(err(path, format!("entry {k} is not a string"))),
        }
    }
    Ok(secrets)
}

#[cfg(unix)]
fn check_owner(path: &Path, meta: &fs::Metadata) -> Result<(), StoreError> {
    use std::os::unix::fs::MetadataExt;
    let me = fs::metadata(path.parent().unwrap_or(Path::new(".")))
        .map(|m| m.uid())
        .ok();
    if me.is_some_and(|uid| uid != meta.uid()) {
        return Err(err(
            path,
            "belongs to another user than its folder; refusing to use it",
        ));
    }
    match private_file(path) {
        Ok(Some(fixed)) => crate::tell!("warning: {fixed}"),
        Ok(None) => {}
        Err(e) => {
            return Err(err(
                path,
                format!("is readable by others and cannot be fixed ({e})"),
            ));
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner(_path: &Path, _meta: &fs::Metadata) -> Result<(), StoreError> {
    Ok(())
}

fn write(path: &Path, secrets: &Secrets) -> Result<(), StoreError> {
    let mut table = toml::Table::new();
    for (k, v) in &secrets.0 {
        table.insert(k.clone(), toml::Value::String(v.clone()));
    }
    let mut text = String::from(
        "# oauth-setup secrets, UNENCRYPTED. Readable only by you (0600). Do not copy or commit.\n",
    );
    text.push_str(&table.to_string());
    for (_, v) in table.iter_mut() {
        if let toml::Value::String(s) = v {
            s.zeroize();
        }
    }
    let result = write_atomic_no_follow(path, text.as_bytes());
    text.zeroize();
    result.map_err(|e| {
        if crate::stores::atomic_file::is_disk_full(&e) {
            StoreError::DiskFull {
                path: path.display().to_string(),
            }
        } else {
            err(path, format!("cannot write it ({e})"))
        }
    })
}

pub fn get(path: &Path, secret_ref: &str) -> Result<Secret, StoreError> {
    read(path)?
        .0
        .get(secret_ref)
        .map(|s| Secret::new(s.as_str()))
        .ok_or_else(|| StoreError::Missing {
            store: format!("secrets file {}", path.display()),
        })
}

pub fn refs(path: &Path) -> Result<Vec<String>, StoreError> {
    Ok(read(path)?.0.keys().cloned().collect())
}

pub fn set(path: &Path, secret_ref: &str, secret: &Secret) -> Result<(), StoreError> {
    let mut secrets = read(path)?;
    if let Some(mut old) = secrets
        .0
        .insert(secret_ref.to_string(), secret.expose().to_string())
    {
        old.zeroize();
    }
    write(path, &secrets)
}

pub fn delete(path: &Path, secret_ref: &str) -> Result<bool, StoreError> {
    let mut secrets = read(path)?;
    match secrets.0.remove(secret_ref) {
        Some(mut old) => {
            old.zeroize();
            write(path, &secrets)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn round_trip_private_and_no_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        set(&path, "acme-1", &Secret::new("s3cret \"quoted\"")).unwrap();
        set(&path, "beta-2", &Secret::new("other")).unwrap();
        assert_eq!(get(&path, "acme-1").unwrap().expose(), "s3cret \"quoted\"");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(delete(&path, "acme-1").unwrap());
        assert!(!delete(&path, "acme-1").unwrap());
        assert!(matches!(
            get(&path, "acme-1"),
            Err(StoreError::Missing { .. })
        ));
        assert_eq!(get(&path, "beta-2").unwrap().expose(), "other");

        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let e = get(&link, "beta-2").unwrap_err();
        assert!(e.to_string().contains("refusing to follow"), "{e}");
    }
}

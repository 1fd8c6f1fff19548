//! The file store: one private TOML file of secrets, chosen explicitly for headless machines,
//! with an index beside it (`secrets.index`: keys and offsets) so one entry is read alone.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use zeroize::{Zeroize, Zeroizing};

use super::StoreError;
use crate::rules::secret::Secret;
use crate::stores::atomic_file::{private_file, write_atomic_no_follow};
use crate::stores::entry_index::{self, Ranges};

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

impl Secrets {
    fn lookup(&self, path: &Path, secret_ref: &str) -> Result<Secret, StoreError> {
        self.0
            .get(secret_ref)
            .map(|s| Secret::new(s.as_str()))
            .ok_or_else(|| missing(path))
    }
}

/// The whole file, for a write (which writes the index itself).
fn read(path: &Path) -> Result<Secrets, StoreError> {
    read_whole(path, false).map(|(secrets, _)| secrets)
}

/// The whole file, and the identity of the version read. With `index`, a file in this
/// program's own layout whose index is missing or stale gets its index, so the next lookups
/// read one line.
fn read_whole(
    path: &Path,
    index: bool,
) -> Result<(Secrets, Option<entry_index::Identity>), StoreError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Secrets::default(), None)),
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
    let mut text = Zeroizing::new(String::new());
    let mut file = fs::File::open(path).map_err(|e| err(path, format!("cannot read it ({e})")))?;
    let identity = file
        .metadata()
        .ok()
        .and_then(|m| entry_index::Identity::of(&m));
    file.read_to_string(&mut text)
        .map_err(|e| err(path, format!("cannot read it ({e})")))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        err(path, format!("does not parse ({})", e.message().trim()))
    })?;
    let mut secrets = Secrets::default();
    for (k, v) in table {
        match v {
            toml::Value::String(s) => {
                secrets.0.insert(k, s);
            }
            _ => return Err(err(path, format!("entry {k} is not a string"))),
        }
    }
    if let Some(identity) = identity.filter(|_| index) {
        let (canonical, ranges) = render(&secrets);
        if *canonical == *text {
            entry_index::write_for(&index_path(path), identity, None, ranges);
        }
    }
    Ok((secrets, identity))
}

/// The last file read whole, for the lookups that follow in the same process (`verify --all`
/// and `list` read every profile's entries): used only while the file is that very version,
/// and wiped when replaced.
static LAST: std::sync::Mutex<Option<(entry_index::Identity, Secrets)>> =
    std::sync::Mutex::new(None);

fn from_last(path: &Path, secret_ref: &str) -> Option<Result<Secret, StoreError>> {
    let meta = fs::symlink_metadata(path).ok()?;
    let now = entry_index::Identity::of(&meta)?;
    let last = LAST.lock().ok()?;
    let (identity, secrets) = last.as_ref()?;
    (*identity == now).then(|| secrets.lookup(path, secret_ref))
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

/// The file's text, one `ref = "value"` line per entry, and each line's byte range (for the
/// index, so `get` reads one line). Wiped when dropped.
fn render(secrets: &Secrets) -> (Zeroizing<String>, Ranges) {
    let mut text = Zeroizing::new(String::from(
        "# oauth-setup secrets, UNENCRYPTED. Readable only by you (0600). Do not copy or commit.\n",
    ));
    let mut ranges = Vec::with_capacity(secrets.0.len());
    for (k, v) in &secrets.0 {
        let mut one = toml::Table::new();
        one.insert(k.clone(), toml::Value::String(v.clone()));
        let start = text.len() as u64;
        let mut line = one.to_string();
        text.push_str(&line);
        line.zeroize();
        if let Some(toml::Value::String(mut s)) = one.remove(k) {
            s.zeroize();
        }
        ranges.push((k.clone(), start..text.len() as u64));
    }
    (text, ranges)
}

fn write(path: &Path, secrets: &Secrets) -> Result<(), StoreError> {
    let (text, ranges) = render(secrets);
    write_atomic_no_follow(path, text.as_bytes()).map_err(|e| {
        if crate::stores::atomic_file::is_disk_full(&e) {
            StoreError::DiskFull {
                path: path.display().to_string(),
            }
        } else {
            err(path, format!("cannot write it ({e})"))
        }
    })?;
    entry_index::write(&index_path(path), path, None, ranges);
    Ok(())
}

/// The index beside the secrets file: `secrets.index` for `secrets.toml`.
fn index_path(path: &Path) -> PathBuf {
    path.with_extension("index")
}

/// One entry through the index, reading one line; `None` when the index cannot tell (the
/// whole file is then read, with every check).
fn quick(path: &Path, secret_ref: &str) -> Option<Result<Secret, StoreError>> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let file = fs::File::open(path).ok()?;
    let opened = file.metadata().ok()?;
    // The file opened is the one checked (not a link swapped in), and still private.
    let same = entry_index::Identity::of(&opened)? == entry_index::Identity::of(&meta)?;
    if !same || check_owner(path, &opened).is_err() {
        return None;
    }
    let hit = entry_index::find(&file, &index_path(path), Some(secret_ref))?;
    // No line for the key: the whole file says for sure (once per version, see `LAST`).
    let range = hit.range?;
    let bytes = entry_index::read_range(&file, range).ok()?;
    let mut table: toml::Table = std::str::from_utf8(&bytes).ok()?.parse().ok()?;
    let found = match table.remove(secret_ref) {
        Some(toml::Value::String(mut s)) if table.is_empty() => {
            let secret = Secret::new(s.as_str());
            s.zeroize();
            crate::base::log::debug(format_args!(
                "secrets file: entry {secret_ref} read alone through secrets.index"
            ));
            Some(Ok(secret))
        }
        _ => None,
    };
    for (_, v) in table.iter_mut() {
        if let toml::Value::String(s) = v {
            s.zeroize();
        }
    }
    found
}

fn missing(path: &Path) -> StoreError {
    StoreError::Missing {
        store: format!("secrets file {}", path.display()),
    }
}

/// Lookups so far in this process: one or two read a line each through the index; a process
/// that looks up more (`verify --all`, `list`) reads the file once and answers from memory.
static LOOKUPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub fn get(path: &Path, secret_ref: &str) -> Result<Secret, StoreError> {
    if let Some(found) = from_last(path, secret_ref) {
        return found;
    }
    let many = LOOKUPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 2;
    if !many && let Some(found) = quick(path, secret_ref) {
        return found;
    }
    let (secrets, identity) = read_whole(path, true)?;
    let found = secrets.lookup(path, secret_ref);
    if let (Some(identity), Ok(mut last)) = (identity, LAST.lock()) {
        *last = Some((identity, secrets));
    }
    found
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

    /// A file in this program's layout whose index is gone gets one at the next whole read; a
    /// file in another layout gets none, and its entries are still found, read once per version.
    #[test]
    fn an_index_is_made_only_for_the_programs_own_layout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        let index = index_path(&path);
        set(&path, "a", &Secret::new("one")).unwrap();
        set(&path, "b", &Secret::new("two")).unwrap();
        fs::remove_file(&index).unwrap();
        assert_eq!(get(&path, "b").unwrap().expose(), "two");
        assert!(index.exists(), "the canonical file got its index again");
        assert_eq!(quick(&path, "a").unwrap().unwrap().expose(), "one");

        // Written by hand: out of order, with a comment. No index; the memo answers.
        fs::write(&path, "# mine\nz = \"last\"\na = \"first\"\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        fs::remove_file(&index).unwrap();
        assert_eq!(get(&path, "a").unwrap().expose(), "first");
        assert!(!index.exists());
        assert_eq!(from_last(&path, "z").unwrap().unwrap().expose(), "last");
        assert!(matches!(
            from_last(&path, "nope"),
            Some(Err(StoreError::Missing { .. }))
        ));
        std::thread::sleep(std::time::Duration::from_millis(5));
        fs::write(&path, "a = \"changed\"\n").unwrap();
        assert!(
            from_last(&path, "a").is_none(),
            "another version: read again"
        );
        assert_eq!(get(&path, "a").unwrap().expose(), "changed");
    }
}

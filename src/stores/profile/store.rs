//! Loading and saving `profiles.toml`: atomic, backed up, private, locked, and never overwriting
//! a file it could not read.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{Profile, ProfilesFile, SCHEMA_VERSION};
use crate::rules::fields::parse_profile_name;
use crate::rules::provider::Provider;
use crate::stores::atomic_file::{private_file, write_atomic};
use crate::stores::config_dir::{ConfigDir, ConfigDirError, WriteLock};
use crate::stores::entry_index;

mod by_index;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "{path}:{line}:{column}: {message}. The file was left unchanged; fix it by hand{}",
        .backup.as_deref().map(|b| format!(" or restore {b}")).unwrap_or_default()
    )]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
        /// The copy kept before the last write, when there is one to restore.
        backup: Option<String>,
    },
    #[error(
        "{path}: schema version {found} was written by a newer oauth-setup (this one reads {SCHEMA_VERSION}); upgrade oauth-setup"
    )]
    FutureSchema { path: String, found: u32 },
    #[error("{path}: {message}. The file was left unchanged; fix it by hand")]
    Invalid { path: String, message: String },
    #[error("{path}: cannot {action} ({source})")]
    Io {
        path: String,
        action: &'static str,
        source: io::Error,
    },
    /// The disk (or quota) is full: the file was left as it was.
    #[error("{path}: the disk is full, so nothing was changed")]
    DiskFull { path: String },
    #[error(transparent)]
    Dir(#[from] ConfigDirError),
}

pub struct ProfileStore {
    dir: ConfigDir,
}

impl ProfileStore {
    pub fn new(dir: ConfigDir) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &ConfigDir {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.profiles_path()
    }

    /// The profiles, or an empty set when the file does not exist yet. Reading needs no lock:
    /// writers replace the file by rename, so a reader sees one whole version.
    pub fn load(&self) -> Result<ProfilesFile, ProfileError> {
        use std::io::Read;
        let path = self.path();
        let mut file = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ProfilesFile::default()),
            Err(source) => return Err(io_err(&path, "read it", source)),
        };
        // The JSON copy of this very version, when the program wrote one: the same profiles,
        // read several times quicker, and checked by the same rules.
        if let Some(json) = entry_index::fresh_copy(&file, &self.dir.profiles_copy_path())
            && let Ok(copy) = serde_json::from_str::<ProfilesFile>(&json)
        {
            let shown = path.display().to_string();
            let invalid = |message: String| ProfileError::Invalid {
                path: shown.clone(),
                message,
            };
            return checked(copy, &invalid);
        }
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|source| io_err(&path, "read it", source))?;
        parse(&text, &path, &self.dir.backup_path())
    }

    /// Read profiles from text as if it were this store's file (no I/O); for fuzzing and tools.
    pub fn parse_text(&self, text: &str) -> Result<ProfilesFile, ProfileError> {
        parse(text, &self.path(), &self.dir.backup_path())
    }

    /// Run `change` on the current profiles under the write lock and save the result. Nothing is
    /// written when the file cannot be read or `change` fails.
    pub fn update<T, E>(
        &self,
        change: impl FnOnce(&mut ProfilesFile) -> Result<T, E>,
    ) -> Result<Result<T, E>, ProfileError> {
        let _lock = self.lock()?;
        let mut file = self.load()?;
        let out = match change(&mut file) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        self.save_locked(&file)?;
        Ok(Ok(out))
    }

    /// Take the config folder's write lock (blocking), for writes beside the profiles file. Temporary
    /// files left by a writer that crashed are removed: under the lock, nobody else is writing.
    pub fn lock(&self) -> Result<WriteLock, ProfileError> {
        self.dir.ensure()?;
        let lock = self.dir.lock()?;
        self.remove_temp_files();
        Ok(lock)
    }

    /// Remove what a crashed writer left (a temporary file may hold a secret), when no writer is
    /// busy now. Every command calls this first, so a stray copy does not wait for the next write.
    pub fn clean_after_crash(&self) {
        if !self.temp_files().is_empty()
            && let Ok(Some(_lock)) = self.dir.try_lock()
        {
            self.remove_temp_files();
        }
    }

    fn temp_files(&self) -> Vec<PathBuf> {
        fs::read_dir(self.dir.root())
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn remove_temp_files(&self) {
        for path in self.temp_files() {
            let _ = fs::remove_file(path);
        }
    }

    fn save_locked(&self, file: &ProfilesFile) -> Result<(), ProfileError> {
        let path = self.path();
        let (text, ranges) = super::fragments::render(file).map_err(|e| ProfileError::Invalid {
            path: path.display().to_string(),
            message: format!("cannot be written ({e})"),
        })?;
        write_atomic(&path, text.as_bytes(), Some(&self.dir.backup_path()))
            .map_err(|e| write_error(&path, e))?;
        entry_index::write(
            &self.dir.profiles_index_path(),
            &path,
            file.default_profile.clone(),
            ranges,
        );
        self.write_copy(&path, file);
        Ok(())
    }

    /// Tighten the folder and files if other users can read them; returns what was changed.
    pub fn fix_permissions(&self) -> Result<Vec<String>, ProfileError> {
        let mut fixed = Vec::new();
        if !self.dir.root().exists() {
            return Ok(fixed);
        }
        fixed.extend(self.dir.ensure()?);
        for path in [self.path(), self.dir.backup_path(), self.dir.secrets_path()] {
            match private_file(&path) {
                Ok(change) => fixed.extend(change),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(&path, "restrict its permissions", e)),
            }
        }
        Ok(fixed)
    }
}

/// A failed write of a file beside the profiles (profiles.toml, the journal): a full disk
/// named as such, anything else as the I/O error it is.
pub(crate) fn write_error(path: &Path, e: io::Error) -> ProfileError {
    if crate::stores::atomic_file::is_disk_full(&e) {
        return ProfileError::DiskFull {
            path: path.display().to_string(),
        };
    }
    io_err(path, "write it", e)
}

fn io_err(path: &Path, action: &'static str, source: io::Error) -> ProfileError {
    ProfileError::Io {
        path: path.display().to_string(),
        action,
        source,
    }
}

/// The backup's path, when there is a backup to restore.
fn backup_of(backup: &Path) -> Option<String> {
    backup.is_file().then(|| backup.display().to_string())
}

fn parse(text: &str, path: &Path, backup: &Path) -> Result<ProfilesFile, ProfileError> {
    let shown = path.display().to_string();
    let invalid = |message: String| ProfileError::Invalid {
        path: shown.clone(),
        message,
    };
    // Read the schema version first, so a newer file gets "upgrade" rather than a field error,
    // and an older one is migrated.
    let table = text.parse::<toml::Table>().ok();
    if let Some(table) = &table
        && let Some(v) = table.get("schema_version")
    {
        let Some(v) = v.as_integer() else {
            // Whatever else is wrong, the layout is unknown without the version: say that.
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("schema_version"))
                .map_or(1, |i| i + 1);
            return Err(ProfileError::Parse {
                path: shown.clone(),
                line,
                column: 1,
                message: format!(
                    "schema_version must be a number ({SCHEMA_VERSION} for this oauth-setup)"
                ),
                backup: backup_of(backup),
            });
        };
        if v > i64::from(SCHEMA_VERSION) {
            return Err(ProfileError::FutureSchema {
                path: shown.clone(),
                found: u32::try_from(v).unwrap_or(u32::MAX),
            });
        }
        if v == 1 {
            let file =
                super::migrate::from_v1(table.clone()).map_err(|e| invalid(e.to_string()))?;
            return checked(file, &invalid);
        }
    }
    // The table already parsed is read into the types; only a file that does not fit them is
    // parsed again, for the line and column of the error.
    if let Some(file) = table.and_then(|t| toml::Value::Table(t).try_into::<ProfilesFile>().ok()) {
        return checked(file, &invalid);
    }
    let file: ProfilesFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        let mut message = e.message().trim().to_string();
        if let Some(key) = key_on_line(text, line)
            && !message.contains(&key)
        {
            message.push_str(&format!(" (key `{key}`)"));
        }
        ProfileError::Parse {
            path: shown.clone(),
            line,
            column,
            message,
            backup: backup_of(backup),
        }
    })?;
    checked(file, &invalid)
}

/// The rules beyond the types, for a file read or migrated.
fn checked(
    file: ProfilesFile,
    invalid: &dyn Fn(String) -> ProfileError,
) -> Result<ProfilesFile, ProfileError> {
    if file.schema_version != SCHEMA_VERSION {
        return Err(invalid(format!(
            "schema_version is {}, expected {SCHEMA_VERSION}",
            file.schema_version
        )));
    }
    for (name, p) in &file.profiles {
        check_profile(name, p).map_err(|e| invalid(e.to_string()))?;
    }
    if let Some(d) = &file.default_profile
        && !file.profiles.contains_key(d)
    {
        return Err(invalid(format!("default_profile \"{d}\" is not a profile")));
    }
    Ok(file)
}

/// One profile's rules beyond its types: its name and a known provider (the type carries the
/// store with its location).
fn check_profile(name: &str, p: &Profile) -> Result<(), Broken> {
    parse_profile_name(name).map_err(|e| Broken::Name {
        name: name.to_string(),
        why: e,
    })?;
    if !Provider::is_known(&p.provider) {
        return Err(Broken::Provider {
            name: name.to_string(),
            provider: p.provider.clone(),
        });
    }
    Ok(())
}

/// A profile that breaks a rule its types do not carry.
#[derive(Debug, thiserror::Error)]
enum Broken {
    #[error("profile [{name}]: {why}")]
    Name {
        name: String,
        why: crate::rules::fields::FieldError,
    },
    #[error("profile {name}: unknown provider \"{provider}\" (known: {})", Provider::ids().join(", "))]
    Provider { name: String, provider: String },
}

/// The key a `key = value` line sets; only the key, since a value could be a pasted secret.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let (key, _) = text.lines().nth(line - 1)?.split_once('=')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    plain.then(|| key.to_string())
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<ProfilesFile, ProfileError> {
        parse(
            text,
            Path::new("/c/profiles.toml"),
            Path::new("/c/profiles.toml.bak"),
        )
    }

    /// The error names the file, the line and the column, and offers the backup only when
    /// there is one.
    #[test]
    fn parse_errors_name_file_line_and_column() {
        let broken = "schema_version = 1\n[profiles.acme]\nprovider = coupa\n";
        let e = parse_str(broken).unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("/c/profiles.toml:3:12: "), "{s}");
        assert!(s.ends_with("fix it by hand"), "no backup to restore: {s}");
        let dir = tempfile::tempdir().unwrap();
        let bak = dir.path().join("profiles.toml.bak");
        std::fs::write(&bak, "").unwrap();
        let e = parse(broken, &dir.path().join("profiles.toml"), &bak).unwrap_err();
        assert!(
            e.to_string()
                .ends_with(&format!("or restore {}", bak.display())),
            "{e}"
        );
    }

    #[test]
    fn future_schema_and_unknown_keys() {
        let e = parse_str("schema_version = 7\n").unwrap_err();
        assert!(e.to_string().contains("newer oauth-setup"), "{e}");
        let e = parse_str("schema_version = 1\ncolour = \"red\"\n").unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
        let e = parse_str("schema_version = 1\ndefault_profile = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("\"x\" is not a profile"), "{e}");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncΩd", 6), (2, 3));
    }
}

//! The config folder: where it is, creating it private, and the lock that serialises writers.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::stores::atomic_file::private_dir;

mod lock;

pub use lock::{ENV_LOCK_TIMEOUT, LockProblem};

pub const ENV_CONFIG_DIR: &str = "OAUTH_SETUP_CONFIG_DIR";

#[derive(Debug, Clone)]
pub struct ConfigDir {
    root: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigDirError {
    #[error(
        "cannot find a config folder (no home directory); pass --config-dir or set {ENV_CONFIG_DIR}"
    )]
    NoHome,
    #[error("config folder {path}: cannot {action} ({source})")]
    Io {
        path: String,
        action: &'static str,
        source: io::Error,
    },
    #[error("the lock {path} is still held after {} s{}", .waited.as_secs(), .holder.as_ref().map(|h| format!(" by {h}")).unwrap_or_default())]
    Busy {
        path: String,
        waited: std::time::Duration,
        holder: Option<String>,
    },
    #[error("the lock {path} belongs to another user (uid {uid}), so it is not used")]
    Foreign { path: String, uid: u32 },
}

/// Holding this keeps other oauth-setup processes from writing the config folder.
pub struct WriteLock {
    _file: File,
}

/// The user's home folder, where the platform knows one.
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}

impl ConfigDir {
    /// `--config-dir`, else `$OAUTH_SETUP_CONFIG_DIR`, else the platform's config folder.
    pub fn resolve(flag: Option<PathBuf>) -> Result<Self, ConfigDirError> {
        let root = match flag {
            Some(p) => p,
            None => match std::env::var_os(ENV_CONFIG_DIR).filter(|v| !v.is_empty()) {
                Some(p) => PathBuf::from(p),
                None => directories::ProjectDirs::from("", "", "oauth-setup")
                    .ok_or(ConfigDirError::NoHome)?
                    .config_dir()
                    .to_path_buf(),
            },
        };
        Ok(Self { root })
    }

    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The user's own provider presets, one TOML file each.
    pub fn providers_path(&self) -> PathBuf {
        self.root.join("providers")
    }

    pub fn profiles_path(&self) -> PathBuf {
        self.root.join("profiles.toml")
    }

    /// Where each profile sits in `profiles.toml` (a cache, see `stores/entry_index.rs`).
    pub fn profiles_index_path(&self) -> PathBuf {
        self.root.join("profiles.index")
    }

    /// The profiles as JSON, for the version of `profiles.toml` it names (a cache, quicker to
    /// read than the TOML when every profile is needed).
    pub fn profiles_copy_path(&self) -> PathBuf {
        self.root.join("profiles.json")
    }

    pub fn backup_path(&self) -> PathBuf {
        self.root.join("profiles.toml.bak")
    }

    pub fn secrets_path(&self) -> PathBuf {
        self.root.join("secrets.toml")
    }

    /// The names of store entries a write in progress may leave behind (no values).
    pub fn journal_path(&self) -> PathBuf {
        self.root.join("journal.toml")
    }

    fn io_err(&self, action: &'static str) -> impl FnOnce(io::Error) -> ConfigDirError + '_ {
        move |source| ConfigDirError::Io {
            path: self.root.display().to_string(),
            action,
            source,
        }
    }

    /// Create the folder (0700) if needed. Returns a warning when an existing folder was open to
    /// other users and has been tightened.
    pub fn ensure(&self) -> Result<Option<String>, ConfigDirError> {
        if !self.root.exists() {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(&self.root)
                .map_err(self.io_err("create it"))?;
            return Ok(None);
        }
        private_dir(&self.root).map_err(self.io_err("restrict its permissions"))
    }

    /// Take the exclusive write lock (blocks until other writers finish).
    pub fn lock(&self) -> Result<WriteLock, ConfigDirError> {
        let path = self.root.join(".lock");
        let file = self.open_lock(&path)?;
        self.wait(&file, &path)?;
        Ok(WriteLock { _file: file })
    }

    /// Wait for `file` within the bound, each refusal named with the file.
    fn wait(&self, file: &File, path: &Path) -> Result<(), ConfigDirError> {
        let shown = path.display().to_string();
        lock::wait(file, path, lock::timeout()).map_err(|p| match p {
            LockProblem::Busy { waited, holder } => ConfigDirError::Busy {
                path: shown,
                waited,
                holder,
            },
            LockProblem::Foreign { uid } => ConfigDirError::Foreign { path: shown, uid },
            LockProblem::Io(e) => self.io_err("lock it")(io::Error::other(e)),
        })
    }

    /// The lock if nobody holds it now, else `None`.
    pub fn try_lock(&self) -> Result<Option<WriteLock>, ConfigDirError> {
        let file = self.lock_file()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(WriteLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(self.io_err("lock it")(e)),
        }
    }

    fn lock_file(&self) -> Result<File, ConfigDirError> {
        self.open_lock(&self.root.join(".lock"))
    }

    /// One profile's token lock: the process that holds it asks the server for that profile
    /// while others wait, without holding up the rest of the folder.
    pub fn profile_lock(&self, profile: &str) -> Result<WriteLock, ConfigDirError> {
        self.ensure()?;
        let dir = self.root.join("locks");
        if !dir.exists() {
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(&dir) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                    return Err(self.io_err("create its locks folder")(e));
                }
                _ => {}
            }
        }
        let path = dir.join(format!("{profile}.lock"));
        let file = self.open_lock(&path)?;
        self.wait(&file, &path)?;
        Ok(WriteLock { _file: file })
    }

    fn open_lock(&self, path: &Path) -> Result<File, ConfigDirError> {
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(path).map_err(self.io_err("create its lock file"))
    }
}

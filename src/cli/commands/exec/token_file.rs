//! The token file of `exec --keep-fresh`: alone in a private folder (0700) in
//! `$XDG_RUNTIME_DIR`, else the temporary folder; the file 0600, replaced atomically so a
//! reader never sees half a token, and gone with its folder when this value is dropped.

use std::io;
use std::path::{Path, PathBuf};

use crate::rules::secret::AccessToken;
use crate::stores::atomic_file::write_line_no_follow;

pub struct TokenFile {
    /// Removed, with the file, on drop.
    dir: tempfile::TempDir,
}

impl TokenFile {
    pub fn create() -> io::Result<Self> {
        let base = runtime_dir().or_else(temp_dir).ok_or_else(|| {
            io::Error::other("neither XDG_RUNTIME_DIR nor the temporary folder is private")
        })?;
        let mut builder = tempfile::Builder::new();
        builder.prefix("oauth-setup-exec-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        Ok(Self {
            dir: builder.tempdir_in(base)?,
        })
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("token")
    }

    /// The token and a newline, as WLCG token files hold it.
    pub fn write(&self, token: &AccessToken) -> io::Result<()> {
        write_line_no_follow(&self.path(), token.expose())
    }
}

/// `$XDG_RUNTIME_DIR` when it is a folder of this user's that nobody else may write to: the
/// variable comes from the environment, and is checked like anything from outside.
fn runtime_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR")?);
    private_folder(&dir).then_some(dir)
}

/// The temporary folder (TMPDIR, else /tmp) when nobody else can move what is made in it:
/// this user's or root's, and either closed to others' writes or sticky (as /tmp is). In a
/// folder anyone may rename entries in, another user could swap the private folder for theirs
/// between two renewals.
fn temp_dir() -> Option<PathBuf> {
    let dir = std::env::temp_dir().canonicalize().ok()?;
    shared_but_safe(&dir).then_some(dir)
}

#[cfg(unix)]
fn shared_but_safe(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::getuid().as_raw();
    std::fs::metadata(dir).is_ok_and(|m| {
        let sticky = m.mode() & 0o1000 != 0;
        m.is_dir() && (m.uid() == me || m.uid() == 0) && (sticky || m.mode() & 0o022 == 0)
    })
}

#[cfg(not(unix))]
fn shared_but_safe(dir: &Path) -> bool {
    dir.is_dir()
}

#[cfg(unix)]
fn private_folder(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    dir.is_absolute()
        && std::fs::symlink_metadata(dir).is_ok_and(|m| {
            m.is_dir() && m.uid() == rustix::process::getuid().as_raw() && m.mode() & 0o022 == 0
        })
}

#[cfg(not(unix))]
fn private_folder(dir: &Path) -> bool {
    dir.is_absolute() && dir.is_dir()
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn private_and_gone_when_dropped() {
        let file = TokenFile::create().unwrap();
        file.write(&AccessToken::new("tok-1")).unwrap();
        let path = file.path();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "tok-1\n");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        file.write(&AccessToken::new("tok-2")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "tok-2\n");
        drop(file);
        assert!(!path.exists() && !path.parent().unwrap().exists());
    }

    #[test]
    fn a_runtime_folder_others_can_write_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        assert!(private_folder(dir.path()));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(!private_folder(dir.path()));
        assert!(!private_folder(Path::new("relative")));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/", &link).unwrap();
        assert!(!private_folder(&link));
    }

    /// The fallback may be shared only when others cannot move its entries: sticky, or closed.
    #[test]
    fn a_temporary_folder_others_can_rename_in_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let set =
            |mode| std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode));
        set(0o700).unwrap();
        assert!(shared_but_safe(dir.path()));
        set(0o1777).unwrap();
        assert!(shared_but_safe(dir.path()), "sticky, as /tmp is");
        set(0o777).unwrap();
        assert!(
            !shared_but_safe(dir.path()),
            "world-writable and not sticky"
        );
        set(0o770).unwrap();
        assert!(
            !shared_but_safe(dir.path()),
            "group-writable and not sticky"
        );
        set(0o700).unwrap();
        assert!(!shared_but_safe(&dir.path().join("missing")));
    }
}
